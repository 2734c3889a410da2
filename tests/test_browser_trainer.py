"""The trainer's path in a real browser (Debian chromium, Playwright): the administrator signs in through
MFA, requests a user on the FINRA Order Form, the invitation's link activates the account (password,
security question, Google Authenticator), the new user reaches TRAQS, notifies the NASDAQ test team, sees
"day 1 of 30" and gets a refresh token that the token endpoint accepts. At 390 px (a phone) no TRAQS or
MFA screen scrolls sideways.

Every screen, TRAQS and the Identity Engine sign-in pages alike, passes `check_screen` (visible text and
axe-core)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pyotp
import pytest
from browser_support import assert_table_reads_well, check_screen, wait_for_js, watch

from mockfinra.clock import parse_instant
from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer

pytestmark = pytest.mark.browser

ADMIN = "order.admin@example.com"
PASSWORD = "Ntf-Demo-2026"
TRAINEE = "pat.trainee@example.com"
TRAINEE_PASSWORD = "Fresh-Start-2026"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def server() -> Iterator[MockfinraServer]:
    with MockfinraServer(Settings.for_tests(refdata_scale=0.02)) as running:
        yield running


def check_mfa_screen(page: Any, name: str) -> None:
    """An MFA screen: its visible text and no serious or critical axe-core finding."""
    check_screen(page, name)


def _sign_in(page: Any, login: str, password: str, answer: str, check: Any = check_mfa_screen) -> None:
    """On the Identity Engine sign-in page (already open): the username, the password, the security question."""
    page.wait_for_selector("#idx-identifier")
    check(page, "sign-in")
    page.fill("#idx-identifier", login)
    page.click("#idx-submit")
    page.wait_for_selector("#idx-password")
    page.fill("#idx-password", password)
    page.click("#idx-submit")
    page.wait_for_selector("#idx-authenticators, #idx-answer")
    if page.query_selector("#idx-authenticators"):
        page.click("[data-se=security_question]")
    page.wait_for_selector("#idx-answer")
    check(page, "mfa-question")
    page.fill("#idx-answer", answer)
    page.click("#idx-submit")


def _no_sideways_scroll(page: Any, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page is {width} px wide at {PHONE['width']} px"


def _now(server: MockfinraServer) -> Any:
    return parse_instant(httpx.get(f"{server.url}/_mock/clock").json()["now"])


def test_from_the_order_form_to_an_api_token(server: MockfinraServer, page: Any) -> None:
    base = server.url
    watch(page, base)
    page.goto(f"{base}/traqs/order-form")
    _sign_in(page, ADMIN, PASSWORD, "order form")
    page.wait_for_selector("#order-form")
    assert page.url == f"{base}/traqs/order-form"
    check_screen(page, "trainer-03-order-form")

    page.click("#submit-order")  # nothing filled in: the errors are a message on the page
    errors = page.wait_for_selector("#order-errors")
    assert "First name is required." in errors.inner_text()
    check_screen(page, "trainer-04-order-form-errors")
    page.fill("#first_name", "Pat")
    page.fill("#last_name", "Trainee")
    page.fill("#email", TRAINEE)
    page.check("#product-trace")
    page.check("#product-orf")
    page.check("#access-api")
    page.click("#submit-order")
    page.wait_for_selector("#notice")
    row = page.locator(f"tr[data-login='{TRAINEE}']")
    assert row.locator("[data-status]").inner_text() == "invited"
    assert_table_reads_well(page, "#order-requests")
    check_screen(page, "trainer-05-order-requests")
    page.click("#sign-out")
    page.wait_for_selector("#idx-identifier")

    [email] = httpx.get(f"{base}/_mock/messages", params={"to": TRAINEE, "channel": "email"}).json()
    assert "/welcome/" in email["link"]
    page.goto(email["link"])
    page.wait_for_selector("#idx-new-password")
    check_mfa_screen(page, "trainer-06-activation")
    page.fill("#idx-new-password", TRAINEE_PASSWORD)
    page.fill("#idx-confirm-password", TRAINEE_PASSWORD)
    page.click("#idx-submit")
    page.wait_for_selector("[data-se=enroll-security_question]").click()
    page.wait_for_selector("#idx-question")
    page.select_option("#idx-question", "first_computer_game")
    page.fill("#idx-answer", "Space Invaders")
    page.click("#idx-submit")
    page.wait_for_selector("[data-se=enroll-google_otp]").click()
    wait_for_js(page, "document.getElementById('idx-qrcode') && document.getElementById('idx-qrcode').naturalWidth > 0")
    check_mfa_screen(page, "trainer-07-enroll-google")
    page.click("details.manual-key summary")
    secret = page.inner_text("#idx-shared-secret").strip()
    page.fill("#idx-code", pyotp.TOTP(secret).at(_now(server)))
    page.click("#idx-submit")
    page.wait_for_selector("#home-login")
    assert page.inner_text("#home-login") == TRAINEE
    check_mfa_screen(page, "trainer-08-account")

    page.click("#go-traqs")
    page.wait_for_selector("#notify-test-team")
    assert page.query_selector("#ntf-window-banner") is None
    check_screen(page, "trainer-09-traqs-home")
    page.click("#notify-test-team")
    banner = page.wait_for_selector("#ntf-window-banner")
    assert banner.inner_text().startswith("Free NTF testing: day 1 of 30")
    assert "firm Example Securities LLC" in banner.inner_text()
    check_screen(page, "trainer-10-ntf-window")

    page.click("#nav-api-access")
    page.fill("#label", "first script")
    page.click("#issue-token")
    token = page.wait_for_selector("#new-refresh-token").inner_text().strip()
    check_screen(page, "trainer-11-api-access")
    exchanged = httpx.post(
        f"{base}/oauth2/default/v1/token",
        data={"grant_type": "refresh_token", "client_id": "traqs-api", "refresh_token": token},
    )
    assert exchanged.status_code == 200, exchanged.text
    download = httpx.get(
        f"{base}/apidownload/DownloadHandler.ashx",
        params={"action": "DOWNLOAD", "facility": "TRACE", "file": "CAMASTER"},
        headers={"Authorization": f"Bearer {exchanged.json()['access_token']}"},
    )
    assert download.status_code == 200 and "|" in download.text.splitlines()[0]
    page.reload()
    page.wait_for_selector("#token-table")
    assert page.query_selector("#new-refresh-token") is None  # shown once; the reload issued nothing
    assert page.locator("#token-table tbody tr").count() == 1
    assert_table_reads_well(page, "#token-table")
    assert page.inner_text(".token-prefix") == f"{token[:8]}…"


def test_every_traqs_and_mfa_screen_fits_a_phone(server: MockfinraServer, page: Any) -> None:
    base = server.url
    watch(page, base)
    page.set_viewport_size(PHONE)

    def screen(name: str) -> None:
        page.wait_for_load_state()
        check_screen(page, f"phone-{name}")
        _no_sideways_scroll(page, name)

    def mfa_screen(name: str) -> None:
        check_mfa_screen(page, f"phone-{name}")
        _no_sideways_scroll(page, name)

    page.goto(f"{base}/traqs/")
    _sign_in(page, "trace.analyst@example.com", PASSWORD, "brussels sprouts", lambda _page, name: mfa_screen(name))
    page.wait_for_selector("#notify-test-team")
    screen("traqs-home")
    page.click("#notify-test-team")
    page.wait_for_selector("#ntf-window-banner")
    screen("traqs-home-ntf-window")
    page.goto(f"{base}/app/UserHome")
    page.wait_for_selector("#ntf-window-banner")
    mfa_screen("mfa-account")
    page.goto(f"{base}/traqs/api-access")
    page.wait_for_selector("#issue-form")
    screen("api-access")
    page.fill("#label", "a rather long label for a nightly TRACE job")
    page.click("#issue-token")
    page.wait_for_selector("#new-refresh-token")
    screen("api-access-new-token")
    page.click("#token-table a.danger")
    page.wait_for_selector("#revoke-confirm")
    screen("revoke-confirm")
    page.click("#confirm-revoke")
    page.wait_for_selector("#notice")
    screen("api-access-revoked")
    page.goto(f"{base}/traqs/order-form")
    page.wait_for_selector("#order-form-refused")
    screen("order-form-refused")

    page.click("#sign-out")
    _sign_in(page, ADMIN, PASSWORD, "order form", lambda _page, name: None)
    page.wait_for_selector("#go-order-form")
    page.click("#go-order-form")
    page.wait_for_selector("#order-form")
    screen("order-form")
    page.fill("#first_name", "Phone")
    page.fill("#last_name", "Person")
    page.fill("#email", "phone.person.with.a.long.address@example-securities-llc.com")
    page.check("#product-trf")
    page.click("#submit-order")
    page.wait_for_selector("#order-requests")
    screen("order-form-requests")
    page.click("#submit-order")
    page.wait_for_selector("#order-errors")
    screen("order-form-errors")
    [email] = httpx.get(f"{base}/_mock/messages", params={"to": "phone.person.with.a.long.address@example-securities-llc.com"}).json()
    page.click("#sign-out")
    page.goto(email["link"])
    page.wait_for_selector("#idx-new-password")
    mfa_screen("activation")
    assert re.match(r"^http://127\.0\.0\.1:\d+/welcome/", email["link"])
