"""What every browser test shares: Debian chromium through Playwright, and the checks of a screen a person sees.

- `browser` (module-scoped) and `page` (a fresh context per test, 900 px wide) fixtures; import them into a
  test module by name (`from browser_support import browser, page`).
- `offline_guard(context, base_url)`: every request to a host other than the server fails the test (the
  product must work with no internet). `page` installs it for the server's host once a test calls
  `watch(page, base_url)`.
- `check_screen(page, name)`: the visible text shows no `null`, `undefined`, `[object Object]`, raw Okta
  error codes or factor type strings, and axe-core (from tests/compat/node_modules, injected) finds no
  violation of impact serious or critical. It also takes the screenshot `name` when MOCKFINRA_SCREENSHOTS
  names a folder.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("MOCKFINRA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = os.environ.get("MOCKFINRA_SCREENSHOTS")
AXE = Path(__file__).parent / "compat" / "node_modules" / "axe-core" / "axe.min.js"

#: text a person must never see on a screen
BAD_TEXT = [
    (re.compile(r"\bnull\b"), "null"),
    (re.compile(r"\bundefined\b"), "undefined"),
    (re.compile(r"\[object Object\]"), "[object Object]"),
    (re.compile(r"\bNaN\b"), "NaN"),
    (re.compile(r"\bE0000\d{3}\b"), "a raw Okta error code"),
    (re.compile(r"token:software:totp|token:hardware|\bfactorType\b|\bstateToken\b"), "API jargon"),
    # factor providers and types, Identity Engine authenticator keys, status codes: words for people instead
    # (a provider name alone, not a heading in capitals such as "OKTA VERIFY")
    (re.compile(r"\b(GOOGLE|OKTA|RSA|SYMANTEC|YUBICO|FIDO)\b(?! (VERIFY|AUTHENTICATOR))|\b(sms|call|push|question):[A-Z]"),
     "a factor type string"),
    (re.compile(r"\b(okta_verify|google_otp|security_question|phone_number|okta_password|okta_email)\b"), "an authenticator key"),
    (re.compile(r"\b(PENDING_ACTIVATION|pending_activation|LOCKED_OUT|PASSWORD_EXPIRED|MFA_REQUIRED|MFA_ENROLL)\b"), "a status code"),
]
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: scripts/test.sh installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 900, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.foreign_requests = []  # filled by `watch`
    yield tab
    context.close()
    assert not tab.foreign_requests, f"requests left the server: {tab.foreign_requests}"


def watch(page: Any, base_url: str, *also: str) -> None:
    """Fail the test on any request to another host than `base_url`'s (or the `also` origins').

    Every request of the page then waits for this route handler, which runs only while the test calls into
    Playwright: a test that waits for the browser's request to reach the server polls with
    `page.wait_for_timeout`, never `time.sleep`."""
    allowed = {urlsplit(url).netloc for url in (base_url, *also)}

    def check(route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc in allowed:
            route.continue_()
            return
        page.foreign_requests.append(url)
        route.abort()

    page.context.route("**/*", check)


def shot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def visible_text(page: Any) -> str:
    return page.evaluate("() => document.body ? document.body.innerText : ''")


def text_problems(text: str) -> list[str]:
    found = []
    for pattern, what in BAD_TEXT:
        match = pattern.search(text)
        if match:
            start = max(0, match.start() - 40)
            found.append(f"{what}: …{text[start:match.end() + 40]!r}…")
    return found


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` in tests/compat (scripts/test.sh does)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, which the pages' Content-Security-Policy does not apply to.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v.get("impact") in SERIOUS
    ]


def check_screen(page: Any, name: str | None = None) -> str:
    """Assert the screen is fit for a person (text and accessibility); returns its visible text."""
    page.wait_for_load_state()
    text = visible_text(page)
    problems = text_problems(text)
    assert not problems, f"{name or page.url}: {problems}"
    violations = axe_violations(page)
    assert not violations, f"{name or page.url}: axe-core: {violations}"
    if name:
        shot(page, name)
    return text


def wait_for_js(page: Any, expression: str, timeout: float = 15.0) -> None:
    """Poll `expression` until truthy. Unlike `page.wait_for_function`, which evaluates its string with `eval`
    inside the page, `page.evaluate` goes through the DevTools protocol, so the pages' CSP (no 'unsafe-eval')
    does not refuse it."""
    import time

    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
        except Error as error:  # the page navigated while we asked: ask the next page
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(50)


def assert_table_reads_well(page: Any, table: str) -> None:
    """Each header cell of `table` stands over its column (the first row's cells), and the table fits its
    box without scrolling sideways, as in any table a person reads at this width (a stray `display` on the
    table, a grid say, lays the head and the body out apart; an unbreakable cell pushes the last column out)."""
    head, body, overflow = page.evaluate(
        """(selector) => {
            const table = document.querySelector(selector);
            const left = (cells) => Array.from(cells, (cell) => Math.round(cell.getBoundingClientRect().left));
            const box = table.parentElement;
            return [left(table.querySelectorAll('thead th')), left(table.querySelector('tbody tr').children),
                    box.scrollWidth - box.clientWidth];
        }""",
        table,
    )
    assert head == body, f"{table}: the header cells start at {head}, the columns at {body}"
    assert overflow <= 0, f"{table}: {overflow} px wider than its box"
