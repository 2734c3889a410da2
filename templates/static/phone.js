/* mockfinra virtual phone: a user's SMS, voice calls and Okta Verify pushes, live, from the control plane.
   Reads /_mock/messages (and its event stream), /_mock/push, /_mock/users/{login}/totp. With an admin token
   configured on the server, the token is asked once, kept in sessionStorage and sent as X-Mock-Token.
   No dependencies; works offline. */
(function () {
  "use strict";

  const app = document.getElementById("phone-app");
  if (!app) return;
  const cfg = app.dataset;
  const TOKEN_KEY = "mockfinra.adminToken";
  const CHANNELS = "sms,voice,push";
  const $ = (id) => document.getElementById(id);

  let login = cfg.login || "";
  let device = null;
  let generation = 0;
  let timers = [];
  let streamController = null;
  let messages = [];
  const codes = {};

  // ---- helpers --------------------------------------------------------------------------------------

  const {el} = window.mockfinraDom;  // from dom.js, loaded first

  function storedToken() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch (_) { return ""; }
  }

  function headers(json) {
    const result = {Accept: "application/json"};
    const token = storedToken();
    if (token) result["X-Mock-Token"] = token;
    if (json) result["Content-Type"] = "application/json";
    return result;
  }

  function showTime(response) {
    const stamp = response.headers.get("x-mock-time");
    if (!stamp) return;
    $("mock-time").textContent = stamp.slice(11, 16);
    $("mock-time").title = `mock time ${stamp}`;
  }

  async function api(path, method, body) {
    const response = await fetch(cfg.mock + path, {
      method: method || "GET",
      headers: headers(body !== undefined),
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    showTime(response);
    if (response.status === 401) {
      askToken("The admin token is missing or wrong.");
      throw new Error("The admin token is needed.");
    }
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    if (!response.ok) throw Object.assign(new Error((data && data.message) || `HTTP ${response.status}`), {status: response.status});
    return data;
  }

  function every(ms, fn) {
    const mine = generation;
    const run = async () => {
      if (mine !== generation) return;
      try { await fn(); } catch (_) { /* shown by the caller or retried next time */ }
      if (mine === generation) timers.push(setTimeout(run, ms));
    };
    run();
  }

  function addressKey(to) {
    const text = String(to || "").trim();
    if (/^\+?[\d\s().\-/]+$/.test(text)) {
      const digits = text.replace(/\D/g, "");
      if (digits) return digits;
    }
    return text.toLowerCase();
  }

  function addresses() {
    const keys = new Set([login.toLowerCase()]);
    if (device) {
      for (const phone of device.phones) keys.add(addressKey(phone.phoneNumber));
      if (device.mobilePhone) keys.add(addressKey(device.mobilePhone));
    }
    return keys;
  }

  const when = (iso) => (iso ? `${iso.slice(11, 19)} UTC` : "");

  let liveText = "Not connected";
  let flashTimer = null;

  /** Show a status line; `live` ones stay, others give way to the live status after a few seconds. */
  function flash(text, bad, live) {
    $("live-status").textContent = text;
    $("live-status").classList.toggle("bad", Boolean(bad));
    if (flashTimer) clearTimeout(flashTimer);
    if (live) { liveText = text; return; }
    flashTimer = setTimeout(() => { $("live-status").textContent = liveText; $("live-status").classList.remove("bad"); }, 4000);
  }

  // ---- admin token -----------------------------------------------------------------------------------

  function askToken(reason) {
    const form = $("token-form");
    form.hidden = false;
    if (reason) flash(reason, true);
    $("token-input").focus();
  }

  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    try { sessionStorage.setItem(TOKEN_KEY, $("token-input").value.trim()); } catch (_) { /* private mode */ }
    $("token-form").hidden = true;
    loadUsers();
    start();
  });

  // ---- who ----------------------------------------------------------------------------------------------

  async function loadUsers() {
    const users = await api("/phone/users");
    $("login-list").replaceChildren(...users.map((u) => {
      const parts = [];
      if (u.phones.length) parts.push(u.phones.map((p) => p.factorType.toUpperCase()).join("/"));
      if (u.push) parts.push("Okta Verify");
      return el("option", {value: u.login, label: parts.length ? `${u.login} · ${parts.join(", ")}` : u.login});
    }));
    return users;
  }

  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    login = $("login-input").value.trim();
    const query = login ? `?${new URLSearchParams({login})}` : "";
    history.replaceState(null, "", window.location.pathname + query);
    start();
  });

  // A factor's status and a push factor's policy (GET /_mock/phone/users), in words.
  const STATUSES = {ACTIVE: "active", PENDING_ACTIVATION: "waiting to be activated", NOT_SETUP: "not set up"};
  const statusText = (status) => STATUSES[status] || String(status || "").toLowerCase().replace(/_/g, " ");
  const POLICIES = {
    manual: "you answer each push here", approve: "approves every push by itself",
    deny: "denies every push by itself", timeout: "never answers (pushes expire)",
  };

  function renderFacts() {
    const facts = $("device-facts");
    if (!device) { facts.replaceChildren(); return; }
    const items = [["Name", device.name]];
    for (const phone of device.phones) {
      items.push([phone.factorType === "sms" ? "SMS" : "Voice", `${phone.display}${phone.extension ? " ext. " + phone.extension : ""} (${statusText(phone.status)})`]);
    }
    if (device.mobilePhone) items.push(["Mobile", device.mobilePhone]);
    if (device.push) items.push(["Okta Verify", `${statusText(device.push.status)}; ${POLICIES[device.push.policy] || device.push.policy}`]);
    facts.replaceChildren(...items.flatMap(([term, text]) => [el("dt", {text: term}), el("dd", {text})]));
  }

  // ---- messages --------------------------------------------------------------------------------------

  function renderMessages() {
    const mine = messages.filter((m) => m.channel !== "push");
    $("no-messages").hidden = mine.length > 0;
    $("message-list").replaceChildren(...mine.map((m) =>
      el("li", {class: `bubble ${m.channel}`, "data-message": m.id},
        el("div", {class: "bubble-head"},
          el("span", {class: "bubble-kind", text: m.channel === "voice" ? "Voice call" : "SMS"}),
          el("span", {class: "muted", text: `${m.to} · ${when(m.createdAt)}`})),
        el("p", {class: "bubble-body", text: m.body}),
        m.code ? el("div", {class: "bubble-code"}, "Code ",
          el("code", {text: m.code}),
          el("button", {type: "button", class: "chip", onclick: () => copy(m.code), text: "Copy"})) : null)));
  }

  function addMessage(message) {
    if (!addresses().has(addressKey(message.to))) return false;
    if (messages.some((m) => m.id === message.id)) return false;
    messages.unshift(message);
    messages = messages.slice(0, 100);
    renderMessages();
    return true;
  }

  async function loadMessages() {
    const found = await api(`/messages?${new URLSearchParams({channel: CHANNELS, limit: "200"})}`);
    messages = [];
    for (const message of found.reverse()) addMessage(message);
    renderMessages();
  }

  async function follow(mine) {
    // fetch (not EventSource) so that the admin token can travel as a header
    streamController = new AbortController();
    const response = await fetch(`${cfg.mock}/messages/stream?${new URLSearchParams({channel: CHANNELS})}`,
      {headers: headers(false), signal: streamController.signal});
    if (response.status === 401) { askToken("The admin token is missing or wrong."); return; }
    if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
    flash("Live: new messages appear at once", false, true);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    while (mine === generation) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, {stream: true});
      let split;
      while ((split = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, split);
        buffer = buffer.slice(split + 2);
        const data = block.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trim()).join("\n");
        if (!data) continue;
        let message;
        try { message = JSON.parse(data); } catch (_) { continue; }
        if (addMessage(message) && message.channel === "push") refreshPushes();
      }
    }
  }

  async function stream(mine) {
    while (mine === generation) {
      try {
        await follow(mine);
      } catch (error) {
        if (mine !== generation) return;
        flash("Stream interrupted; reconnecting", true, true);
        try { await loadMessages(); await refreshPushes(); } catch (_) { /* retry below */ }
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  // ---- Okta Verify -------------------------------------------------------------------------------------

  async function act(path, body) {
    try {
      await api(path, "POST", body);
      flash("Done");
    } catch (error) {
      flash(error.message, true);
    }
    refreshPushes();
    refreshEnrollments();
  }

  function pushCard(push) {
    const base = `/push/${encodeURIComponent(push.id)}`;
    const answers = push.numberChallenge
      ? el("div", {class: "choices"},
          el("p", {class: "muted small", text: "Tap the number shown on the sign-in screen:"}),
          el("div", {class: "choice-row"}, push.choices.map((n) =>
            el("button", {type: "button", class: "choice", "data-answer": String(n), onclick: () => act(`${base}/approve`, {answer: n}), text: String(n)}))))
      : el("button", {type: "button", class: "button button-approve", "data-action": "approve", onclick: () => act(`${base}/approve`), text: "Yes, it's me"});
    return el("li", {class: "card push-card", "data-push": push.id},
      el("div", {class: "card-head"}, el("span", {class: "app-icon", "aria-hidden": "true", text: "✓"}),
        el("div", {}, el("strong", {text: "Did you just try to sign in?"}), el("div", {class: "muted small", text: cfg.org}))),
      el("dl", {class: "push-facts"},
        el("dt", {text: "Account"}), el("dd", {text: push.login}),
        el("dt", {text: "Location"}), el("dd", {text: push.clientIp ? `${push.city || "Unknown"} (${push.clientIp})` : push.city || "Unknown"}),
        push.userAgent ? [el("dt", {text: "Browser"}), el("dd", {text: push.userAgent.slice(0, 60)})] : null,
        el("dt", {text: "Sent"}), el("dd", {text: `${when(push.createdAt)}, expires ${when(push.expiresAt)}`})),
      answers,
      el("button", {type: "button", class: "button button-deny", "data-action": "deny", onclick: () => act(`${base}/deny`), text: "No, it's not me"}));
  }

  async function refreshPushes() {
    if (!login) return;
    const pushes = await api(`/push?${new URLSearchParams({login})}`);
    $("push-list").replaceChildren(...(pushes.length ? pushes.map(pushCard) : [el("li", {class: "empty small", text: "No pending push."})]));
    $("pushes").hidden = !(device && device.push) && pushes.length === 0;
  }

  async function refreshEnrollments() {
    if (!login) return;
    const pending = await api(`/push/enrollments?${new URLSearchParams({login})}`);
    $("enrollments").hidden = pending.length === 0;
    $("enrollment-list").replaceChildren(...pending.map((e) =>
      el("li", {class: "card", "data-enrollment": e.factorId},
        el("strong", {text: "Add account to Okta Verify"}),
        el("p", {class: "muted small", text: `${e.login} · QR code expires ${when(e.expiresAt)}`}),
        e.status === "WAITING"
          ? el("button", {type: "button", class: "button button-approve", "data-action": "activate", onclick: () => act(`/push/enrollments/${encodeURIComponent(e.factorId)}/activate`), text: "Activate Okta Verify"})
          : el("p", {class: "muted", text: e.status === "TIMEOUT" ? "Expired: start again on the sign-in page." : "Activated: the sign-in page finishes on its next check."}))));
  }

  // ---- authenticator codes -------------------------------------------------------------------------------

  async function fetchCode(provider) {
    const data = await api(`/users/${encodeURIComponent(login)}/totp?${new URLSearchParams({provider})}`);
    codes[provider] = {code: data.code, remaining: data.secondsRemaining, status: data.status};
  }

  function renderCodes() {
    const entries = Object.entries(codes);
    $("codes").hidden = entries.length === 0;
    $("code-list").replaceChildren(...entries.map(([provider, c]) =>
      el("li", {class: "card code-card", "data-provider": provider},
        el("div", {class: "code-head"},
          el("strong", {text: provider === "OKTA" ? "Okta Verify" : "Google Authenticator"}),
          el("span", {class: "muted small", text: c.status === "ACTIVE" ? login : "awaiting activation"})),
        el("div", {class: "code-row"},
          el("code", {class: "totp", text: `${c.code.slice(0, 3)} ${c.code.slice(3)}`}),
          el("span", {class: "ring", style: `--left: ${Math.max(0, c.remaining) / 30}`, title: `${c.remaining} s left`, text: String(Math.max(0, c.remaining))}),
          el("button", {type: "button", class: "chip", onclick: () => copy(c.code), text: "Copy"})))));
  }

  async function refreshCodes() {
    if (!device) return;
    await Promise.all(device.totp.map((t) => fetchCode(t.provider).catch(() => { delete codes[t.provider]; })));
    renderCodes();
  }

  async function refreshDevice() {
    // factors change while the page is open (an enrollment completes): reload what the phone holds
    const users = await loadUsers();
    device = users.find((u) => u.login.toLowerCase() === login.toLowerCase()) || device;
    renderFacts();
    for (const provider of Object.keys(codes)) {
      if (!device.totp.some((t) => t.provider === provider)) delete codes[provider];
    }
    await refreshCodes();
  }

  function tickCodes() {
    let stale = false;
    for (const c of Object.values(codes)) {
      c.remaining -= 1;
      if (c.remaining <= 0) stale = true;
    }
    if (stale) refreshCodes(); else renderCodes();
  }

  async function copy(text) {
    try { await navigator.clipboard.writeText(text); flash(`Copied ${text}`); } catch (_) { flash(text); }
  }

  // ---- start --------------------------------------------------------------------------------------------

  async function start() {
    generation += 1;
    const mine = generation;
    timers.forEach(clearTimeout);
    timers = [];
    if (streamController) streamController.abort();
    messages = [];
    for (const key of Object.keys(codes)) delete codes[key];
    for (const id of ["enrollments", "pushes", "codes", "messages"]) $(id).hidden = true;
    $("no-login").hidden = Boolean(login);
    device = null;
    renderFacts();
    if (!login) return;
    try {
      const users = await loadUsers();
      device = users.find((u) => u.login.toLowerCase() === login.toLowerCase()) || null;
    } catch (error) {
      flash(error.message, true);
      return;
    }
    if (mine !== generation) return;
    if (!device) {
      $("no-login").hidden = false;
      $("no-login").textContent = `There is no user ${login}.`;
      return;
    }
    renderFacts();
    $("messages").hidden = false;
    try { await loadMessages(); } catch (error) { flash(error.message, true); }
    stream(mine);
    every(2000, refreshPushes);
    every(3000, refreshEnrollments);
    every(5000, refreshDevice);
    every(1000, async () => { if (Object.keys(codes).length) tickCodes(); });
  }

  if (cfg.adminRequired === "true" && !storedToken()) askToken("This server needs the admin token.");
  else if (!login) loadUsers().catch((error) => flash(error.message, true));
  start();
})();
