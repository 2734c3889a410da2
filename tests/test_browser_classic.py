"""The 2021 era's classic sign-in pages (static/signin.js over /api/v1/authn) in a real browser (Debian chromium
driven by Playwright): sign in, enroll, reach TRAQS."""

from __future__ import annotations

from typing import Iterator

import httpx
import pyotp
import pytest
from browser_support import check_screen, wait_for_js, watch

from mockfinra.clock import parse_instant
from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer

pytestmark = pytest.mark.browser


@pytest.fixture
def server() -> Iterator[MockfinraServer]:
    with MockfinraServer(Settings.for_tests(era="2021")) as running:
        yield running


def sign_in(page: object, base: str, login: str, password: str = "Ntf-Demo-2026") -> None:
    watch(page, base)
    page.goto(f"{base}/login/login.htm")  # type: ignore[attr-defined]
    page.fill("#okta-signin-username", login)  # type: ignore[attr-defined]
    page.fill("#okta-signin-password", password)  # type: ignore[attr-defined]
    check_screen(page, "classic-01-sign-in")
    page.click("#okta-signin-submit")  # type: ignore[attr-defined]


def test_wrong_password_shows_the_okta_error(server: MockfinraServer, page: object) -> None:
    sign_in(page, server.url, "trace.analyst@example.com", "Wrong-Password-1")
    error = page.wait_for_selector("[data-error-code='E0000004']")  # type: ignore[attr-defined]
    assert "username or password is not right" in error.inner_text()


def test_question_sign_in_reaches_home_and_traqs(server: MockfinraServer, page: object) -> None:
    sign_in(page, server.url, "trace.analyst@example.com")
    page.wait_for_selector("h1.auth-title")  # type: ignore[attr-defined]
    switch = page.query_selector("[data-factor='question:OKTA']")  # type: ignore[attr-defined]
    if switch:
        switch.click()
    page.wait_for_selector("#mfa-answer")  # type: ignore[attr-defined]
    assert "food you least liked" in page.inner_text("#okta-sign-in")  # type: ignore[attr-defined]
    check_screen(page, "classic-02-mfa-question")
    page.fill("#mfa-answer", "Brussels Sprouts")  # type: ignore[attr-defined]
    page.click("#okta-signin-submit")  # type: ignore[attr-defined]
    page.wait_for_selector("#home-login")  # type: ignore[attr-defined]
    assert page.inner_text("#home-login") == "trace.analyst@example.com"  # type: ignore[attr-defined]
    assert "TRACE" in page.inner_text("#home-entitlements")  # type: ignore[attr-defined]
    check_screen(page, "classic-03-user-home")
    page.click("#go-traqs")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert "/traqs" in page.url  # type: ignore[attr-defined]
    assert "trace.analyst@example.com" in page.content()  # type: ignore[attr-defined]
    check_screen(page, "classic-04-traqs")


def test_google_authenticator_enrollment_with_qr_code(server: MockfinraServer, page: object) -> None:
    sign_in(page, server.url, "new.enrollee@example.com")
    page.click("[data-enroll='token:software:totp:GOOGLE']")  # type: ignore[attr-defined]
    qr = page.wait_for_selector("#qrcode")  # type: ignore[attr-defined]
    wait_for_js(page, "document.getElementById('qrcode').naturalWidth > 0")
    assert qr.evaluate("img => img.naturalWidth") >= 100
    check_screen(page, "classic-05-enroll-totp")
    page.click("details.manual-key summary")  # type: ignore[attr-defined]
    secret = page.inner_text("#shared-secret").strip()  # type: ignore[attr-defined]
    now = parse_instant(httpx.get(f"{server.url}/_mock/clock").json()["now"])
    page.fill("#activation-code", pyotp.TOTP(secret).at(now))  # type: ignore[attr-defined]
    page.click("#okta-signin-submit")  # type: ignore[attr-defined]
    # FINRA's rule: the security question is required as well; Finish appears once both are set up.
    page.wait_for_selector("[data-enroll='question:OKTA']").click()  # type: ignore[attr-defined]
    page.wait_for_selector("#question-select")  # type: ignore[attr-defined]
    page.select_option("#question-select", "first_computer_game")  # type: ignore[attr-defined]
    page.fill("#question-answer", "Space Invaders")  # type: ignore[attr-defined]
    page.click("#okta-signin-submit")  # type: ignore[attr-defined]
    finish = page.wait_for_selector("#enroll-finish")  # type: ignore[attr-defined]
    check_screen(page, "classic-06-enroll-more")
    finish.click()
    page.wait_for_selector("#home-login")  # type: ignore[attr-defined]
    assert "Google Authenticator" in page.inner_text("#security-methods")  # type: ignore[attr-defined]
    factors = httpx.get(f"{server.url}/_mock/state").json()["factors"]
    mine = [f for f in factors if f["factor_type"] == "token:software:totp" and f["status"] == "ACTIVE"]
    assert mine, "the enrolled factor is ACTIVE in the store"


def test_invitation_link_sets_a_password_then_enrolls(server: MockfinraServer, page: object) -> None:
    created = httpx.post(
        f"{server.url}/_mock/users",
        json={"login": "fresh.hire@example.com", "status": "PROVISIONED", "firstName": "Fresh", "lastName": "Hire"},
    ).json()
    watch(page, server.url)
    page.goto(created["activationUrl"])  # type: ignore[attr-defined]
    page.wait_for_selector("#new-password")  # type: ignore[attr-defined]
    page.fill("#new-password", "Brand-New-Pass1")  # type: ignore[attr-defined]
    page.fill("#confirm-password", "Brand-New-Pass1")  # type: ignore[attr-defined]
    check_screen(page, "classic-07-activation")
    page.click("#okta-signin-submit")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-enroll='question:OKTA']").click()  # type: ignore[attr-defined]
    page.wait_for_selector("#question-select")  # type: ignore[attr-defined]
    assert page.locator("#question-select option").count() == 20  # type: ignore[attr-defined]
    page.select_option("#question-select", "first_computer_game")  # type: ignore[attr-defined]
    page.fill("#question-answer", "Space Invaders")  # type: ignore[attr-defined]
    page.click("#okta-signin-submit")  # type: ignore[attr-defined]
    # A second factor is required too: no Finish until one is set up.
    page.wait_for_selector("[data-enroll='token:software:totp:GOOGLE']")  # type: ignore[attr-defined]
    assert page.query_selector("#enroll-finish") is None  # type: ignore[attr-defined]
    page.click("[data-enroll='token:software:totp:GOOGLE']")  # type: ignore[attr-defined]
    page.click("details.manual-key summary")  # type: ignore[attr-defined]
    secret = page.inner_text("#shared-secret").strip()  # type: ignore[attr-defined]
    now = parse_instant(httpx.get(f"{server.url}/_mock/clock").json()["now"])
    page.fill("#activation-code", pyotp.TOTP(secret).at(now))  # type: ignore[attr-defined]
    page.click("#okta-signin-submit")  # type: ignore[attr-defined]
    page.wait_for_selector("#enroll-finish").click()  # type: ignore[attr-defined]
    page.wait_for_selector("#home-login")  # type: ignore[attr-defined]
    assert page.inner_text("#home-login") == "fresh.hire@example.com"  # type: ignore[attr-defined]
