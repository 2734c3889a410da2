/* mockfinra trainer's home: the clock, era and reset buttons call the JSON control plane (fetch, JSON bodies,
   same origin); the page reloads after a reset or an era switch so the tables show the new state. */
(function () {
  "use strict";
  const app = document.getElementById("home-app");
  if (!app) return;
  const api = window.mockfinraApi;
  const base = app.dataset.mock;
  const $ = (id) => document.getElementById(id);

  function status(text, bad) {
    $("home-status").textContent = text;
    $("home-status").classList.toggle("bad", Boolean(bad));
  }

  // Clock answers may arrive out of order (a periodic GET sent before a move answers after it): show only an
  // answer to a request made after the one shown.
  let clockAsked = 0;
  let clockShown = 0;

  async function askClock(method, body) {
    const asked = ++clockAsked;
    const {data} = await api.call(base, "/clock", method, body);
    if (asked > clockShown) {
      clockShown = asked;
      showClock(data);
    }
    return data;
  }

  function showClock(clock) {
    $("clock-now").dataset.now = clock.now;
    $("clock-now").textContent = `${clock.now.slice(0, 10)} ${clock.now.slice(11, 19)} UTC`;
    $("clock-frozen").textContent = clock.frozen ? "frozen" : "running";
  }

  for (const button of document.querySelectorAll("[data-advance]")) {
    button.addEventListener("click", async () => {
      try {
        await askClock("POST", {advance: Number(button.dataset.advance)});
        status(`Clock moved ${button.textContent.trim()}`);
      } catch (error) { status(error.message, true); }
    });
  }

  $("reset-button").addEventListener("click", async () => {
    if (!window.confirm("Reset everything: users, sessions, tokens, emails and the clock?")) return;
    try {
      const {data} = await api.call(base, "/reset", "POST", {});
      clockShown = ++clockAsked;  // newer than any clock answer still on its way
      showClock(data.clock);
      status(`Reset: ${data.users} demo users loaded`);
      window.setTimeout(() => window.location.reload(), 600);
    } catch (error) { status(error.message, true); }
  });

  $("era-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const {data} = await api.call(base, "/era", "POST", {era: $("era-select").value});
      $("era-current").textContent = data.era;
      status(`Era ${data.era}: ${data.summary}`);
      window.setTimeout(() => window.location.reload(), 600);
    } catch (error) { status(error.message, true); }
  });

  // The clock runs: refresh it every few seconds (a GET, so it shows moves made elsewhere too).
  async function tick() {
    try { await askClock("GET"); } catch (_) { /* shown on the next action */ }
  }
  window.setInterval(tick, 5000);
  if (app.dataset.adminRequired === "true" && !api.hasToken()) api.askToken();
})();
