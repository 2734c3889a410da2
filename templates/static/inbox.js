/* mockfinra inbox (Mailpit-like): every captured email newest first, live, searchable by address; the HTML
   part in a sandboxed iframe (srcdoc, no scripts), the text part with links clickable and codes marked.
   Reads /_mock/messages?channel=email and follows /_mock/messages/stream. No dependencies; works offline. */
(function () {
  "use strict";

  const app = document.getElementById("inbox-app");
  if (!app) return;
  const {el} = window.mockfinraDom;
  const api = window.mockfinraApi;
  const cfg = app.dataset;
  const $ = (id) => document.getElementById(id);
  const LINK = /https?:\/\/[^\s"'<>]+/g;
  const CODE = /(?<![\w-])\d{6}(?![\w-])/g;

  let emails = [];
  let selected = null;
  let part = "html";
  let query = cfg.to || "";
  let controller = null;

  const when = (iso) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : "");
  const trimLink = (url) => url.replace(/[.,);]+$/, "");

  function status(text, bad) {
    $("live-status").textContent = text;
    $("live-status").classList.toggle("bad", Boolean(bad));
  }

  function matches(email) {
    const needle = query.trim().toLowerCase();
    return !needle || email.to.toLowerCase().includes(needle) || (email.subject || "").toLowerCase().includes(needle);
  }

  // ---- the list ------------------------------------------------------------------------------------------

  function renderList() {
    const shown = emails.filter(matches);
    $("no-messages").hidden = shown.length > 0;
    $("no-messages").textContent = emails.length && !shown.length
      ? `No email to an address containing “${query.trim()}”.`
      : "No emails yet. Invitations, password resets and unlock emails appear here as soon as they are sent.";
    $("count").textContent = `${shown.length} of ${emails.length} email${emails.length === 1 ? "" : "s"}, newest first.`;
    $("message-list").replaceChildren(...shown.map((email) =>
      el("li", {},
        el("button", {type: "button", class: "message" + (selected && selected.id === email.id ? " selected" : ""),
                      "data-message": email.id, "aria-current": selected && selected.id === email.id ? "true" : null,
                      onclick: () => select(email)},
          el("span", {class: "message-to", text: email.to}),
          el("span", {class: "message-time", text: when(email.createdAt)}),
          el("span", {class: "message-subject", text: email.subject || "(no subject)"}),
          email.code ? el("span", {class: "chip code-chip", text: `Code ${email.code}`}) : null))));
  }

  function add(email, live) {
    if (email.channel !== "email" || emails.some((e) => e.id === email.id)) return;
    emails.unshift(email);
    emails = emails.slice(0, 500);
    renderList();
    if (live) status(`New email to ${email.to}`);
  }

  // ---- one email -----------------------------------------------------------------------------------------

  /** The text part as nodes: links as anchors, 6-digit codes marked. */
  function textNodes(text) {
    const nodes = [];
    const pattern = new RegExp(`${LINK.source}|${CODE.source}`, "g");
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      if (match.index > last) nodes.push(text.slice(last, match.index));
      const found = match[0];
      if (/^https?:/.test(found)) {
        const url = trimLink(found);
        nodes.push(el("a", {href: url, target: "_blank", rel: "noopener", text: url}));
        if (url.length < found.length) nodes.push(found.slice(url.length));
      } else {
        nodes.push(el("mark", {class: "code", text: found}));
      }
      last = match.index + found.length;
    }
    nodes.push(text.slice(last));
    return nodes;
  }

  /** The HTML part for the iframe: links open a new tab (the frame may not navigate itself). */
  function srcdoc(html) {
    const base = '<base target="_blank">';
    return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => head + base) : base + html;
  }

  function showPart(which) {
    part = which;
    const hasHtml = Boolean(selected && selected.html);
    const html = which === "html" && hasHtml;
    $("show-html").disabled = !hasHtml;
    $("show-html").setAttribute("aria-pressed", String(html));
    $("show-text").setAttribute("aria-pressed", String(!html));
    $("email-html").hidden = !html;
    $("email-text").hidden = html;
  }

  function select(email) {
    selected = email;
    $("no-selection").hidden = true;
    $("email").hidden = false;
    $("email-subject").textContent = email.subject || "(no subject)";
    $("email-to").textContent = email.to;
    $("email-date").textContent = when(email.createdAt);
    $("email-code").hidden = !email.code;
    $("email-code-value").textContent = email.code || "";
    const text = email.text || email.body || "";
    const found = [...new Set([...(text.match(LINK) || []).map(trimLink), ...(email.link ? [email.link] : [])])];
    $("email-links").hidden = found.length === 0;
    $("email-link-list").replaceChildren(...found.map((url) =>
      el("li", {}, el("a", {href: url, target: "_blank", rel: "noopener", class: "email-link", text: url}))));
    $("email-text").replaceChildren(...textNodes(text));
    $("email-html").srcdoc = email.html ? srcdoc(email.html) : "";
    showPart(email.html ? part : "text");
    renderList();
    history.replaceState(null, "", `${window.location.pathname}?${new URLSearchParams({...(query ? {to: query} : {}), id: email.id})}`);
  }

  // ---- loading and following -----------------------------------------------------------------------------

  async function load() {
    const {data} = await api.call(cfg.mock, `/messages?${new URLSearchParams({channel: "email", limit: "500"})}`);
    emails = [];
    for (const email of data.reverse()) add(email, false);
    renderList();
    const wanted = new URLSearchParams(window.location.search).get("id");
    const first = emails.find((e) => e.id === wanted);
    if (first) select(first);
  }

  async function live() {
    for (;;) {
      controller = new AbortController();
      try {
        await api.follow(`${cfg.mock}/messages/stream?channel=email`, (email) => add(email, true), controller.signal,
          () => status("Live: new emails appear at once"));
      } catch (error) {
        status(`Reconnecting: ${error.message}`, true);
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
      try { await load(); } catch (_) { /* retried on the next round */ }
    }
  }

  $("search-form").addEventListener("submit", (event) => event.preventDefault());
  $("search-input").addEventListener("input", () => {
    query = $("search-input").value;
    const params = new URLSearchParams(query ? {to: query} : {});
    history.replaceState(null, "", window.location.pathname + (query ? `?${params}` : ""));
    renderList();
  });
  $("show-html").addEventListener("click", () => showPart("html"));
  $("show-text").addEventListener("click", () => showPart("text"));
  $("copy-code").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(selected.code); status(`Copied ${selected.code}`); } catch (_) { status(selected.code); }
  });
  $("delete-all").addEventListener("click", async () => {
    if (!window.confirm("Delete every captured email?")) return;
    try {
      await api.call(cfg.mock, "/messages?channel=email", "DELETE");
      emails = [];
      selected = null;
      $("email").hidden = true;
      $("no-selection").hidden = false;
      renderList();
      status("Every email deleted");
    } catch (error) { status(error.message, true); }
  });

  async function start() {
    try {
      await load();
    } catch (error) {
      status(error.message, true);
      return;
    }
    live();
  }

  api.onToken(start);
  if (cfg.adminRequired === "true" && !api.hasToken()) api.askToken();
  else start();
})();
