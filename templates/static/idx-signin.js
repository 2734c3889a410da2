/* mockfinra sign-in, Identity Engine style (eras 2024 and 2026): drives the IDX API (/idp/idx/*) the way Okta's
   own widget does, screen by screen from each response's first remediation. No dependencies but dom.js. */
(function () {
  "use strict";

  const root = document.getElementById("okta-sign-in");
  if (!root) return;
  const cfg = root.dataset;
  const {el} = window.mockfinraDom;
  let idx = null;
  let pollTimer = null;

  const NAMES = {
    okta_password: "Password", security_question: "Security Question", google_otp: "Google Authenticator",
    okta_verify: "Okta Verify", phone_number: "Phone", okta_email: "Email",
  };
  const DESCRIPTIONS = {
    security_question: "Choose a security question and answer that will be used for signing in",
    google_otp: "Enter a temporary code generated from the Google Authenticator app.",
    okta_verify: "Okta Verify is an authenticator app, installed on your phone, used to prove your identity",
    phone_number: "Verify with a code sent to your phone",
    okta_email: "Verify with a code sent to your email",
  };

  // What the list of security methods says under each one when signing in (DESCRIPTIONS are for setting up).
  const VERIFY_HINTS = {
    security_question: "Answer the question you chose",
    google_otp: "Enter a code from the app",
    okta_verify: "Use the app on your phone",
    okta_email: "Get a code by email",
  };

  // --- talking to the server ---------------------------------------------------------------------

  async function post(url, body) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: {"Accept": "application/json; okta-version=1.0.0", "Content-Type": "application/json"},
        credentials: "same-origin",
        body: JSON.stringify(body || {}),
      });
    } catch (_) {
      return {messages: {value: [{message: "The sign-in service cannot be reached. Check that mockfinra is running."}]}};
    }
    try { return await response.json(); } catch (_) {
      return {messages: {value: [{message: `The sign-in service answered with an error (HTTP ${response.status}).`}]}};
    }
  }

  function stateOf(form, values) {
    const body = {};
    for (const f of form.value || []) {
      if (f.mutable === false && f.value !== undefined) body[f.name] = f.value;
    }
    return Object.assign(body, values || {});
  }

  async function submit(form, values) {
    stopPolling();
    show(await post(form.href, stateOf(form, values)));
  }

  function stopPolling() {
    if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
  }

  // --- reading a response --------------------------------------------------------------------------

  const remediations = () => ((idx && idx.remediation && idx.remediation.value) || []);
  const remediation = (name) => remediations().find((r) => r.name === name);
  const obj = (key) => (idx && idx[key] && idx[key].value) || null;
  const current = () => obj("currentAuthenticatorEnrollment") || obj("currentAuthenticator") || {};
  const fieldOf = (form, name) => (form.value || []).find((f) => f.name === name);

  /** What an option's `relatesTo` ("$.authenticatorEnrollments.value[0]") points at in the response. */
  function related(path) {
    if (typeof path !== "string") return path || {};
    let node = idx;
    for (const part of path.replace(/^\$\.?/, "").split(/\.|\[(\d+)\]/).filter(Boolean)) {
      node = node == null ? undefined : node[/^\d+$/.test(part) ? Number(part) : part];
    }
    return node || {};
  }
  const methodTypes = (auth) => (auth.methods || []).map((m) => m.type);

  function messagesOf(data) {
    const list = (data && data.messages && data.messages.value) || [];
    return list.map((m) => m.message).filter(Boolean);
  }

  // --- drawing -------------------------------------------------------------------------------------

  function screen(title, subtitle, ...body) {
    stopPolling();
    const parts = [
      el("h1", {class: "auth-title", text: title}),
      subtitle ? el("p", {class: "auth-subtitle", id: "idx-subtitle", text: subtitle}) : null,
      errorBox(),
      ...body,
      footer(),
    ];
    root.replaceChildren(...parts.flat().filter((part) => part !== null && part !== undefined));
    const first = root.querySelector("input:not([type=hidden]):not([type=radio]), select, button.button-primary");
    if (first) first.focus();
  }

  function errorBox() {
    const texts = messagesOf(idx);
    const level = ((idx && idx.messages && idx.messages.value) || [{}])[0].class;
    const box = el("div", {class: "o-form-error-container", id: "form-errors", role: "alert"});
    if (texts.length) {
      box.append(el("div", {class: level === "INFO" ? "info" : "error"}, texts.map((t) => el("p", {text: t}))));
    }
    return box;
  }

  function input(id, label, type, extra) {
    return el("label", {class: "o-form-label", for: id}, el("span", {text: label}),
      el("input", Object.assign({id, name: id, type: type || "text", autocomplete: "off"}, extra || {})));
  }

  function form(onSubmit, submitText, ...fields) {
    const node = el("form", {class: "o-form", novalidate: true}, ...fields,
      el("input", {type: "submit", class: "button button-primary", id: "idx-submit", value: submitText}));
    node.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = node.querySelector("[type=submit]");
      button.disabled = true;
      try { await onSubmit(node); } finally { button.disabled = false; }
    });
    return node;
  }

  const value = (id) => ((document.getElementById(id) || {}).value || "").trim();
  const secretValue = (id) => (document.getElementById(id) || {}).value || "";

  function link(id, text, onClick) {
    return el("a", {href: "#", id, onclick: (e) => { e.preventDefault(); onClick(); }, text});
  }

  function footer() {
    const links = [];
    const others = remediation("select-authenticator-authenticate");
    const first = remediations()[0];
    if (others && first && first !== others && first.name !== "authenticator-verification-data") {
      links.push(link("idx-verify-other", "Verify with something else", () => { drawSelect(others); }));
    }
    const recover = current().recover;
    if (recover && first && ["identify", "challenge-authenticator"].includes(first.name)) {
      links.push(link("idx-forgot-password", "Forgot password?", () => submit(recover)));
    }
    const unlock = remediation("unlock-account");
    if (unlock) links.push(link("idx-unlock", "Unlock account?", () => submit(unlock)));
    if (idx && idx.cancel && (!first || first.name !== "identify")) {
      links.push(link("idx-cancel", "Back to sign in", () => submit(idx.cancel)));
    }
    return links.length ? el("div", {class: "auth-footer-links"}, links) : null;
  }

  function show(data) {
    idx = data;
    if (data.success && data.success.href) {
      screen("Signed in", "Taking you to your account…");
      window.location.assign(data.success.href);
      return;
    }
    const first = remediations()[0];
    if (!first) { terminal(); return; }
    const draw = DRAW[first.name];
    if (draw) draw(first); else unsupported(first);
  }

  // The title of a last screen (no remediation left), by its message's i18n key.
  const TERMINAL_TITLES = {
    "idx.session.expired": "Your sign-in timed out",
    "errors.E0000119": "Your account is locked",
    "errors.E0000069": "Your account is locked",
    "oie.selfservice.unlock_user.success.message": "Account successfully unlocked!",
    "idx.recovery.completed": "Your password was reset",
  };

  function terminal() {
    const texts = messagesOf(idx);
    const list = (idx && idx.messages && idx.messages.value) || [];
    const key = ((list.find((m) => m.i18n && TERMINAL_TITLES[m.i18n.key]) || {}).i18n || {}).key;
    const expired = key === "idx.session.expired";
    const failed = list.some((m) => m.class !== "INFO");
    root.replaceChildren(
      el("h1", {class: "auth-title", text: TERMINAL_TITLES[key] || "Sign In"}),
      el("div", {class: "o-form-error-container", id: "form-errors", role: "alert"},
        texts.length ? el("div", {class: failed ? "error" : "info"}, texts.map((t) => el("p", {text: t}))) : null),
      el("a", {class: "button button-primary", id: "idx-start-again", href: cfg.signin, text: expired ? "Start again" : "Back to sign in"}));
  }

  function unsupported(first) {
    screen("Something went wrong", "This step of the sign-in is not supported by this page.",
      el("p", {class: "muted", text: `Step: ${first.name.replace(/-/g, " ")}`}));
  }

  // --- screens -------------------------------------------------------------------------------------

  function drawIdentify(r) {
    const withPassword = fieldOf(r, "credentials");
    screen("Sign In", null,
      form(async () => {
        const values = {identifier: value("idx-identifier"), rememberMe: !!(document.getElementById("idx-remember") || {}).checked};
        if (withPassword) values.credentials = {passcode: secretValue("idx-password")};
        await submit(r, values);
      }, withPassword ? "Sign In" : "Next",
      input("idx-identifier", "Username", "text", {autocomplete: "username"}),
      withPassword ? input("idx-password", "Password", "password", {autocomplete: "current-password"}) : null,
      el("label", {class: "checkbox", for: "idx-remember"}, el("input", {type: "checkbox", id: "idx-remember"}), el("span", {text: "Keep me signed in"}))));
  }

  function drawChallenge(r) {
    const auth = current();
    const key = auth.key;
    if (key === "okta_password") {
      screen("Verify with your password", identifierText(),
        form(async () => submit(r, {credentials: {passcode: secretValue("idx-password")}}), "Verify",
          input("idx-password", "Password", "password", {autocomplete: "current-password"})));
    } else if (key === "security_question") {
      const question = ((auth.contextualData || {}).enrolledQuestion || {}).question || "Your security question";
      const questionKey = ((auth.contextualData || {}).enrolledQuestion || {}).questionKey;
      screen("Verify with your Security Question", question,
        form(async () => submit(r, {credentials: {questionKey, answer: secretValue("idx-answer")}}), "Verify",
          input("idx-answer", "Answer", "password")));
    } else if (key === "okta_verify") {
      screen("Enter a code", "Enter the code shown in the Okta Verify app.",
        codeForm(r, "totp"));
    } else if (key === "phone_number") {
      const voice = methodTypes(auth).includes("voice");
      const number = (auth.profile || {}).phoneNumber || "your phone";
      screen("Verify with your phone", voice ? `We called ${number}. Enter the code you heard.` : `A code was sent to ${number}. Enter the code below to verify.`,
        codeForm(r, "passcode"), resendLink(voice ? "Call again" : "Send again"));
    } else if (key === "okta_email") {
      const address = (auth.profile || {}).email || "your email";
      screen("Verify with your email", `We sent a code to ${address}. Enter it below.`, codeForm(r, "passcode"), resendLink("Send again"));
    } else {
      screen(`Verify with ${NAMES[key] || "your security method"}`, "Enter the code from your authenticator app.", codeForm(r, "passcode"));
    }
  }

  function codeForm(r, name) {
    return form(async () => submit(r, {credentials: {[name]: value("idx-code")}}), "Verify",
      input("idx-code", "Enter code", "text", {inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6"}));
  }

  function resendLink(text) {
    const resend = current().resend;
    if (!resend) return null;
    return el("p", {class: "resend"}, el("span", {class: "muted", text: "Haven't received it? "}),
      link("idx-resend", text, () => submit(resend)));
  }

  function identifierText() {
    const user = obj("user");
    return user && user.identifier ? user.identifier : null;
  }

  function drawSelect(r) {
    const options = (fieldOf(r, "authenticator") || {}).options || [];
    const recovering = !!obj("recoveryAuthenticator");
    const title = recovering ? "Reset your password" : "Verify it's you with a security method";
    const subtitle = recovering ? "Verify with one of the following security methods to reset your password." : "Select from the following options";
    screen(title, subtitle,
      el("ul", {class: "authenticator-list", id: "idx-authenticators"}, options.map((o) => {
        const auth = related(o.relatesTo);
        const key = auth.key || "";
        const fields = (o.value && o.value.form && o.value.form.value) || [];
        const methods = (fieldOf({value: fields}, "methodType") || {}).options;
        const choices = methods && methods.length ? methods : [null];
        return choices.map((m) => el("li", {class: "authenticator-row"},
          el("span", {class: `factor-icon factor-${key}`, "aria-hidden": "true"}),
          el("span", {class: "authenticator-name"},
            el("strong", {text: NAMES[key] || o.label}),
            el("span", {class: "muted", text: m ? m.label : describeEnrollment(auth)})),
          el("button", {type: "button", class: "button", "data-se": key + (m ? `-${m.value}` : ""), onclick: () => {
            const chosen = {};
            for (const f of fields) if (f.mutable === false) chosen[f.name] = f.value;
            if (m) chosen.methodType = m.value;
            submit(r, {authenticator: chosen});
          }, text: "Select"})));
      }).flat()));
  }

  function describeEnrollment(auth) {
    const profile = (auth && auth.profile) || {};
    return profile.phoneNumber || profile.email || profile.deviceName || VERIFY_HINTS[(auth || {}).key] || "";
  }

  function drawVerificationData(r) {
    const field = fieldOf(r, "authenticator");
    const methods = (fieldOf(field.form || {}, "methodType") || {}).options || [];
    const id = (fieldOf(field.form || {}, "id") || {}).value;
    const number = (current().profile || {}).phoneNumber || "your phone";
    screen("Verify with your phone", `Send a code to ${number}.`,
      el("div", {class: "stack"}, methods.map((m) => el("button", {
        type: "button", class: m.value === methods[0].value ? "button button-primary" : "button", id: `idx-method-${m.value}`,
        onclick: () => submit(r, {authenticator: {id, methodType: m.value}}),
        text: m.value === "voice" ? "Receive a code via voice call" : "Receive a code via SMS",
      }))));
  }

  function drawEnrollList(r) {
    const options = (fieldOf(r, "authenticator") || {}).options || [];
    const enrolled = (obj("authenticatorEnrollments") || []).filter((e) => e.key !== "okta_password");
    const skip = remediation("skip");
    const needsQuestion = !enrolled.some((e) => e.key === "security_question");
    const needsSecond = !enrolled.some((e) => e.key !== "security_question");
    const still = [];
    if (needsQuestion && cfg.questionRequired === "true") still.push("the security question");
    if (needsSecond && cfg.secondFactorRequired === "true") still.push("at least one more security method");
    screen("Set up security methods",
      skip ? "Your required security methods are set up. Add another one, or continue." :
        `Security methods help protect your account by ensuring only you have access. Still required: ${still.join(" and ") || "one security method"}.`,
      enrolled.length ? el("ul", {class: "authenticator-list done", id: "idx-enrolled"}, enrolled.map((e) =>
        el("li", {class: "authenticator-row"}, el("span", {class: "check", "aria-hidden": "true", text: "✓"}),
          el("span", {class: "authenticator-name"}, el("strong", {text: NAMES[e.key] || e.displayName}), el("span", {class: "muted", text: "Set up"}))))) : null,
      el("ul", {class: "authenticator-list", id: "idx-enroll-options"}, options.map((o) => {
        const key = related(o.relatesTo).key || "";
        const required = key === "security_question" && needsQuestion && cfg.questionRequired === "true";
        const fields = (o.value && o.value.form && o.value.form.value) || [];
        return el("li", {class: "authenticator-row"},
          el("span", {class: `factor-icon factor-${key}`, "aria-hidden": "true"}),
          el("span", {class: "authenticator-name"}, el("strong", {text: NAMES[key] || o.label}),
            el("span", {class: "muted", text: (required ? "Required. " : "") + (DESCRIPTIONS[key] || "")})),
          el("button", {type: "button", class: "button", "data-se": `enroll-${key}`, onclick: () => {
            const chosen = {};
            for (const f of fields) if (f.mutable === false) chosen[f.name] = f.value;
            submit(r, {authenticator: chosen});
          }, text: "Set up"}));
      })),
      skip ? el("button", {type: "button", class: "button button-primary", id: "idx-skip", onclick: () => submit(skip), text: "Continue"}) : null);
  }

  function drawEnroll(r) {
    const auth = current();
    if (auth.key === "security_question") return drawQuestionEnroll(r, auth);
    if (auth.key === "okta_password") return drawPassword(r, "Set up password", "Choose a password for your account.");
    if (auth.key === "google_otp") {
      const data = auth.contextualData || {};
      return screen("Set up Google Authenticator", "Scan the QR code with Google Authenticator, then enter the code it shows.",
        data.qrcode ? el("img", {class: "qrcode", id: "idx-qrcode", src: data.qrcode.href, alt: "QR code for Google Authenticator", width: "200", height: "200"}) : null,
        el("details", {class: "manual-key"}, el("summary", {text: "Can't scan?"}),
          el("p", {}, "Enter this key in the app: ", el("code", {id: "idx-shared-secret", text: data.sharedSecret || ""})),
          el("p", {class: "muted", text: "Time based, 6 digits, every 30 seconds."})),
        codeForm(r, "passcode"));
    }
    const voice = methodTypes(auth).includes("voice");
    const to = (auth.profile || {}).phoneNumber || "you";
    return screen("Set up phone authentication", voice ? `We called ${to}. Enter the code you heard.` : "We sent a code by SMS. Enter it below.",
      codeForm(r, "passcode"), resendLink(voice ? "Call again" : "Send again"));
  }

  function drawQuestionEnroll(r, auth) {
    const questions = ((auth.contextualData || {}).questions) || [];
    screen("Set up security question", "Choose a security question and answer that will be used for signing in.",
      form(async () => {
        const custom = (document.getElementById("idx-question-custom") || {}).checked;
        const credentials = custom ?
          {questionKey: "custom", question: value("idx-own-question"), answer: secretValue("idx-answer")} :
          {questionKey: value("idx-question"), answer: secretValue("idx-answer")};
        await submit(r, {credentials});
      }, "Verify",
      el("fieldset", {class: "radio-group"}, el("legend", {text: "Question"}),
        el("label", {for: "idx-question-choose"}, el("input", {type: "radio", name: "question-kind", id: "idx-question-choose", checked: true}), el("span", {text: "Choose a security question"})),
        el("label", {for: "idx-question-custom"}, el("input", {type: "radio", name: "question-kind", id: "idx-question-custom"}), el("span", {text: "Create my own security question"}))),
      el("label", {class: "o-form-label", for: "idx-question"}, el("span", {text: "Choose a security question"}),
        el("select", {id: "idx-question"}, questions.map((q) => el("option", {value: q.questionKey, text: q.question})))),
      input("idx-own-question", "Create a security question (if you chose your own)", "text"),
      input("idx-answer", "Answer (at least 4 characters)", "password")));
  }

  function rules(auth) {
    const c = (auth.settings || {}).complexity || {};
    const parts = [];
    if (c.minLength) parts.push(`At least ${c.minLength} characters`);
    if (c.minLowerCase) parts.push("A lowercase letter");
    if (c.minUpperCase) parts.push("An uppercase letter");
    if (c.minNumber) parts.push("A number");
    if (c.minSymbol) parts.push("A symbol");
    if (c.excludeUsername) parts.push("No parts of your username");
    return parts.length ? el("div", {class: "password-rules", id: "idx-password-rules"},
      el("p", {text: "Password requirements:"}), el("ul", {}, parts.map((p) => el("li", {text: p})))) : null;
  }

  function drawPassword(r, title, subtitle) {
    const auth = current();
    screen(title, subtitle, rules(auth),
      form(async () => {
        if (secretValue("idx-new-password") !== secretValue("idx-confirm-password")) {
          idx = Object.assign({}, idx, {messages: {value: [{message: "The passwords do not match."}]}});
          show(idx);
          return;
        }
        await submit(r, {credentials: {passcode: secretValue("idx-new-password")}});
      }, title === "Set up password" ? "Next" : "Reset Password",
      input("idx-new-password", "New password", "password", {autocomplete: "new-password"}),
      input("idx-confirm-password", "Re-enter password", "password", {autocomplete: "new-password"})),
      remediation("skip") ? el("button", {type: "button", class: "button link-button", id: "idx-skip", onclick: () => submit(remediation("skip")), text: "Remind me later"}) : null);
  }

  function drawPoll(r) {
    const auth = current();
    const answer = (auth.contextualData || {}).correctAnswer;
    screen("Get a push notification", "Push notification sent. Respond on your mobile device to continue.",
      answer !== undefined ? el("p", {class: "number-challenge", id: "idx-number-challenge"}, "On your phone, tap ", el("strong", {text: String(answer)}), " in Okta Verify") : null,
      el("div", {class: "spinner", "aria-hidden": "true"}),
      auth.resend ? el("p", {class: "resend"}, link("idx-resend", "Resend push notification", () => submit(auth.resend))) : null);
    pollTimer = setTimeout(() => submit(r), Math.max(500, r.refresh || 4000));
  }

  function drawResend(r) {
    const expired = ((idx && idx.messages && idx.messages.value) || []).some((m) => m.i18n && m.i18n.key === "api.authn.poll.error.push_expired");
    screen("Okta Verify", expired ? "Nobody answered the push notification in time." : "The push notification was not approved.",
      el("button", {type: "button", class: "button button-primary", id: "idx-resend", onclick: () => submit(r), text: "Resend push notification"}));
  }

  function drawEnrollPoll(r) {
    const auth = current();
    const data = auth.contextualData || {};
    const channelForm = remediation("select-enrollment-channel");
    screen("Set up Okta Verify", data.selectedChannel === "qrcode" ? "On your mobile device, open Okta Verify and scan this QR code." : "Open the link we sent on your phone to finish setting up Okta Verify.",
      data.qrcode ? el("img", {class: "qrcode", id: "idx-qrcode", src: data.qrcode.href, alt: "QR code for Okta Verify", width: "200", height: "200"}) : null,
      el("div", {class: "spinner", "aria-hidden": "true"}),
      channelForm && data.selectedChannel === "qrcode" ? el("details", {class: "manual-key"}, el("summary", {text: "Can't scan?"}),
        el("div", {class: "stack"},
          el("button", {type: "button", class: "button", id: "idx-channel-email", onclick: () => chooseChannel(channelForm, "email"), text: "Email me a setup link"}),
          el("button", {type: "button", class: "button", id: "idx-channel-sms", onclick: () => chooseChannel(channelForm, "sms"), text: "Text me a setup link"}))) : null);
    pollTimer = setTimeout(() => submit(r), Math.max(500, r.refresh || 4000));
  }

  function chooseChannel(r, channel) {
    const field = fieldOf(r, "authenticator");
    const id = (fieldOf((field.value || {}).form || {}, "id") || {}).value;
    submit(r, {authenticator: {id, channel}});
  }

  function drawChannelData(r) {
    const email = !!fieldOf(r, "email");
    screen("Set up Okta Verify", email ? "Where should we email the setup link?" : "Where should we text the setup link?",
      form(async () => submit(r, email ? {email: value("idx-channel-value")} : {phoneNumber: value("idx-channel-value")}), "Send me the setup link",
        input("idx-channel-value", email ? "Email" : "Phone number", email ? "email" : "tel")));
  }

  function drawEnrollmentData(r) {
    const field = fieldOf(r, "authenticator");
    const id = (fieldOf(field.form || {}, "id") || {}).value;
    screen("Set up phone authentication", "Enter your phone number to receive a verification code.",
      form(async () => submit(r, {authenticator: {id, methodType: (document.querySelector("input[name=idx-method]:checked") || {}).value || "sms", phoneNumber: value("idx-phone")}}), "Receive a code",
        el("fieldset", {class: "radio-group"}, el("legend", {text: "How do you want to get the code?"}),
          el("label", {for: "idx-method-sms"}, el("input", {type: "radio", name: "idx-method", id: "idx-method-sms", value: "sms", checked: true}), el("span", {text: "SMS"})),
          el("label", {for: "idx-method-voice"}, el("input", {type: "radio", name: "idx-method", id: "idx-method-voice", value: "voice"}), el("span", {text: "Voice call"}))),
        input("idx-phone", "Phone number (international form, e.g. +1 555 415 1337)", "tel", {autocomplete: "tel"})));
  }

  function drawIdentifyRecovery(r) {
    screen("Reset your password", "Enter your username to receive instructions.",
      form(async () => submit(r, {identifier: value("idx-identifier")}), "Next", input("idx-identifier", "Username", "text", {autocomplete: "username"})));
  }

  function drawUnlock(r) {
    const options = (fieldOf(r, "authenticator") || {}).options || [];
    screen("Unlock account", "Enter your username and choose how to receive a code.",
      form(async () => {
        const chosen = document.querySelector("input[name=idx-unlock-method]:checked");
        const option = options[Number(chosen ? chosen.value : 0)];
        const fields = (option.value.form.value || []);
        const authenticator = {};
        for (const f of fields) if (f.mutable === false) authenticator[f.name] = f.value;
        if (related(option.relatesTo).key === "phone_number") authenticator.methodType = "sms";
        await submit(r, {identifier: value("idx-identifier"), authenticator});
      }, "Send",
      input("idx-identifier", "Username", "text", {autocomplete: "username"}),
      el("fieldset", {class: "radio-group"}, el("legend", {text: "Send the code by"}), options.map((o, i) =>
        el("label", {for: `idx-unlock-${i}`}, el("input", {type: "radio", name: "idx-unlock-method", id: `idx-unlock-${i}`, value: String(i), checked: i === 0}),
          el("span", {text: related(o.relatesTo).key === "phone_number" ? "SMS" : (NAMES[related(o.relatesTo).key] || o.label)}))))));
  }

  const DRAW = {
    "identify": drawIdentify,
    "challenge-authenticator": drawChallenge,
    "select-authenticator-authenticate": drawSelect,
    "authenticator-verification-data": drawVerificationData,
    "challenge-poll": drawPoll,
    "resend": drawResend,
    "select-authenticator-enroll": drawEnrollList,
    "enroll-authenticator": drawEnroll,
    "authenticator-enrollment-data": drawEnrollmentData,
    "enroll-poll": drawEnrollPoll,
    "enrollment-channel-data": drawChannelData,
    "reset-authenticator": (r) => drawPassword(r, "Reset your password", "Choose a new password."),
    "reenroll-authenticator": (r) => drawPassword(r, "Your password has expired", "Choose a new password."),
    "reenroll-authenticator-warning": (r) => drawPassword(r, "Your password will expire soon", "Choose a new password, or change it later."),
    "identify-recovery": drawIdentifyRecovery,
    "select-authenticator-unlock-account": drawUnlock,
  };

  if (!cfg.stateHandle) {
    idx = {messages: {value: [{message: cfg.problem || "This link cannot be used. Ask your administrator for a new invitation."}]}};
    terminal();
    return;
  }
  post(cfg.introspect, {stateToken: cfg.stateHandle}).then(show);
})();
