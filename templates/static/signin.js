/* mockfinra sign-in: drives the Okta Authentication API (/api/v1/authn) the way a real client does.
   Element ids follow the Okta Sign-In Widget where one exists (okta-signin-username, ...). No dependencies. */
(function () {
  "use strict";

  const root = document.getElementById("okta-sign-in");
  if (!root) return;
  const cfg = root.dataset;
  let tx = null;
  let pollTimer = null;

  const LABELS = {
    "question:OKTA": "Security Question",
    "token:software:totp:GOOGLE": "Google Authenticator",
    "token:software:totp:OKTA": "Okta Verify (code)",
    "push:OKTA": "Okta Verify (push)",
    "sms:OKTA": "SMS",
    "call:OKTA": "Voice Call",
  };
  // As the Okta Sign-In Widget: offer further factors after an enrollment, and warn before a password expires.
  const SIGN_IN_OPTIONS = {multiOptionalFactorEnroll: true, warnBeforePasswordExpired: true};
  const label = (f) => LABELS[`${f.factorType}:${f.provider}`] || `${f.factorType} (${f.provider})`;
  const factorKey = (f) => `${f.factorType}:${f.provider}`;

  const {el} = window.mockfinraDom;  // from dom.js, loaded first

  async function call(url, body, method) {
    const response = await fetch(url, {
      method: method || "POST",
      headers: {"Accept": "application/json", "Content-Type": "application/json"},
      credentials: "same-origin",
      body: method === "GET" ? undefined : JSON.stringify(body || {}),
    });
    let data = {};
    try { data = await response.json(); } catch (_) { data = {}; }
    if (!response.ok) throw Object.assign(new Error(data.errorSummary || `HTTP ${response.status}`), {data});
    return data;
  }

  function stopPolling() {
    if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
  }

  function screen(title, subtitle, ...body) {
    stopPolling();
    const parts = [
      el("h1", {class: "auth-title", text: title}),
      subtitle ? el("p", {class: "auth-subtitle", text: subtitle}) : null,
      el("div", {class: "o-form-error-container", id: "form-errors", role: "alert"}),
      ...body,
    ];
    root.replaceChildren(...parts.flat().filter((part) => part !== null && part !== undefined));
    const first = root.querySelector("input:not([type=hidden]), select, button");
    if (first) first.focus();
  }

  // What a person reads for an Okta error (the code stays in a data attribute for tests and support).
  const FRIENDLY = {
    E0000004: "Sign in failed: the username or password is not right.",
    E0000011: "Your sign-in timed out. Start again.",
    E0000068: "That answer or code is not right. Try again.",
    E0000069: "Your account is locked because of too many failed attempts. Unlock it, or ask your administrator.",
    E0000079: "This step is no longer valid. Start again.",
    E0000109: "A text message was sent a moment ago. Wait 30 seconds before asking for another.",
    E0000133: "We called a moment ago. Wait 30 seconds before asking for another call.",
    E0000014: "The password was not accepted.",
    E0000080: "The password does not meet the requirements.",
    E0000087: "That answer is not right. Try again.",
    E0000001: "Please check what you entered.",
  };
  const causeText = (c) => String(c).replace(/^[A-Za-z.]+: /, "");

  function showError(error) {
    const box = document.getElementById("form-errors") || root;
    const data = (error && error.data) || {};
    if (data.errorCode === "E0000069") { lockedOut(); return; }  // the transaction is over: no form to retry
    const causes = (data.errorCauses || []).map((c) => c.errorSummary).filter(Boolean).map(causeText);
    const summary = FRIENDLY[data.errorCode] || data.errorSummary || error.message || "Something went wrong. Try again.";
    const restart = data.errorCode === "E0000011" || data.errorCode === "E0000079";
    box.replaceChildren(
      el("div", {class: "error", "data-error-code": data.errorCode || ""},
        el("strong", {text: summary}),
        causes.length && data.errorCode !== "E0000079" ? el("ul", {}, causes.map((c) => el("li", {text: c}))) : null,
        restart ? el("p", {}, el("a", {href: cfg.signin || "#", id: "start-again", onclick: (e) => { if (!cfg.signin) { e.preventDefault(); tx = null; showSignIn(); } }, text: "Start again"})) : null),
    );
  }

  /** The password rules the server's policy sends (`_embedded.policy.complexity`), in words. */
  function passwordRules() {
    const c = (((tx || {})._embedded || {}).policy || {}).complexity || {};
    const parts = [];
    if (c.minLength) parts.push(`at least ${c.minLength} characters`);
    if (c.minLowerCase) parts.push("a lowercase letter");
    if (c.minUpperCase) parts.push("an uppercase letter");
    if (c.minNumber) parts.push("a number");
    if (c.minSymbol) parts.push("a symbol");
    if (c.excludeUsername) parts.push("no part of your username");
    return parts.length ? `Password requirements: ${parts.join(", ")}.` : "Choose a new password.";
  }

  function field(id, text, type, extra) {
    return el("label", {class: "o-form-label", for: id}, el("span", {text}),
      el("input", Object.assign({id, name: id, type: type || "text", required: true, autocomplete: "off"}, extra || {})));
  }

  function form(onSubmit, submitText, ...fields) {
    const node = el("form", {class: "o-form", novalidate: true}, ...fields,
      el("input", {type: "submit", class: "button button-primary", id: "okta-signin-submit", value: submitText}));
    node.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = node.querySelector("[type=submit]");
      button.disabled = true;
      try { await onSubmit(node); } catch (error) { showError(error); } finally { button.disabled = false; }
    });
    return node;
  }

  const value = (id) => (document.getElementById(id) || {}).value || "";

  function footer() {
    const links = [];
    if (tx && tx._links && tx._links.prev) {
      links.push(el("a", {href: "#", id: "auth-back", onclick: (e) => { e.preventDefault(); go(tx._links.prev.href, {}); }, text: "Back"}));
    }
    if (tx && tx._links && tx._links.cancel) {
      links.push(el("a", {href: "#", id: "auth-cancel", onclick: async (e) => {
        e.preventDefault();
        try { await call(tx._links.cancel.href, {stateToken: tx.stateToken}); } catch (_) { /* already gone */ }
        tx = null; showSignIn();
      }, text: "Back to sign in"}));
    }
    return links.length ? el("div", {class: "auth-footer-links"}, links) : null;
  }

  async function go(url, body) {
    const payload = Object.assign({}, body);
    if (tx && tx.stateToken && !payload.stateToken) payload.stateToken = tx.stateToken;
    handle(await call(url, payload));
  }

  function handle(next) {
    tx = next;
    const renderers = {
      SUCCESS: success, MFA_REQUIRED: mfaRequired, MFA_CHALLENGE: mfaChallenge, MFA_ENROLL: mfaEnroll,
      MFA_ENROLL_ACTIVATE: enrollActivate, PASSWORD_WARN: passwordChange, PASSWORD_EXPIRED: passwordChange,
      PASSWORD_RESET: passwordReset, LOCKED_OUT: lockedOut, RECOVERY: recovery, RECOVERY_CHALLENGE: recoveryChallenge,
    };
    const render = renderers[tx.status];
    if (render) render(); else screen("Unsupported step", `The service answered ${tx.status}.`, footer());
  }

  // ---- sign-in and activation -------------------------------------------------------------------

  function showSignIn() {
    screen("Sign In", null,
      form(async () => {
        handle(await call(cfg.authn, {
          username: value("okta-signin-username"),
          password: value("okta-signin-password"),
          options: SIGN_IN_OPTIONS,
        }));
      }, "Sign In",
      field("okta-signin-username", "Username", "text", {autocomplete: "username"}),
      field("okta-signin-password", "Password", "password", {autocomplete: "current-password"})),
      el("div", {class: "auth-footer-links"},
        el("a", {href: "#", id: "forgot-password", onclick: (e) => { e.preventDefault(); showRecoveryStart("PASSWORD"); }, text: "Forgot password?"}),
        el("a", {href: "#", id: "unlock-account", onclick: (e) => { e.preventDefault(); showRecoveryStart("UNLOCK"); }, text: "Unlock account?"})));
  }

  async function startWithToken() {
    if (cfg.mode === "resume") {
      try { handle(await call(cfg.authn, {stateToken: cfg.token})); } catch (error) {
        screen("This step cannot be continued", "It may have timed out. Go back to your account and start again.",
          el("a", {class: "button", href: cfg.home, text: "Back to my account"}));
      }
      return;
    }
    const recovering = cfg.mode === "recovery";
    screen(recovering ? "Account recovery" : "Activate your account", recovering ? "Checking your link…" : "Checking your invitation…");
    try {
      // A recovery email's link carries a recovery token; an invitation's an activation token.
      handle(await (recovering ? call(cfg.authn + "/recovery/token", {recoveryToken: cfg.token}) : call(cfg.authn, {token: cfg.token, options: SIGN_IN_OPTIONS})));
    } catch (error) {
      screen("This link cannot be used", "The activation or recovery link is invalid, used or expired. Ask your administrator for a new one.",
        el("a", {class: "button", href: "#", onclick: (e) => { e.preventDefault(); showSignIn(); }, text: "Go to sign in"}));
    }
  }

  function success() {
    if (!tx.sessionToken) {
      // An unlock ends with SUCCESS but no session: the user signs in next.
      screen("Account unlocked", "Your account is unlocked. Sign in with your password.",
        el("a", {class: "button button-primary", href: "#", id: "unlocked-sign-in", onclick: (e) => { e.preventDefault(); tx = null; showSignIn(); }, text: "Sign in"}));
      return;
    }
    const target = cfg.fromUri || cfg.home;
    const url = `${cfg.redirect}?${new URLSearchParams({token: tx.sessionToken, redirectUrl: target})}`;
    screen("Signed in", "Redirecting…");
    window.location.assign(url);
  }

  // ---- password states ---------------------------------------------------------------------------

  function passwordChange() {
    const expired = tx.status === "PASSWORD_EXPIRED";
    screen(expired ? "Your password has expired" : "Your password will expire soon", passwordRules(),
      form(async () => {
        if (value("new-password") !== value("confirm-password")) throw new Error("The passwords do not match.");
        await go(tx._links.next.href, {oldPassword: value("old-password"), newPassword: value("new-password")});
      }, "Change Password",
      field("old-password", "Old password", "password"),
      field("new-password", "New password", "password"),
      field("confirm-password", "Repeat password", "password")),
      tx._links.skip ? el("a", {href: "#", id: "skip", class: "button link-button", onclick: async (e) => { e.preventDefault(); try { await go(tx._links.skip.href, {}); } catch (err) { showError(err); } }, text: "Remind me later"}) : null,
      footer());
  }

  function passwordReset() {
    screen("Set your password", passwordRules(),
      form(async () => {
        if (value("new-password") !== value("confirm-password")) throw new Error("The passwords do not match.");
        await go(tx._links.next.href, {newPassword: value("new-password")});
      }, "Set Password",
      field("new-password", "New password", "password", {autocomplete: "new-password"}),
      field("confirm-password", "Repeat password", "password", {autocomplete: "new-password"})),
      footer());
  }

  function lockedOut() {
    screen("Your account is locked", "Too many failed sign-in attempts. Unlock it with a code sent to you, or ask your administrator.",
      el("a", {class: "button button-primary", href: "#", id: "start-unlock", onclick: (e) => { e.preventDefault(); showRecoveryStart("UNLOCK"); }, text: "Unlock account"}),
      footer());
  }

  // ---- recovery -------------------------------------------------------------------------------------

  function showRecoveryStart(kind) {
    const path = kind === "UNLOCK" ? "/recovery/unlock" : "/recovery/password";
    tx = null;
    screen(kind === "UNLOCK" ? "Unlock account" : "Reset password", "We will send you a code or a link.",
      form(async () => {
        const body = {username: value("account-recovery-username"), factorType: value("recovery-factor")};
        handle(await call(cfg.authn + path, body));
      }, "Send",
      field("account-recovery-username", "Email or username", "text"),
      el("label", {class: "o-form-label", for: "recovery-factor"}, el("span", {text: "Send it by"}),
        el("select", {id: "recovery-factor"},
          el("option", {value: "EMAIL", text: "Email"}), el("option", {value: "SMS", text: "SMS"}), el("option", {value: "CALL", text: "Voice call"})))),
      el("div", {class: "auth-footer-links"}, el("a", {href: "#", onclick: (e) => { e.preventDefault(); showSignIn(); }, text: "Back to sign in"})));
  }

  function recoveryChallenge() {
    if (!tx.stateToken) {
      screen("Check your email", "If the account exists, we sent it a link. Open it to continue.",
        el("a", {class: "button", href: "#", onclick: (e) => { e.preventDefault(); showSignIn(); }, text: "Back to sign in"}));
      return;
    }
    const unlocking = tx.recoveryType === "UNLOCK";
    screen(unlocking ? "Unlock account" : "Reset password",
      tx.factorType === "CALL" ? "We called you and read out a code. Enter it below." : "We sent you a code by SMS. Enter it below.",
      form(async () => { await go(tx._links.next.href, {passCode: value("recovery-code")}); }, "Verify",
        field("recovery-code", "Code", "text", {inputmode: "numeric", autocomplete: "one-time-code"})),
      tx._links.resend ? el("a", {href: "#", class: "button link-button", id: "resend", onclick: async (e) => { e.preventDefault(); try { await go(tx._links.resend.href, {}); } catch (err) { showError(err); } }, text: "Send again"}) : null,
      footer());
  }

  function recovery() {
    const question = (((tx._embedded || {}).user || {}).recovery_question || {}).question || "Answer your recovery question";
    const unlocking = tx.recoveryType === "UNLOCK";
    screen(unlocking ? "Unlock account: answer your recovery question" : "Reset password: answer your recovery question", question,
      form(async () => { await go(tx._links.next.href, {answer: value("recovery-answer")}); }, unlocking ? "Unlock Account" : "Reset Password",
        field("recovery-answer", "Answer", "password")),
      footer());
  }

  // ---- MFA ------------------------------------------------------------------------------------------

  // The server lists the last-used factor first (on any device), as Okta does: it is the default.
  function mfaRequired() {
    const factors = (tx._embedded || {}).factors || [];
    showFactor(factors[0], factors);
  }

  function factorPicker(factors, current) {
    if (factors.length < 2) return null;
    return el("div", {class: "factor-picker"},
      el("span", {class: "muted", text: "Select a different security method: "}),
      factors.filter((f) => f !== current).map((f) =>
        el("button", {type: "button", class: "chip-button", "data-factor": factorKey(f), onclick: () => showFactor(f, factors), text: label(f)})));
  }

  function showFactor(factor, factors) {
    const verify = factor._links.verify.href;
    const picker = factorPicker(factors, factor);
    const type = factor.factorType;
    if (type === "question") {
      screen(label(factor), factor.profile.questionText,
        form(async () => { await go(verify, {answer: value("mfa-answer")}); }, "Verify",
          field("mfa-answer", "Answer", "password")), picker, footer());
    } else if (type === "token:software:totp") {
      screen(label(factor), "Enter the 6-digit code from your authenticator app.",
        form(async () => { await go(verify, {passCode: value("mfa-code")}); }, "Verify",
          field("mfa-code", "Code", "text", {inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6"})), picker, footer());
    } else {
      const what = type === "push" ? "Send Push" : type === "call" ? "Call Me" : "Send Code";
      const detail = type === "push" ? "We will send a push notification to Okta Verify." :
        `We will ${type === "call" ? "call" : "text"} ${factor.profile.phoneNumber || "your phone"}.`;
      screen(label(factor), detail,
        form(async () => { await go(verify, {}); }, what), picker, footer());
    }
  }

  function mfaChallenge() {
    const factor = (tx._embedded || {}).factor || {};
    const next = tx._links.next || {};
    if (next.name === "poll" || tx.factorResult === "WAITING") {
      const challenge = (factor._embedded || {}).challenge;
      screen("Push sent", "Approve the sign-in on Okta Verify.",
        challenge ? el("p", {class: "number-challenge", id: "number-challenge"}, "Tap ", el("strong", {text: String(challenge.correctAnswer)}), " on your phone") : null,
        el("div", {class: "spinner", "aria-hidden": "true"}), footer());
      pollTimer = setTimeout(async () => { try { await go(next.href, {}); } catch (err) { showError(err); } }, 1500);
      return;
    }
    if (tx.factorResult === "REJECTED" || tx.factorResult === "TIMEOUT") {
      const text = tx.factorResult === "REJECTED" ? "You denied the push." : "The push expired.";
      screen("Push not approved", text,
        el("button", {type: "button", class: "button button-primary", id: "push-again", onclick: async () => { try { await go(next.href, {}); } catch (err) { showError(err); } }, text: "Send again"}),
        footer());
      return;
    }
    const resend = Array.isArray(tx._links.resend) ? tx._links.resend[0] : tx._links.resend;
    const number = factor.profile && factor.profile.phoneNumber ? ` ${factor.profile.phoneNumber}` : "";
    screen(label(factor), factor.factorType === "call" ? `We called${number || " you"}. Enter the code you heard.` : `Enter the code we sent${number ? " to" + number : ""}.`,
      form(async () => { await go(next.href, {passCode: value("mfa-code")}); }, "Verify",
        field("mfa-code", "Code", "text", {inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6"})),
      resend ? el("a", {href: "#", id: "resend", class: "button link-button", onclick: async (e) => { e.preventDefault(); try { await go(resend.href, {}); } catch (err) { showError(err); } }, text: "Send again"}) : null,
      footer());
  }

  function mfaEnroll() {
    const factors = (tx._embedded || {}).factors || [];
    screen("Set up multifactor authentication", "Your organization requires at least one security method to protect your account.",
      el("ul", {class: "enroll-list"}, factors.map((f) =>
        el("li", {class: "enroll-item"},
          el("span", {class: `factor-icon factor-${f.factorType.replace(/:/g, "-")}`, "aria-hidden": "true"}),
          el("span", {class: "enroll-name", text: label(f)}),
          f.status === "ACTIVE" ? el("span", {class: "muted", text: "Set up"}) :
            el("button", {type: "button", class: "button", "data-enroll": factorKey(f), onclick: () => enrollFactor(f), text: "Setup"})))),
      tx._links.skip ? el("button", {type: "button", id: "enroll-finish", class: "button button-primary", onclick: async () => { try { await go(tx._links.skip.href, {}); } catch (err) { showError(err); } }, text: "Finish"}) : null,
      footer());
  }

  async function enrollFactor(factor) {
    const enroll = factor._links.enroll.href;
    const base = {factorType: factor.factorType, provider: factor.provider};
    if (factor.factorType === "question") {
      const questions = await call(factor._links.questions.href, null, "GET");
      screen("Set up security question", null,
        form(async () => {
          await go(enroll, Object.assign(base, {profile: {question: value("question-select"), answer: value("question-answer")}}));
        }, "Save",
        el("label", {class: "o-form-label", for: "question-select"}, el("span", {text: "Choose a security question"}),
          el("select", {id: "question-select"}, questions.map((q) => el("option", {value: q.question, text: q.questionText})))),
        field("question-answer", "Answer (at least 4 characters)", "password")),
        el("div", {class: "auth-footer-links"}, el("a", {href: "#", onclick: (e) => { e.preventDefault(); mfaEnroll(); }, text: "Back"})));
    } else if (factor.factorType === "sms" || factor.factorType === "call") {
      screen(factor.factorType === "sms" ? "Set up SMS" : "Set up voice call", "Enter a phone number in international form, e.g. +1 555 415 1337.",
        form(async () => {
          const profile = {phoneNumber: value("phone-number")};
          if (factor.factorType === "call" && value("phone-extension")) profile.phoneExtension = value("phone-extension");
          await go(enroll, Object.assign(base, {profile}));
        }, factor.factorType === "sms" ? "Send code" : "Call",
        field("phone-number", "Phone number", "tel", {autocomplete: "tel"}),
        factor.factorType === "call" ? field("phone-extension", "Extension (optional)", "text", {required: false}) : null),
        el("div", {class: "auth-footer-links"}, el("a", {href: "#", onclick: (e) => { e.preventDefault(); mfaEnroll(); }, text: "Back"})));
    } else {
      try { await go(enroll, base); } catch (err) { showError(err); }
    }
  }

  function enrollActivate() {
    const factor = (tx._embedded || {}).factor || {};
    const activation = (factor._embedded || {}).activation || {};
    const qr = activation._links && activation._links.qrcode;
    const next = tx._links.next || {};
    if (factor.factorType === "push") {
      screen("Set up Okta Verify", tx.factorResult === "TIMEOUT" ? "The QR code expired. Start again." : "Scan this QR code with Okta Verify.",
        qr ? el("img", {class: "qrcode", id: "qrcode", src: qr.href, alt: "QR code for Okta Verify", width: "200", height: "200"}) : null,
        tx.factorResult === "TIMEOUT" ? el("button", {type: "button", class: "button button-primary", onclick: async () => { try { await go(next.href, {}); } catch (err) { showError(err); } }, text: "Start again"}) : el("div", {class: "spinner", "aria-hidden": "true"}),
        footer());
      if (tx.factorResult !== "TIMEOUT" && next.name === "poll") {
        pollTimer = setTimeout(async () => { try { await go(next.href, {}); } catch (err) { showError(err); } }, 2000);
      }
      return;
    }
    if (factor.factorType === "token:software:totp") {
      screen(`Set up ${label(factor)}`, "Scan the QR code with your authenticator app, then enter the 6-digit code it shows.",
        qr ? el("img", {class: "qrcode", id: "qrcode", src: qr.href, alt: "QR code for the authenticator app", width: "200", height: "200"}) : null,
        el("details", {class: "manual-key"}, el("summary", {text: "Can't scan?"}),
          el("p", {}, "Key: ", el("code", {id: "shared-secret", text: activation.sharedSecret || ""})),
          el("p", {class: "muted", text: `Time based, ${activation.keyLength || 6} digits, every ${activation.timeStep || 30} seconds.`})),
        form(async () => { await go(next.href, {passCode: value("activation-code")}); }, "Verify",
          field("activation-code", "Code", "text", {inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6"})),
        footer());
      return;
    }
    const resend = Array.isArray(tx._links.resend) ? tx._links.resend[0] : tx._links.resend;
    const to = (factor.profile || {}).phoneNumber || "your phone";
    screen(`Set up ${label(factor)}`, factor.factorType === "call" ? `We called ${to}. Enter the code you heard.` : `Enter the code we sent to ${to}.`,
      form(async () => { await go(next.href, {passCode: value("activation-code")}); }, "Verify",
        field("activation-code", "Code", "text", {inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6"})),
      resend ? el("a", {href: "#", id: "resend", class: "button link-button", onclick: async (e) => { e.preventDefault(); try { await go(resend.href, {}); } catch (err) { showError(err); } }, text: "Send again"}) : null,
      footer());
  }

  if (["activate", "recovery", "resume"].includes(cfg.mode)) startWithToken(); else showSignIn();
})();
