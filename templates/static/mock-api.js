/* mockfinra: calling the control plane from the trainer's pages (inbox, home). Defines window.mockfinraApi.
   JSON bodies only, same origin; with MOCKFINRA_ADMIN_TOKEN set on the server the token is asked once, kept in
   sessionStorage (as the virtual phone does) and sent as X-Mock-Token. No dependencies. */
(function () {
  "use strict";
  const TOKEN_KEY = "mockfinra.adminToken";
  const listeners = [];

  function token() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch (_) { return ""; }
  }

  function headers(json) {
    const result = {Accept: "application/json"};
    if (token()) result["X-Mock-Token"] = token();
    if (json) result["Content-Type"] = "application/json";
    return result;
  }

  function askToken() {
    const form = document.getElementById("token-form");
    if (!form) return;
    form.hidden = false;
    document.getElementById("token-input").focus();
  }

  const form = document.getElementById("token-form");
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      try { sessionStorage.setItem(TOKEN_KEY, document.getElementById("token-input").value.trim()); } catch (_) { /* private mode */ }
      form.hidden = true;
      listeners.forEach((fn) => fn());
    });
  }

  /** fetch(base + path) with a JSON body; resolves to the parsed JSON, rejects with the server's message. */
  async function call(base, path, method, body) {
    const response = await fetch(base + path, {
      method: method || "GET",
      headers: headers(body !== undefined),
      body: body !== undefined ? JSON.stringify(body) : undefined,
      credentials: "same-origin",
    });
    if (response.status === 401) {
      askToken();
      throw new Error("This server needs the admin token.");
    }
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    if (!response.ok) throw new Error((data && data.message) || `The server answered ${response.status}.`);
    return {data, time: response.headers.get("x-mock-time")};
  }

  /** Follow an SSE stream with fetch (so the token travels as a header); `onMessage(json)` per event. */
  async function follow(url, onMessage, signal, onOpen) {
    const response = await fetch(url, {headers: headers(false), signal});
    if (response.status === 401) { askToken(); throw new Error("This server needs the admin token."); }
    if (!response.ok || !response.body) throw new Error(`The stream answered ${response.status}.`);
    if (onOpen) onOpen();
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const {value, done} = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, {stream: true});
      let split;
      while ((split = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, split);
        buffer = buffer.slice(split + 2);
        const data = block.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trim()).join("\n");
        if (!data) continue;
        try { onMessage(JSON.parse(data)); } catch (_) { /* not JSON: ignore */ }
      }
    }
  }

  window.mockfinraApi = Object.freeze({
    call, follow, askToken, hasToken: () => Boolean(token()), onToken: (fn) => listeners.push(fn),
  });
})();
