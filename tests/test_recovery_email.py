"""Forgotten password by email: the link, its page, `/recovery/token`, the question, the reset; one use only."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.authn_support import BASE, advance, app_client, make_user, sign_in
from tests.phone_support import error_of, hal, messages, post

QUESTION = "Which desk did you first work on?"
ANSWER = "market operations"
NEW_PASSWORD = "Fresh-Start-2027"


def forgot_by_email(client: TestClient, username: str, **extra: Any) -> Any:
    return client.post("/api/v1/authn/recovery/password", json={"username": username, "factorType": "EMAIL", **extra})


def recovery_email(client: TestClient, login: str) -> dict[str, Any]:
    [email] = messages(client, channel="email", to=login)
    return email


def test_the_email_link_leads_to_a_new_password() -> None:
    with app_client() as client:
        login = make_user(client, [], recoveryQuestion=QUESTION, recoveryAnswer=ANSWER)["user"]["login"]
        started = forgot_by_email(client, login, relayState="/traqs/api-access")
        assert started.status_code == 200
        assert started.json() == {
            "status": "RECOVERY_CHALLENGE",
            "factorResult": "WAITING",
            "factorType": "EMAIL",
            "recoveryType": "PASSWORD",
            "relayState": "/traqs/api-access",
        }
        email = recovery_email(client, login)
        assert email["subject"] == "Reset your NASDAQ MFA password (NTF)"
        link = email["link"]
        assert link.startswith(f"{BASE}/signin/reset-password/") and link in email["body"]
        token = link.rsplit("/", 1)[1]

        page = client.get(link)
        assert page.status_code == 200 and 'data-mode="recovery"' in page.text and f'data-token="{token}"' in page.text

        recovery = client.post("/api/v1/authn/recovery/token", json={"recoveryToken": token})
        assert recovery.status_code == 200, recovery.text
        body = recovery.json()
        assert body["status"] == "RECOVERY" and body["recoveryType"] == "PASSWORD" and body["factorType"] == "EMAIL"
        assert body["relayState"] == "/traqs/api-access"
        assert body["_embedded"]["user"]["recovery_question"] == {"question": QUESTION}
        assert body["_links"]["next"] == hal("/api/v1/authn/recovery/answer", "answer")
        # the link works once
        error_of(client.post("/api/v1/authn/recovery/token", json={"recoveryToken": token}), 401, "E0000011")

        reset = post(client, body["_links"]["next"], body["stateToken"], answer="Market Operations").json()
        assert reset["status"] == "PASSWORD_RESET"
        done = post(client, reset["_links"]["next"], body["stateToken"], newPassword=NEW_PASSWORD).json()
        # no factor yet: the reset goes on to enrollment, as any sign-in without a factor does
        assert done["status"] == "MFA_ENROLL"
        assert sign_in(client, login, NEW_PASSWORD).json()["status"] == "MFA_ENROLL"


def test_an_expired_or_unknown_recovery_token_is_401() -> None:
    with app_client(recovery_token_ttl_seconds=600) as client:
        login = make_user(client, [], recoveryQuestion=QUESTION, recoveryAnswer=ANSWER)["user"]["login"]
        forgot_by_email(client, login)
        token = recovery_email(client, login)["link"].rsplit("/", 1)[1]
        advance(client, 601)
        error_of(client.post("/api/v1/authn/recovery/token", json={"recoveryToken": token}), 401, "E0000011")
        error_of(client.post("/api/v1/authn/recovery/token", json={"recoveryToken": "made-up"}), 401, "E0000011")
        error_of(client.post("/api/v1/authn/recovery/token", json={}), 400, "E0000001")


def test_unknown_users_get_the_same_answer_and_no_email() -> None:
    with app_client() as client:
        login = make_user(client, [], recoveryQuestion=QUESTION, recoveryAnswer=ANSWER)["user"]["login"]
        known = forgot_by_email(client, login, relayState="x")
        client.delete("/_mock/messages")
        unknown = forgot_by_email(client, "nobody.here@example.com", relayState="x")
        assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
        assert messages(client) == []


def test_without_a_recovery_question_the_link_goes_to_the_reset() -> None:
    with app_client() as client:
        login = make_user(client, [])["user"]["login"]
        forgot_by_email(client, login)
        token = recovery_email(client, login)["link"].rsplit("/", 1)[1]
        body = client.post("/api/v1/authn/recovery/token", json={"recoveryToken": token}).json()
        assert body["status"] == "PASSWORD_RESET" and body["_links"]["next"]["name"] == "resetPassword"
