"""Okta's Sign-In Widget 7 (the npm package, pinned in tests/compat/package.json) in Chromium, served from a
second origin (tests/widget_support.py) and pointed at a mockfinra server on another origin:

- classic mode (`useClassicEngine: true`, era 2021): security question, Google Authenticator, Okta Verify push;
- Identity Engine mode (the default, era 2024): password + Google Authenticator, and enrollment of a user with
  no factors (FINRA: the security question and a second factor), each ending with tokens
  (`showSignInToGetTokens`, the public client `traqs-api` with the site's loopback redirect URI);
- from an origin that is not trusted: refused, the widget shows an error and no response has CORS headers.
Every screen's visible text is checked for null / undefined / raw codes (`browser_support.text_problems`).
ASSUMPTION: axe-core is not run on these screens: their markup is Okta's widget, not mockfinra's pages.
"""

from __future__ import annotations

import time
from typing import Any, Iterator

import httpx
import pyotp
import pytest
from browser_support import text_problems, visible_text, watch
from widget_support import WidgetSite

from mockfinra.clock import parse_instant
from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer, free_port

pytestmark = pytest.mark.browser

PASSWORD = "Ntf-Demo-2026"


class Setup:
    """A mockfinra server and the widget's site on a second origin, trusted (or not) for CORS."""

    def __init__(self, era: str, mode: str, trusted: bool = True) -> None:
        self.port = free_port()
        self.site_url = f"http://127.0.0.1:{self.port}"
        origins = f"{self.site_url}=CORS" if trusted else ""
        self.server = MockfinraServer(Settings.for_tests(era=era, trusted_origins=origins))
        self.mode = mode
        assets = {"baseUrl": f"{self.site_url}/widget"}
        if mode == "classic":
            config: dict[str, Any] = {"baseUrl": self.server.url, "useClassicEngine": True, "assets": assets}
        else:
            config = {
                "issuer": f"{self.server.url}/oauth2/default",
                "clientId": "traqs-api",
                "redirectUri": f"{self.site_url}/callback",
                "scopes": ["openid", "profile", "email"],
                "assets": assets,
            }
        self.site = WidgetSite(config, mode="classic" if mode == "classic" else "tokens", port=self.port)

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> "Setup":
        self.server.start()
        self.site.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.site.__exit__()
        self.server.stop()


@pytest.fixture
def classic() -> Iterator[Setup]:
    with Setup("2021", "classic") as setup:
        yield setup


@pytest.fixture
def idx() -> Iterator[Setup]:
    with Setup("2024", "idx") as setup:
        yield setup


def screen(page: Any, name: str) -> str:
    """The widget's screen once it settled: its visible text, checked."""
    page.wait_for_load_state()
    page.wait_for_function("!document.querySelector('.o-form-saving, .beacon-loading')")
    text = visible_text(page)
    problems = text_problems(text)
    assert not problems, f"{name}: {problems}"
    return text


def open_widget(page: Any, setup: Setup) -> None:
    watch(page, setup.url, setup.site_url)
    page.goto(setup.site_url)


def outcome(page: Any) -> dict[str, Any]:
    page.wait_for_function("window.__outcome !== undefined", timeout=30_000)
    return page.evaluate("window.__outcome")


def code(setup: Setup, login: str, provider: str = "GOOGLE") -> str:
    return httpx.get(f"{setup.url}/_mock/users/{login}/totp", params={"provider": provider}).json()["code"]


def make_user(setup: Setup, login: str, factors: list[dict[str, Any]]) -> None:
    made = httpx.post(f"{setup.url}/_mock/users", json={"login": login, "password": PASSWORD, "factors": factors})
    assert made.status_code == 201, made.text


QUESTION = {"factorType": "question", "question": "favorite_sports_player", "answer": "babe ruth"}
GOOGLE = {"factorType": "token:software:totp", "provider": "GOOGLE"}


# --- classic (useClassicEngine, era 2021) -----------------------------------------------------------


def classic_sign_in(page: Any, setup: Setup, login: str) -> None:
    open_widget(page, setup)
    page.wait_for_selector("#okta-signin-username")
    screen(page, "classic sign-in")
    page.fill("#okta-signin-username", login)
    page.fill("#okta-signin-password", PASSWORD)
    page.click("#okta-signin-submit")


def classic_pick_factor(page: Any, label: str) -> None:
    page.click(".factors-dropdown-wrap a.option-selected")
    page.click(f".okta-dropdown-option a:has-text('{label}')")


def signed_in(page: Any, login: str) -> None:
    result = outcome(page)
    assert result.get("login") == login, result
    assert page.inner_text("#result") == f"Signed in as {login}"


def test_classic_security_question(classic: Setup, page: Any) -> None:
    classic_sign_in(page, classic, "trace.analyst@example.com")
    page.wait_for_selector("input[name=answer]")
    assert "food you least liked" in screen(page, "classic question")
    page.fill("input[name=answer]", "brussels sprouts")
    page.click("input[type=submit]")
    signed_in(page, "trace.analyst@example.com")
    assert outcome(page)["sessionToken"]


def test_classic_google_authenticator(classic: Setup, page: Any) -> None:
    classic_sign_in(page, classic, "trace.analyst@example.com")
    page.wait_for_selector("input[name=answer]")
    classic_pick_factor(page, "Google Authenticator")
    # the security question's (password-type) field may still be in the page while the widget swaps forms
    passcode = "input[name=answer]:not([type=password])"
    page.wait_for_selector(passcode)
    assert "Google Authenticator" in screen(page, "classic google authenticator")
    page.fill(passcode, code(classic, "trace.analyst@example.com"))
    page.click("input[type=submit]")
    signed_in(page, "trace.analyst@example.com")


def test_classic_okta_verify_push(classic: Setup, page: Any) -> None:
    login = "orf.trader@example.com"
    classic_sign_in(page, classic, login)
    page.wait_for_selector(".factors-dropdown-wrap")
    classic_pick_factor(page, "Okta Verify")
    send = page.wait_for_selector("input[type=submit][value='Send Push'], a:has-text('Send Push')")
    screen(page, "classic push")
    send.click()
    pending: list[dict[str, Any]] = []
    deadline = time.monotonic() + 20
    while not pending and time.monotonic() < deadline:
        pending = [p for p in httpx.get(f"{classic.url}/_mock/push").json() if p.get("status", "PENDING") == "PENDING"]
        # not time.sleep: the context's route handler (browser_support.watch) runs only while Playwright is
        # called, and the widget's verify request waits for it
        page.wait_for_timeout(300)
    assert pending, "no push was sent"
    approved = httpx.post(f"{classic.url}/_mock/push/{pending[0]['id']}/approve")
    assert approved.status_code == 200, approved.text
    signed_in(page, login)


# --- Identity Engine (the default mode, era 2024) ---------------------------------------------------


def select_authenticator(page: Any, label: str) -> None:
    row = page.locator(".authenticator-row", has_text=label).first
    row.locator("[data-se=button]").click()


def test_idx_password_and_google_authenticator(idx: Setup, page: Any) -> None:
    login = "widget.ga@example.com"
    make_user(idx, login, [QUESTION, GOOGLE])
    open_widget(page, idx)
    page.wait_for_selector("input[name=identifier]")
    screen(page, "idx identify")
    page.fill("input[name=identifier]", login)
    page.click("input[type=submit]")
    page.wait_for_selector("input[name='credentials.passcode']")
    assert "Verify with your password" in screen(page, "idx password")
    page.fill("input[name='credentials.passcode']", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector(".authenticator-row")
    assert "Google Authenticator" in screen(page, "idx select authenticator")
    select_authenticator(page, "Google Authenticator")
    page.wait_for_selector("input[name='credentials.passcode']")
    assert "Google Authenticator" in screen(page, "idx google authenticator")
    page.fill("input[name='credentials.passcode']", code(idx, login))
    page.click("input[type=submit]")
    result = outcome(page)
    assert result == {
        "login": login, "hasAccessToken": True, "issuer": f"{idx.url}/oauth2/default", "audience": "traqs-api"
    }, result
    screen(page, "idx signed in")


def test_idx_enrollment_of_question_and_google_authenticator(idx: Setup, page: Any) -> None:
    login = "new.enrollee@example.com"  # seed: a password, no factors yet
    open_widget(page, idx)
    page.wait_for_selector("input[name=identifier]")
    page.fill("input[name=identifier]", login)
    page.click("input[type=submit]")
    page.wait_for_selector("input[name='credentials.passcode']")
    page.fill("input[name='credentials.passcode']", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector(".authenticator-row")
    text = screen(page, "idx enroll choose")
    assert "Security Question" in text and "Google Authenticator" in text
    select_authenticator(page, "Security Question")
    page.wait_for_selector("input[name='credentials.answer']")
    screen(page, "idx enroll question")
    page.fill("input[name='credentials.answer']", "Space Invaders")
    page.click("input[type=submit]")
    page.wait_for_selector(".authenticator-row")
    assert "Google Authenticator" in screen(page, "idx enroll second factor")
    select_authenticator(page, "Google Authenticator")
    page.wait_for_selector(".qrcode, img[class*=qrcode], .qrcode-image")
    screen(page, "idx enroll google authenticator")
    page.click("a.cannot-scan-link, a:has-text(\"Can't scan?\")")
    secret = page.wait_for_selector(".shared-secret").inner_text().strip()
    page.click("a.google-authenticator-next")
    page.wait_for_selector("input[name='credentials.passcode']")
    screen(page, "idx enroll google authenticator code")
    now = parse_instant(httpx.get(f"{idx.url}/_mock/clock").json()["now"])
    page.fill("input[name='credentials.passcode']", pyotp.TOTP(secret.replace(" ", "")).at(now))
    page.click("a.google-authenticator-verify")
    while True:
        page.wait_for_function("window.__outcome !== undefined || document.querySelector('[data-se=skip], .skip-all')")
        if page.evaluate("window.__outcome !== undefined"):
            break
        screen(page, "idx enroll optional")
        page.click("[data-se=skip], .skip-all")
    result = outcome(page)
    assert result.get("login") == login and result.get("hasAccessToken"), result
    factors = httpx.get(f"{idx.url}/_mock/state").json()["factors"]
    kinds = {f["factor_type"] for f in factors if f["status"] == "ACTIVE" and f.get("user_id")}
    assert {"question", "token:software:totp"} <= kinds


# --- an origin that is not trusted -----------------------------------------------------------------


@pytest.mark.parametrize("mode", ["classic", "idx"])
def test_untrusted_origin_is_refused(mode: str, page: Any) -> None:
    with Setup("2021" if mode == "classic" else "2024", mode, trusted=False) as setup:
        answered: list[Any] = []
        failed: list[str] = []
        page.on("response", lambda response: answered.append(response) if setup.url in response.url else None)
        page.on("requestfailed", lambda request: failed.append(request.url) if setup.url in request.url else None)
        open_widget(page, setup)
        if mode == "classic":
            page.wait_for_selector("#okta-signin-username")
            page.fill("#okta-signin-username", "trace.analyst@example.com")
            page.fill("#okta-signin-password", PASSWORD)
            page.click("#okta-signin-submit")
        page.wait_for_selector(".o-form-error-container .okta-form-infobox-error, .okta-form-infobox-error, "
                               ".o-form-has-errors, .siw-main-view.terminal")
        text = screen(page, f"{mode} untrusted")
        assert "Signed in" not in text
        assert page.evaluate("window.__outcome === undefined || Boolean(window.__outcome.error)")
        # the browser refused every call (the preflight's 403 has no CORS headers): the page could read nothing
        assert failed, "the widget called the server"
        assert not [(r.url, r.status) for r in answered if "access-control-allow-origin" in r.headers]
        probe = httpx.options(failed[0], headers={"Origin": setup.site_url, "Access-Control-Request-Method": "POST"})
        assert probe.status_code == 403 and "access-control-allow-origin" not in probe.headers
