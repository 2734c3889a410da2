/* mockfinra request journal: lists /_mock/requests and long-polls it for new entries (no SSE needed, no
   dependencies, works offline). With an admin token configured, asks for it once (sessionStorage). */
(function () {
  "use strict";

  const app = document.getElementById("journal-app");
  if (!app) return;
  const cfg = app.dataset;
  const TOKEN_KEY = "mockfinra.adminToken";
  const WAIT_SECONDS = 20;
  const MAX_ROWS = 500;
  const $ = (id) => document.getElementById(id);
  const {el} = window.mockfinraDom;

  let lastId = 0;
  let generation = 0;
  let entries = [];

  function storedToken() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch (_) { return ""; }
  }

  function headers() {
    const result = {Accept: "application/json"};
    const token = storedToken();
    if (token) result["X-Mock-Token"] = token;
    return result;
  }

  function status(text, bad) {
    $("live-status").textContent = text;
    $("live-status").classList.toggle("bad", Boolean(bad));
  }

  function filters() {
    const params = new URLSearchParams();
    for (const name of ["site", "path", "status"]) {
      const value = $(`filter-${name}`).value.trim();
      if (value) params.set(name, value);
    }
    return params;
  }

  async function fetchEntries(params) {
    const response = await fetch(`${cfg.mock}/requests?${params}`, {headers: headers()});
    if (response.status === 401) {
      $("token-form").hidden = false;
      throw new Error("The admin token is missing or wrong.");
    }
    if (!response.ok) throw new Error(`The journal answered HTTP ${response.status}.`);
    return response.json();
  }

  function cell(text, className) {
    return el("td", {class: className, text: text === null || text === undefined || text === "" ? "–" : String(text)});
  }

  function row(entry) {
    const shown = entry.status === 0 ? "no response" : entry.status;
    const tr = el("tr", {tabindex: "0", "data-id": entry.id},
      cell(entry.id), cell(entry.time.slice(11, 23)), cell(entry.site), cell(entry.method),
      cell(entry.path + (entry.query ? `?${entry.query}` : ""), "path"),
      cell(shown, `status-${String(entry.status).charAt(0)}`), cell(Math.round(entry.latency_ms)),
      cell(entry.user), cell(entry.fault, entry.fault ? "fault" : ""));
    const open = () => showDetail(entry);
    tr.addEventListener("click", open);
    tr.addEventListener("keydown", (event) => { if (event.key === "Enter") open(); });
    return tr;
  }

  function shown(value) {
    return value === null || value === undefined || value === "" ? "–" : String(value);
  }

  function side(part) {
    if (!part) return "–";
    const headers = (part.headers || []).map(([name, value]) => `${name}: ${value}`).join("\n");
    let body = part.body;
    if (body === null || body === undefined) body = part.bodyOmitted ? `(body not kept: ${part.bodyOmitted}, ${part.size} bytes)` : "";
    return [headers, body ? `\n${body}${part.bodyCut ? "\n(cut at the journal's limit)" : ""}` : ""].join("\n").trim() || "–";
  }

  function showDetail(entry) {
    $("detail").hidden = false;
    $("detail-title").textContent = `#${entry.id} ${entry.method} ${entry.path}`;
    const facts = [
      ["Mock time", entry.time], ["URL", entry.url], ["Status", entry.status === 0 ? "no response" : entry.status],
      ["Latency", `${entry.latency_ms} ms`], ["User", entry.user], ["Fault", entry.fault],
    ];
    const list = el("dl", {class: "facts"}, facts.flatMap(([name, value]) => [el("dt", {text: name}), el("dd", {text: shown(value)})]));
    $("detail-body").replaceChildren(
      list,
      el("h3", {text: "Request"}), el("pre", {text: side(entry.request)}),
      el("h3", {text: "Response"}), el("pre", {text: side(entry.response)}),
    );
  }

  function render() {
    const body = $("entry-rows");
    body.replaceChildren(...entries.map(row));
    $("no-entries").hidden = entries.length > 0;
  }

  function add(found) {
    if (!found.length) return;
    lastId = Math.max(lastId, ...found.map((entry) => entry.id));
    entries = [...found, ...entries].sort((a, b) => b.id - a.id).slice(0, MAX_ROWS);
    render();
  }

  async function follow(mine) {
    while (mine === generation) {
      const params = filters();
      params.set("since", String(lastId));
      params.set("wait", String(WAIT_SECONDS));
      try {
        const found = await fetchEntries(params);
        if (mine !== generation) return;
        add(found);
        status(`Live · ${entries.length} shown`);
      } catch (error) {
        status(error.message, true);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  }

  async function start() {
    generation += 1;
    const mine = generation;
    entries = [];
    lastId = 0;
    try {
      const params = filters();
      params.set("limit", "100");
      const found = await fetchEntries(params);
      if (mine !== generation) return;
      add(found);
      render();
      status(`Live · ${entries.length} shown`);
    } catch (error) {
      status(error.message, true);
    }
    follow(mine);
  }

  $("filter-form").addEventListener("submit", (event) => { event.preventDefault(); start(); });
  $("clear-button").addEventListener("click", async () => {
    await fetch(`${cfg.mock}/requests`, {method: "DELETE", headers: headers()});
    $("detail").hidden = true;
    start();
  });
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    try { sessionStorage.setItem(TOKEN_KEY, $("token-input").value); } catch (_) { /* private mode */ }
    $("token-form").hidden = true;
    start();
  });
  if (cfg.adminRequired === "true" && !storedToken()) $("token-form").hidden = false;
  render();
  start();
})();
