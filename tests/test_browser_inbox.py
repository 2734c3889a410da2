"""The inbox, the trainer's home and the offline docs in a real browser (Debian chromium, Playwright).

- The inbox shows the seeded invitation (HTML part in a sandboxed frame, text part with the link and marked
  codes), updates live when an email arrives, searches by address, and its link opens the welcome page.
- The trainer's home moves the clock and resets through the JSON control plane.
- Swagger UI and ReDoc render from the package with no request to another host.
Every screen passes `check_screen` (visible text and axe-core) except the vendored docs, checked for text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import SCREENSHOTS, check_screen, visible_text, wait_for_js, watch

from mockfinra.clock import parse_instant
from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer

pytestmark = pytest.mark.browser

INVITED = "invited.user@example.com"


@pytest.fixture
def server() -> Iterator[MockfinraServer]:
    with MockfinraServer(Settings.for_tests(refdata_scale=0.02)) as running:
        yield running


def _open_inbox(page: Any, base: str, query: str = "") -> None:
    watch(page, base)
    page.goto(f"{base}/_mock/inbox{query}")
    page.wait_for_selector("#live-status:has-text('Live')")


def test_the_inbox_shows_the_invitation_and_its_link_opens_the_welcome_page(server: MockfinraServer, page: Any) -> None:
    base = server.url
    _open_inbox(page, base)
    item = page.locator(f"[data-message]:has-text('{INVITED}')")
    item.wait_for()
    check_screen(page, "inbox-01-list")
    item.click()
    page.wait_for_selector("#email:not([hidden])")
    assert page.inner_text("#email-subject") == "Welcome to the NASDAQ MFA service (NTF)"
    frame = page.frame_locator("#email-html")
    frame.get_by_role("link", name="Activate your account").wait_for()
    assert page.get_attribute("#email-html", "sandbox") == "allow-popups allow-popups-to-escape-sandbox"
    # the email's inline styles apply in the frame (the button is the email's blue, not a plain link)
    button = frame.get_by_role("link", name="Activate your account")
    assert button.evaluate("a => getComputedStyle(a).backgroundColor") == "rgb(11, 92, 171)"
    check_screen(page, "inbox-02-invitation")
    page.click("#show-text")
    assert page.is_visible("#email-text") and not page.is_visible("#email-html")
    assert "Your username is invited.user@example.com" in page.inner_text("#email-text")
    link = page.get_attribute("#email-text a", "href")
    assert link and link.startswith(f"{base}/welcome/")
    check_screen(page, "inbox-03-text")
    page.click("#show-html")
    with page.context.expect_page() as opened:
        frame.get_by_role("link", name="Activate your account").click()
    welcome = opened.value
    welcome.wait_for_load_state()
    assert welcome.url == link
    check_screen(welcome, "inbox-04-welcome")
    assert "Ivan" in visible_text(welcome) or "password" in visible_text(welcome).lower()


def test_a_new_email_appears_live_with_its_code_marked_and_search_filters(server: MockfinraServer, page: Any) -> None:
    base = server.url
    _open_inbox(page, base)
    page.locator("[data-message]").first.wait_for()
    assert page.locator("[data-message]").count() == 1
    # A password reset by email code, started by a client while the page is open.
    started = httpx.post(f"{base}/api/v1/authn/recovery/password",
                         json={"username": "trace.analyst@example.com", "factorType": "EMAIL"})
    assert started.status_code == 200, started.text
    fresh = page.locator("[data-message]:has-text('trace.analyst@example.com')")
    fresh.wait_for(timeout=10_000)
    assert page.locator("[data-message]").count() == 2
    assert page.locator("[data-message]").first.get_attribute("data-message") == fresh.get_attribute("data-message")
    assert "New email to trace.analyst@example.com" in page.inner_text("#live-status")
    fresh.click()
    page.wait_for_selector("#email-links:not([hidden])")
    check_screen(page, "inbox-05-reset-link")
    # Search by address: only the invited user's email is left, and the URL says so.
    page.fill("#search-input", "invited")
    assert page.locator("[data-message]").count() == 1
    assert INVITED in page.inner_text("#message-list") and "?to=invited" in page.url
    page.fill("#search-input", "nobody@")
    assert page.locator("[data-message]").count() == 0 and page.is_visible("#no-messages")
    check_screen(page, "inbox-06-search-none")


def test_a_code_email_is_marked(server: MockfinraServer, page: Any) -> None:
    base = server.url
    login = "adf.operator@example.com"
    started = httpx.post(f"{base}/api/v1/authn/recovery/unlock", json={"username": login, "factorType": "EMAIL"})
    assert started.status_code == 200, started.text
    [email] = httpx.get(f"{base}/_mock/messages", params={"to": login}).json()
    _open_inbox(page, base, f"?to={login}")
    item = page.locator(f"[data-message='{email['id']}']")
    item.click()
    if email["code"]:
        assert page.inner_text("#email-code-value") == email["code"]
        page.click("#show-text")
        assert page.inner_text("#email-text mark.code") == email["code"]
    else:
        assert page.is_visible("#email-links")
    check_screen(page, "inbox-07-unlock")


def test_the_phone_page_links_to_the_inbox(server: MockfinraServer, page: Any) -> None:
    watch(page, server.url)
    page.goto(f"{server.url}/_mock/phone")
    page.click("#inbox-link")
    page.wait_for_selector("#inbox-app")
    assert page.url == f"{server.url}/_mock/inbox"


def _clock(server: MockfinraServer) -> Any:
    return parse_instant(httpx.get(f"{server.url}/_mock/clock").json()["now"])


def test_the_trainers_home_moves_the_clock_and_resets(server: MockfinraServer, page: Any) -> None:
    base = server.url
    watch(page, base)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/_mock")
    text = check_screen(page, "home-01")
    assert "Ntf-Demo-2026" in text and "brussels sprouts" in text and "corporate bonds" in text
    assert "Google Authenticator" in text and "invited: activation pending" in text
    before = _clock(server)
    page.click("[data-advance='86400']")
    page.wait_for_selector("#home-status:has-text('Clock moved +1 day')")
    moved = (_clock(server) - before).total_seconds()
    assert 86_400 <= moved < 86_400 + 30
    assert page.get_attribute("#clock-now", "data-now")[:10] == _clock(server).isoformat()[:10]
    page.click("[data-advance='30']")
    page.wait_for_selector("#home-status:has-text('+30 s')")
    # A user made now is gone after the reset, and the clock is back.
    created = httpx.post(f"{base}/_mock/users", json={"login": "temp.user@example.com", "password": "Sturdy-Pass-77"})
    assert created.status_code == 201
    page.reload()
    assert page.locator("tr[data-login='temp.user@example.com']").count() == 1
    page.click("#reset-button")
    page.wait_for_selector("#home-status:has-text('Reset')")
    page.wait_for_load_state("load")
    wait_for_js(page, "() => !document.querySelector(\"tr[data-login='temp.user@example.com']\")")
    assert abs((_clock(server) - before).total_seconds()) < 60
    messages = httpx.get(f"{base}/_mock/messages", params={"to": INVITED}).json()
    assert [m["meta"]["kind"] for m in messages] == ["activation"]
    check_screen(page, "home-02-after-reset")


def test_the_trainers_home_switches_the_era(server: MockfinraServer, page: Any) -> None:
    watch(page, server.url)
    page.goto(f"{server.url}/_mock")
    page.select_option("#era-select", "2021")
    page.click("#era-form button[type=submit]")
    wait_for_js(page, "() => document.querySelector('#era-current').textContent === '2021'")
    assert httpx.get(f"{server.url}/_mock/era").json()["era"] == "2021"


@pytest.mark.parametrize("path, ready", [("/_mock/docs", ".swagger-ui .information-container"),
                                         ("/_mock/redoc", "[role=navigation], .menu-content")])
def test_the_docs_render_offline(server: MockfinraServer, page: Any, path: str, ready: str) -> None:
    base = server.url
    watch(page, base)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{base}{path}")
    page.wait_for_selector(ready, timeout=20_000)
    page.wait_for_selector("text=mockfinra")
    page.wait_for_load_state("networkidle")
    assert all(url.startswith(base) or url.startswith(("data:", "blob:")) for url in requests), requests
    if SCREENSHOTS:  # the viewport only: ReDoc's full page is very long
        page.screenshot(path=str(Path(SCREENSHOTS) / f"docs{path.replace('/', '-')}.png"))
