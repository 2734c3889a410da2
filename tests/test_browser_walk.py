"""A walk of every screen a person meets, in Debian chromium (Playwright): each screen passes `check_screen`
(no `null`, `undefined`, raw Okta codes or factor type strings in the visible text, no request off the server,
no serious or critical axe-core finding) and, at a 390 px phone width, does not scroll sideways.

`SCREENS` is the table: one entry per screen or path of screens, each a small function driving a `Tour`
(tests/walk_support.py). Visits share one server per era and worker (each makes its own users), except those
that move the mock clock (`own_server`); the visits that take a README picture use seeded users, each used by
no other visit. Add a screen by adding a function and an entry.

With MOCKFINRA_SCREENSHOTS=<folder> the README pictures are saved there (scripts/screenshots.sh)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from browser_support import wait_for_js
from walk_support import PASSWORD, QUESTION, Screen, Tour

from mockfinra.clock import parse_instant
from mockfinra.eras import RETIRED_MESSAGE
from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Fresh-Meadow-2027"


def google(secret: str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP") -> dict[str, Any]:
    return {"factorType": "token:software:totp", "provider": "GOOGLE", "sharedSecret": secret}


def phone(kind: str, number: str) -> dict[str, Any]:
    return {"factorType": kind, "phoneNumber": number}


PUSH = {"factorType": "push", "pushPolicy": "manual"}


def now(t: Tour) -> Any:
    return parse_instant(t.api("GET", "/_mock/clock")["now"])


# --- Identity Engine pages (2024, 2026) -----------------------------------------------------------------

def idx_password(t: Tour, login: str, password: str = PASSWORD, check: bool = False, start: str = "/login/login.htm") -> None:
    """The identifier, then the password (on the sign-in page `start` leads to)."""
    t.goto(start)
    t.see("#idx-identifier")
    if check:
        t.check("identify", picture="sign-in")
    t.page.fill("#idx-identifier", login)
    t.page.click("#idx-submit")
    t.see("#idx-password")
    if check:
        t.check("password")
    t.page.fill("#idx-password", password)
    t.page.click("#idx-submit")


def idx_choose(t: Tour, se: str, check: str | None = None) -> None:
    """On the list of security methods, the one whose button is `data-se=se`."""
    t.see("#idx-authenticators")
    if check:
        t.check(check)
    t.page.click(f"[data-se={se}]")


def account(t: Tour, check: str | None = "account") -> str:
    t.see("#home-login")
    return t.check(check) if check else t.text("#user-home")


def add_method(t: Tour) -> None:
    """From the account page, "Add a security method" (the era's enrollment)."""
    t.see("#add-method").click()


def idx_sign_in(t: Tour, login: str, answer: str = "brussels sprouts", start: str = "/login/login.htm") -> None:
    idx_password(t, login, start=start)
    idx_choose(t, "security_question")
    t.see("#idx-answer")
    t.page.fill("#idx-answer", answer)
    t.page.click("#idx-submit")


def idx_question(t: Tour) -> None:
    login = t.user([QUESTION, google()])
    idx_password(t, login, check=True)
    idx_choose(t, "security_question", check="select")
    t.see("#idx-answer")
    assert "food you least liked" in t.check("question")
    t.page.fill("#idx-answer", "brussels sprouts")
    t.page.click("#idx-submit")
    assert "security question" in account(t).lower()


def idx_google(t: Tour) -> None:
    login = t.user([QUESTION, google()])
    idx_password(t, login)
    idx_choose(t, "google_otp")
    t.see("#idx-code")
    t.check("code")
    t.page.fill("#idx-code", t.totp(login))
    t.page.click("#idx-submit")
    account(t, None)


def idx_push(t: Tour) -> None:
    """Okta Verify push with the number challenge, answered on the virtual phone in a second tab (a seeded
    user: the README picture shows the demo user)."""
    login = "orf.trader@example.com"
    idx_password(t, login)
    idx_choose(t, "okta_verify-push")
    number = t.see("#idx-number-challenge strong").inner_text()
    t.check("number-challenge")
    phone_tab = t.page.context.new_page()
    main, t.page = t.page, phone_tab
    try:
        t.goto(f"/_mock/phone?login={login}")
        t.see("[data-push] [data-answer]")
        t.check("phone-push", picture="virtual-phone")
        t.page.click(f"[data-push] [data-answer='{number}']")
    finally:
        t.page = main
    account(t, None)


def idx_okta_verify_code(t: Tour) -> None:
    login = t.user([QUESTION, PUSH])
    idx_password(t, login)
    idx_choose(t, "okta_verify-totp")
    t.see("#idx-code")
    t.check("code")
    t.page.fill("#idx-code", t.totp(login, "OKTA"))
    t.page.click("#idx-submit")
    account(t, None)


def idx_phone(kind: str) -> Any:
    def visit(t: Tour) -> None:
        number = "+1 202-555-0142" if kind == "sms" else "+1 202-555-0143"
        login = t.user([QUESTION, phone(kind, number)])
        idx_password(t, login)
        idx_choose(t, f"phone_number-{'sms' if kind == 'sms' else 'voice'}")
        t.see("#idx-method-sms, #idx-method-voice, #idx-code")
        if not t.page.query_selector("#idx-code"):
            t.check("method")
            t.page.click(f"#idx-method-{'sms' if kind == 'sms' else 'voice'}")
        t.see("#idx-code")
        subtitle = t.check("code")
        assert ("We called" in subtitle) == (kind == "call")
        t.page.fill("#idx-code", t.code(number, kind if kind == "sms" else "voice"))
        t.page.click("#idx-submit")
        account(t, None)
    return visit


def idx_enroll_question_and_google(t: Tour) -> None:
    login = "new.enrollee@example.com"  # the seeded user without factors (as in the README picture)
    idx_password(t, login)
    t.see("[data-se=enroll-security_question]")
    t.check("enroll-list")
    t.page.click("[data-se=enroll-security_question]")
    t.see("#idx-question")
    t.check("question")
    t.page.select_option("#idx-question", "first_computer_game")
    t.page.fill("#idx-answer", "space invaders")
    t.page.click("#idx-submit")
    t.see("#idx-enrolled")
    t.check("enroll-list-done")
    t.page.click("[data-se=enroll-google_otp]")
    wait_for_js(t.page, "document.getElementById('idx-qrcode') && document.getElementById('idx-qrcode').naturalWidth > 0")
    t.check("google-qr", picture="enroll-google-authenticator")
    t.page.click("details.manual-key summary")
    secret = t.text("#idx-shared-secret").strip()
    t.page.fill("#idx-code", pyotp.TOTP(secret).at(now(t)))
    t.page.click("#idx-submit")
    assert "Google Authenticator" in account(t, None)


def idx_enroll_phone(kind: str) -> Any:
    def visit(t: Tour) -> None:
        number = "+1 202-555-0152" if kind == "sms" else "+1 202-555-0153"
        login = t.user([QUESTION])
        idx_sign_in(t, login)
        add_method(t)
        t.page.click("[data-se=enroll-phone_number]")
        t.see("#idx-phone")
        t.check("number")
        t.page.check(f"#idx-method-{kind}")
        t.page.fill("#idx-phone", number)
        t.page.click("#idx-submit")
        t.see("#idx-code")
        t.check("code")
        t.page.fill("#idx-code", t.code(number, kind))
        t.page.click("#idx-submit")
        account(t, None)
    return visit


def idx_enroll_okta_verify(t: Tour) -> None:
    login = t.user([QUESTION])
    idx_sign_in(t, login)
    add_method(t)
    t.page.click("[data-se=enroll-okta_verify]")
    wait_for_js(t.page, "document.getElementById('idx-qrcode') && document.getElementById('idx-qrcode').naturalWidth > 0")
    t.check("qr")
    phone_tab = t.page.context.new_page()
    main, t.page = t.page, phone_tab
    try:
        t.goto(f"/_mock/phone?login={login}")
        t.see("[data-action=activate]")
        t.check("phone-activate")
        t.page.click("[data-action=activate]")
    finally:
        t.page = main
    assert "Okta Verify" in account(t, None)


def idx_recover_by(kind: str) -> Any:
    def visit(t: Tour) -> None:
        number = "+1 202-555-0162"
        login = t.user([QUESTION, phone("sms", number)] if kind == "sms" else [QUESTION])
        t.goto("/login/login.htm")
        t.see("#idx-forgot-password").click()
        t.see("#idx-identifier")
        t.check("identify")
        t.page.fill("#idx-identifier", login)
        t.page.click("#idx-submit")
        t.see("#idx-authenticators")
        t.check("select")
        se = "okta_email" if kind == "email" else "phone_number"
        t.page.click(f"[data-se^={se}]")
        if kind == "sms":
            t.see("#idx-method-sms, #idx-code")
            if t.page.query_selector("#idx-method-sms"):
                t.page.click("#idx-method-sms")
        t.see("#idx-code")
        t.check("code")
        t.page.fill("#idx-code", t.code(login if kind == "email" else number, kind))
        t.page.click("#idx-submit")
        t.see("#idx-new-password")
        assert "Password requirements" in t.check("new-password")
        t.page.fill("#idx-new-password", NEW_PASSWORD)
        t.page.fill("#idx-confirm-password", NEW_PASSWORD)
        t.page.click("#idx-submit")
        t.see("#home-login, #idx-authenticators, #idx-answer")
        t.check("after-reset")
    return visit


def idx_errors_and_unlock(t: Tour) -> None:
    """A wrong password, then the lockout after five, then unlock by an emailed code."""
    login = t.user([QUESTION])
    idx_password(t, login, "Wrong-Pass-1")
    t.see("#form-errors .error")
    t.check("wrong-password")
    for _ in range(4):
        t.page.fill("#idx-password", "Wrong-Pass-1")
        t.page.click("#idx-submit")
        wait_for_js(t.page, "!document.getElementById('idx-submit') || !document.getElementById('idx-submit').disabled")
    t.see("#idx-start-again, #idx-unlock")
    t.check("locked")
    t.goto("/login/login.htm")
    t.see("#idx-unlock").click()
    t.see("#idx-identifier")
    t.check("unlock")
    t.page.fill("#idx-identifier", login)
    t.page.click("#idx-submit")
    t.see("#idx-code")
    t.check("unlock-code")
    t.page.fill("#idx-code", t.code(login, "email"))
    t.page.click("#idx-submit")
    t.see("#idx-start-again")
    assert "Account successfully unlocked!" in t.check("unlocked")


def idx_factor_lockout(t: Tour) -> None:
    login = t.user([QUESTION, google()])
    idx_password(t, login)
    idx_choose(t, "google_otp")
    t.see("#idx-code")
    for attempt in range(6):
        t.page.fill("#idx-code", "000000")
        t.page.click("#idx-submit")
        wait_for_js(t.page, "!document.getElementById('idx-submit') || !document.getElementById('idx-submit').disabled")
        if attempt == 0:
            t.see("#form-errors .error")
            t.check("wrong-code")
        if not t.page.query_selector("#idx-code"):
            break
    t.see("#idx-start-again")
    assert "Your account is locked" in t.check("factor-locked")


def idx_clock_jumps(t: Tour) -> None:
    """After a clock jump: a pending push shows expired, and a stale sign-in says it timed out."""
    login = t.user([QUESTION, PUSH])
    idx_password(t, login)
    idx_choose(t, "okta_verify-push")
    t.see("#idx-number-challenge")
    t.advance(295)
    t.page.wait_for_selector(".spinner", state="detached", timeout=15_000)
    t.see("#idx-resend")
    assert "Your push notification has expired." in t.check("push-expired")
    idx_password(t, login)
    t.see("#idx-authenticators")
    t.advance(3600)
    t.page.click("[data-se=security_question]")
    t.see("#idx-start-again")
    assert "timed out" in t.check("timed-out")


def retired_phone(t: Tour) -> None:
    """2026: SMS and voice are retired; a user who has them is told so, and the account page says it."""
    login = t.user([QUESTION, phone("sms", "+1 202-555-0172")])
    idx_password(t, login)
    t.see("#idx-authenticators, #idx-answer")
    assert RETIRED_MESSAGE in t.check("sign-in")
    if t.page.query_selector("#idx-authenticators"):
        t.page.click("[data-se=security_question]")
    t.see("#idx-answer")
    t.page.fill("#idx-answer", "brussels sprouts")
    t.page.click("#idx-submit")
    assert "retired" in account(t)


# --- the classic pages (2021) ---------------------------------------------------------------------------

def classic_password(t: Tour, login: str, password: str = PASSWORD, check: bool = False) -> None:
    t.goto("/login/login.htm")
    t.see("#okta-signin-username")
    if check:
        t.check("sign-in")
    t.page.fill("#okta-signin-username", login)
    t.page.fill("#okta-signin-password", password)
    t.page.click("#okta-signin-submit")


def classic_pick(t: Tour, factor: str) -> None:
    t.see(".factor-picker")
    switch = t.page.query_selector(f"[data-factor='{factor}']")
    if switch:
        switch.click()


def classic_question(t: Tour) -> None:
    login = t.user([QUESTION, google()])
    classic_password(t, login, check=True)
    classic_pick(t, "question:OKTA")
    t.see("#mfa-answer")
    t.check("question")
    t.page.fill("#mfa-answer", "brussels sprouts")
    t.page.click("#okta-signin-submit")
    account(t)


def classic_code(provider: str) -> Any:
    def visit(t: Tour) -> None:
        login = t.user([QUESTION, google() if provider == "GOOGLE" else PUSH])
        classic_password(t, login)
        classic_pick(t, f"token:software:totp:{provider}")
        t.see("#mfa-code")
        t.check("code")
        t.page.fill("#mfa-code", t.totp(login, provider))
        t.page.click("#okta-signin-submit")
        account(t, None)
    return visit


def classic_push(t: Tour) -> None:
    login = t.user([PUSH, QUESTION])
    classic_password(t, login)
    classic_pick(t, "push:OKTA")
    t.see("#okta-signin-submit")
    t.check("push-start")
    t.page.click("#okta-signin-submit")
    number = t.see("#number-challenge strong").inner_text()
    t.check("number-challenge")
    pushes = t.api("GET", "/_mock/push", params={"login": login})
    t.api("POST", f"/_mock/push/{pushes[0]['id']}/approve", json={"answer": int(number)})
    account(t, None)


def classic_phone(kind: str) -> Any:
    def visit(t: Tour) -> None:
        number = "+1 202-555-0182" if kind == "sms" else "+1 202-555-0183"
        login = t.user([phone(kind, number), QUESTION])
        classic_password(t, login)
        classic_pick(t, f"{kind}:OKTA")
        t.see("#okta-signin-submit")
        t.check("send")
        t.page.click("#okta-signin-submit")
        t.see("#mfa-code")
        text = t.check("code")
        assert ("We called" in text) == (kind == "call"), text
        t.page.fill("#mfa-code", t.code(number, "sms" if kind == "sms" else "voice"))
        t.page.click("#okta-signin-submit")
        account(t, None)
    return visit


def classic_enroll(t: Tour) -> None:
    """Question, Google Authenticator (QR), SMS, voice and Okta Verify, one after the other."""
    login = t.user([])
    classic_password(t, login)
    t.see("[data-enroll='question:OKTA']")
    t.check("enroll-list")
    t.page.click("[data-enroll='question:OKTA']")
    t.see("#question-select")
    t.check("question")
    t.page.select_option("#question-select", "first_computer_game")
    t.page.fill("#question-answer", "space invaders")
    t.page.click("#okta-signin-submit")
    t.see("[data-enroll='token:software:totp:GOOGLE']").click()
    wait_for_js(t.page, "document.getElementById('qrcode') && document.getElementById('qrcode').naturalWidth > 0")
    t.check("google-qr")
    t.page.click("details.manual-key summary")
    secret = t.text("#shared-secret").strip()
    t.page.fill("#activation-code", pyotp.TOTP(secret).at(now(t)))
    t.page.click("#okta-signin-submit")
    for kind, number in (("sms", "+1 202-555-0192"),):
        t.see(f"[data-enroll='{kind}:OKTA']").click()
        t.see("#phone-number")
        t.check(f"{kind}-number")
        t.page.fill("#phone-number", number)
        t.page.click("#okta-signin-submit")
        t.see("#activation-code")
        t.check(f"{kind}-code")
        t.page.fill("#activation-code", t.code(number, "sms" if kind == "sms" else "voice"))
        t.page.click("#okta-signin-submit")
    t.see("[data-enroll='push:OKTA']").click()
    t.see("#qrcode")
    t.check("okta-verify-qr")
    [pending] = t.api("GET", "/_mock/push/enrollments", params={"login": login})
    t.api("POST", f"/_mock/push/enrollments/{pending['factorId']}/activate")
    t.see("#enroll-finish")
    t.check("enroll-done")
    t.page.click("#enroll-finish")
    account(t, None)


def classic_enroll_voice(t: Tour) -> None:
    number = "+1 202-555-0194"
    login = t.user([QUESTION])
    classic_password(t, login)
    t.see("#mfa-answer").fill("brussels sprouts")
    t.page.click("#okta-signin-submit")
    add_method(t)
    t.see("[data-enroll='call:OKTA']").click()
    t.see("#phone-number").fill(number)
    t.page.click("#okta-signin-submit")
    t.see("#activation-code")
    assert "We called" in t.check("code")
    t.page.fill("#activation-code", t.code(number, "voice"))
    t.page.click("#okta-signin-submit")
    assert "Voice call" in account(t, None)


def classic_recover_by(kind: str) -> Any:
    def visit(t: Tour) -> None:
        number = "+1 202-555-0112"
        login = t.user([QUESTION, phone("sms", number)], recoveryQuestion="Which desk did you first work on?",
                       recoveryAnswer="corporate bonds")
        t.goto("/login/login.htm")
        t.see("#forgot-password").click()
        t.see("#account-recovery-username")
        t.check("start")
        t.page.fill("#account-recovery-username", login)
        t.page.select_option("#recovery-factor", "EMAIL" if kind == "email" else "SMS")
        t.page.click("#okta-signin-submit")
        if kind == "email":
            t.see("h1.auth-title >> text=Check your email")
            t.check("check-email")
            link = t.api("GET", "/_mock/messages/latest", params={"to": login, "channel": "email"})["link"]
            t.goto(link)
        else:
            t.see("#recovery-code")
            t.check("code")
            t.page.fill("#recovery-code", t.code(number, "sms"))
            t.page.click("#okta-signin-submit")
        t.see("#recovery-answer")
        t.check("recovery-question")
        t.page.fill("#recovery-answer", "corporate bonds")
        t.page.click("#okta-signin-submit")
        t.see("#new-password, #okta-signin-submit")
        t.check("new-password")
    return visit


def classic_errors_and_unlock(t: Tour) -> None:
    number = "+1 202-555-0122"
    login = t.user([QUESTION, phone("sms", number)])
    classic_password(t, login, "Wrong-Pass-1")
    t.see("#form-errors .error")
    t.check("wrong-password")
    for _ in range(9):
        if not t.page.query_selector("#okta-signin-password"):
            break
        t.page.fill("#okta-signin-password", "Wrong-Pass-1")
        t.page.click("#okta-signin-submit")
        wait_for_js(t.page, "!document.getElementById('okta-signin-submit') || !document.getElementById('okta-signin-submit').disabled")
    t.see("#start-unlock")
    t.check("locked")
    t.goto("/login/login.htm")
    t.see("#unlock-account").click()
    t.see("#account-recovery-username")
    t.check("unlock")
    t.page.fill("#account-recovery-username", login)
    t.page.select_option("#recovery-factor", "SMS")
    t.page.click("#okta-signin-submit")
    t.see("#recovery-code")
    t.check("unlock-code")
    t.page.fill("#recovery-code", t.code(number, "sms"))
    t.page.click("#okta-signin-submit")
    t.see("#unlocked-sign-in, #recovery-answer")
    t.check("unlocked")


def classic_factor_lockout(t: Tour) -> None:
    login = t.user([google(), QUESTION])
    classic_password(t, login)
    classic_pick(t, "token:software:totp:GOOGLE")
    t.see("#mfa-code")
    for _ in range(5):
        t.page.fill("#mfa-code", "000000")
        t.page.click("#okta-signin-submit")
        wait_for_js(t.page, "!document.getElementById('okta-signin-submit') || !document.getElementById('okta-signin-submit').disabled")
        if t.page.query_selector("#start-unlock"):
            break
    t.see("#start-unlock")  # the locked screen, not the code form again
    assert "locked" in t.check("factor-locked").lower()


def classic_clock_jumps(t: Tour) -> None:
    login = t.user([PUSH, QUESTION])
    classic_password(t, login)
    classic_pick(t, "push:OKTA")
    t.see("#okta-signin-submit").click()
    t.see("#number-challenge, .spinner")
    t.advance(295)
    t.see("#push-again")
    assert "expired" in t.check("push-expired").lower()
    classic_password(t, login)
    classic_pick(t, "question:OKTA")
    t.see("#mfa-answer")
    t.advance(3600)
    t.page.fill("#mfa-answer", "brussels sprouts")
    t.page.click("#okta-signin-submit")
    t.see("#start-again")
    assert "timed out" in t.check("timed-out")


# --- the account page, TRAQS and the virtual phone ---------------------------------------------------------

def account_page(t: Tour) -> None:
    login = t.user([QUESTION, google(), phone("sms", "+1 202-555-0132"), PUSH])
    idx_sign_in(t, login)
    t.see("#recent-activity")
    t.page.click("#change-password summary")
    t.page.click("#change-question summary")
    text = t.check("account")
    for jargon in ("token:software", "GOOGLE", "OKTA", "pwd", "kba"):
        assert jargon not in text, jargon


def traqs(t: Tour) -> None:
    idx_sign_in(t, "trace.analyst@example.com", start="/traqs/")  # a seeded user, as in the README picture
    t.see("#notify-test-team")
    t.check("home")
    t.page.click("#notify-test-team")
    t.see("#ntf-window-banner")
    t.check("home-ntf-window")
    t.page.click("#nav-api-access")
    t.see("#issue-form")
    t.check("api-access")
    t.page.fill("#label", "nightly TRACE reference data")
    t.page.click("#issue-token")
    t.see("#new-refresh-token")
    t.check("api-access-token", picture="traqs-api-access")
    t.page.click("#token-table a.danger")
    t.see("#revoke-confirm")
    t.check("revoke")
    t.page.click("#confirm-revoke")
    t.see("#notice")
    t.check("revoked")
    t.goto("/traqs/order-form")
    t.see("#order-form-refused")
    t.check("order-form-refused")


def traqs_order_form(t: Tour) -> None:
    t.goto("/traqs/order-form")
    t.see("#idx-identifier").fill("order.admin@example.com")
    t.page.click("#idx-submit")
    t.see("#idx-password").fill(PASSWORD)
    t.page.click("#idx-submit")
    t.see("#idx-authenticators, #idx-answer")
    if t.page.query_selector("#idx-authenticators"):
        t.page.click("[data-se=security_question]")
    t.see("#idx-answer").fill("order form")
    t.page.click("#idx-submit")
    t.see("#order-form")
    t.check("order-form")
    t.page.click("#submit-order")
    t.see("#order-errors")
    t.check("order-form-errors")
    t.page.fill("#first_name", "Walk")
    t.page.fill("#last_name", "Trainee")
    t.page.fill("#email", "walk.trainee@example.com")
    t.page.check("#product-trace")
    t.page.check("#access-api")
    t.page.click("#submit-order")
    t.see("#notice")
    t.check("order-requests")


def virtual_phone(t: Tour) -> None:
    t.goto("/_mock/phone")
    t.see("#login-form")
    t.check("no-user")
    t.api("POST", "/_mock/users", json={"login": "walk.phone@example.com", "password": PASSWORD, "firstName": "Walk",
                                         "lastName": "Phone", "factors": [QUESTION, google(), phone("sms", "+1 202-555-0139"), PUSH]})
    t.goto("/_mock/phone?login=walk.phone@example.com")
    t.see("[data-provider=GOOGLE] .totp")
    t.check("codes")


def inbox(t: Tour) -> None:
    t.goto("/_mock/inbox")
    t.see("#live-status:has-text('Live')")
    item = t.page.locator("[data-message]:has-text('invited.user@example.com')")
    item.wait_for()
    t.check("list")
    item.click()
    t.see("#email:not([hidden])")
    t.page.frame_locator("#email-html").get_by_role("link", name="Activate your account").wait_for()
    t.check("invitation", picture="inbox")


def trainer_home(t: Tour) -> None:
    t.goto("/_mock")
    t.see("text=trace.analyst@example.com")
    t.check("home")


def docs(t: Tour) -> None:
    """The vendored Swagger UI and ReDoc: no request to another host (the watch) and they render; their text
    is the API's own (schemas print `null`), so the visible-text check does not apply."""
    for path, ready in (("/_mock/docs", ".swagger-ui .information-container"), ("/_mock/redoc", ".menu-content")):
        t.goto(path)
        t.page.wait_for_selector(ready, timeout=20_000)
        t.page.wait_for_load_state("networkidle")
        assert not t.page.foreign_requests, t.page.foreign_requests


SCREENS: list[Screen] = [
    # Identity Engine (2024, the default): sign-in with each factor
    Screen("idx-password-question", idx_question),
    Screen("idx-google-authenticator", idx_google),
    Screen("idx-okta-verify-push", idx_push),
    Screen("idx-okta-verify-code", idx_okta_verify_code),
    Screen("idx-sms", idx_phone("sms")),
    Screen("idx-voice", idx_phone("call")),
    # ... each enrollment
    Screen("idx-enroll-question-google", idx_enroll_question_and_google),
    Screen("idx-enroll-sms", idx_enroll_phone("sms")),
    Screen("idx-enroll-voice", idx_enroll_phone("voice")),
    Screen("idx-enroll-okta-verify", idx_enroll_okta_verify),
    # ... recovery, unlock and errors
    Screen("idx-recover-email", idx_recover_by("email")),
    Screen("idx-recover-sms", idx_recover_by("sms")),
    Screen("idx-errors-unlock", idx_errors_and_unlock),
    Screen("idx-factor-lockout", idx_factor_lockout),
    Screen("idx-clock-jumps", idx_clock_jumps, own_server=True),
    Screen("retired-phone-2026", retired_phone, era="2026"),
    # classic pages (2021)
    Screen("classic-password-question", classic_question, era="2021"),
    Screen("classic-google-authenticator", classic_code("GOOGLE"), era="2021"),
    Screen("classic-okta-verify-code", classic_code("OKTA"), era="2021"),
    Screen("classic-okta-verify-push", classic_push, era="2021"),
    Screen("classic-sms", classic_phone("sms"), era="2021"),
    Screen("classic-voice", classic_phone("call"), era="2021"),
    Screen("classic-enroll-all", classic_enroll, era="2021"),
    Screen("classic-enroll-voice", classic_enroll_voice, era="2021"),
    Screen("classic-recover-email", classic_recover_by("email"), era="2021"),
    Screen("classic-recover-sms", classic_recover_by("sms"), era="2021"),
    Screen("classic-errors-unlock", classic_errors_and_unlock, era="2021"),
    Screen("classic-factor-lockout", classic_factor_lockout, era="2021"),
    Screen("classic-clock-jumps", classic_clock_jumps, era="2021", own_server=True),
    # the account page, TRAQS, the virtual phone
    Screen("account", account_page),
    Screen("traqs", traqs),
    Screen("traqs-order-form", traqs_order_form),
    Screen("virtual-phone", virtual_phone),
    Screen("inbox", inbox),
    Screen("trainer-home", trainer_home),
    Screen("docs", docs, phone=False),
]


def _settings(screen: Screen) -> Settings:
    return Settings.for_tests(era=screen.era, refdata_scale=0.02, push_number_challenge=True, **screen.settings)


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[tuple[str, str], MockfinraServer]]:
    """One server per era (and settings) for this worker, started when first needed."""
    running: dict[tuple[str, str], MockfinraServer] = {}
    yield running
    for server in running.values():
        server.stop()


@pytest.mark.parametrize("screen", SCREENS, ids=[s.name for s in SCREENS])
def test_screen(screen: Screen, servers: dict[tuple[str, str], MockfinraServer], page: Any) -> None:
    if screen.own_server:
        with MockfinraServer(_settings(screen)) as server:
            _walk(screen, Tour(page, server, screen))
        return
    key = (screen.era, repr(sorted(screen.settings.items())))
    if key not in servers:
        servers[key] = MockfinraServer(_settings(screen)).start()
    _walk(screen, Tour(page, servers[key], screen))


def _walk(screen: Screen, tour: Tour) -> None:
    try:
        screen.visit(tour)
    except Exception as error:  # say where the walk was and what the page showed
        shown = tour.page.evaluate("() => document.body ? document.body.innerText : ''")
        raise AssertionError(f"{screen.name} after {tour.checked or 'no screen'}: {error}\n--- the page showed:\n{shown}") from error


def test_every_screen_has_one_entry() -> None:
    names = [s.name for s in SCREENS]
    assert len(names) == len(set(names))
