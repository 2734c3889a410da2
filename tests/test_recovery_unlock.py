"""Unlocking a locked account: LOCKED_OUT's `unlock` link → code (or email link) → question → unlocked."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.authn_support import PASSWORD, app_client, make_user, sign_in, user_row
from tests.phone_support import E164, error_of, latest, messages, post, sms

QUESTION = "Which desk did you first work on?"
ANSWER = "trade reporting"


def locked_user(client: TestClient) -> tuple[str, dict]:
    login = make_user(client, [sms()], recoveryQuestion=QUESTION, recoveryAnswer=ANSWER)["user"]["login"]
    answer = None
    for _ in range(5):
        answer = sign_in(client, login, "Wrong-Password-1")
    assert answer is not None and answer.status_code == 200
    locked = answer.json()
    assert locked["status"] == "LOCKED_OUT" and user_row(client, login)["status"] == "LOCKED_OUT"
    return login, locked


def test_unlock_by_sms_then_sign_in() -> None:
    with app_client() as client:
        login, locked = locked_user(client)
        unlock = locked["_links"]["next"]
        assert unlock["name"] == "unlock"
        started = client.post(unlock["href"], json={"username": login, "factorType": "SMS"})
        assert started.status_code == 200, started.text
        body = started.json()
        assert body["status"] == "RECOVERY_CHALLENGE" and body["recoveryType"] == "UNLOCK"
        message = latest(client, channel="sms", to=E164)
        assert message["meta"]["purpose"] == "recovery-unlock"
        recovery = post(client, body["_links"]["next"], body["stateToken"], passCode=message["code"]).json()
        assert recovery["status"] == "RECOVERY" and recovery["recoveryType"] == "UNLOCK"
        assert user_row(client, login)["status"] == "LOCKED_OUT"
        error_of(post(client, recovery["_links"]["next"], body["stateToken"], answer="wrong answer"), 403, "E0000087")
        assert user_row(client, login)["status"] == "LOCKED_OUT"
        done = post(client, recovery["_links"]["next"], body["stateToken"], answer=ANSWER.upper())
        assert done.status_code == 200
        assert done.json() == {
            "expiresAt": "2026-03-02T14:35:05.000Z",
            "status": "SUCCESS",
            "recoveryType": "UNLOCK",
            "_embedded": {"user": done.json()["_embedded"]["user"]},
        }
        assert done.json()["_embedded"]["user"]["profile"]["login"] == login
        row = user_row(client, login)
        assert row["status"] == "ACTIVE" and row["failed_password_attempts"] == 0
        # the transaction is over, and the password (unchanged) works again
        error_of(post(client, recovery["_links"]["next"], body["stateToken"], answer=ANSWER), 401, "E0000011")
        assert sign_in(client, login, PASSWORD).json()["status"] == "MFA_REQUIRED"


def test_unlock_by_email_link() -> None:
    with app_client() as client:
        login, _ = locked_user(client)
        started = client.post("/api/v1/authn/recovery/unlock", json={"username": login, "factorType": "EMAIL"})
        assert started.json() == {
            "status": "RECOVERY_CHALLENGE",
            "factorResult": "WAITING",
            "factorType": "EMAIL",
            "recoveryType": "UNLOCK",
        }
        [email] = messages(client, channel="email")
        assert email["subject"] == "Unlock your NASDAQ MFA account (NTF)" and "/signin/unlock/" in email["link"]
        page = client.get(email["link"])
        assert page.status_code == 200 and 'data-mode="recovery"' in page.text
        token = email["link"].rsplit("/", 1)[1]
        recovery = client.post("/api/v1/authn/recovery/token", json={"recoveryToken": token}).json()
        assert recovery["status"] == "RECOVERY" and recovery["recoveryType"] == "UNLOCK"
        done = post(client, recovery["_links"]["next"], recovery["stateToken"], answer=ANSWER).json()
        assert done["status"] == "SUCCESS" and "sessionToken" not in done
        assert user_row(client, login)["status"] == "ACTIVE"


def test_a_password_reset_also_unlocks() -> None:
    with app_client() as client:
        login, _ = locked_user(client)
        body = client.post("/api/v1/authn/recovery/password", json={"username": login, "factorType": "SMS"}).json()
        code = latest(client, channel="sms")["code"]
        recovery = post(client, body["_links"]["next"], body["stateToken"], passCode=code).json()
        reset = post(client, recovery["_links"]["next"], body["stateToken"], answer=ANSWER).json()
        assert reset["status"] == "PASSWORD_RESET"
        done = post(client, reset["_links"]["next"], body["stateToken"], newPassword="Unlocked-Again-2027").json()
        assert done["status"] == "SUCCESS" and done["sessionToken"]
        assert user_row(client, login)["status"] == "ACTIVE"


def test_unlock_for_an_unknown_user_looks_the_same() -> None:
    with app_client() as client:
        login, _ = locked_user(client)
        known = client.post("/api/v1/authn/recovery/unlock", json={"username": login, "factorType": "SMS"}).json()
        client.delete("/_mock/messages")
        unknown = client.post(
            "/api/v1/authn/recovery/unlock", json={"username": "ghost@example.com", "factorType": "SMS"}
        ).json()
        assert {k: v for k, v in unknown.items() if k != "stateToken"} == {
            k: v for k, v in known.items() if k != "stateToken"
        }
        assert messages(client) == []
