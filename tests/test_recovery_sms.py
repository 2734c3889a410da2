"""Forgotten password by SMS and voice call: RECOVERY_CHALLENGE → code → RECOVERY (question) → reset, and no
user enumeration."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.authn_support import advance, app_client, make_user, sign_in, stable_state
from tests.phone_support import (
    E164,
    WRONG_CODE,
    call,
    error_of,
    hal,
    latest,
    messages,
    post,
    sms,
)

QUESTION = "Which desk did you first work on?"
ANSWER = "Corporate Bonds"
NEW_PASSWORD = "Fresh-Start-2027"


def recoverable(client: TestClient, factors: list[dict[str, Any]] | None = None, **fields: Any) -> str:
    values = {"recoveryQuestion": QUESTION, "recoveryAnswer": ANSWER}
    values.update(fields)
    return make_user(client, [sms()] if factors is None else factors, **values)["user"]["login"]


def forgot(client: TestClient, username: str, factor_type: str = "SMS", **extra: Any) -> Any:
    return client.post(
        "/api/v1/authn/recovery/password", json={"username": username, "factorType": factor_type, **extra}
    )


def without_ids(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("stateToken", "errorId")}


def test_forgotten_password_by_sms() -> None:
    with app_client() as client:
        login = recoverable(client)
        started = forgot(client, login, relayState="/traqs/")
        assert started.status_code == 200, started.text
        body = started.json()
        assert without_ids(body) == {
            "expiresAt": "2026-03-02T14:35:05.000Z",
            "status": "RECOVERY_CHALLENGE",
            "recoveryType": "PASSWORD",
            "factorType": "SMS",
            "relayState": "/traqs/",
            "_embedded": {},
            "_links": {
                "next": hal("/api/v1/authn/recovery/factors/SMS/verify", "verify"),
                "cancel": hal("/api/v1/authn/cancel"),
                "resend": hal("/api/v1/authn/recovery/factors/SMS/resend", "sms"),
            },
        }
        message = latest(client, channel="sms", to=E164)
        assert message["meta"]["purpose"] == "recovery-password"
        token = body["stateToken"]
        wrong = "000000" if message["code"] != "000000" else "111111"
        refused = error_of(post(client, body["_links"]["next"], token, passCode=wrong), 403, "E0000068")
        assert refused["errorCauses"] == [{"errorSummary": WRONG_CODE}]

        recovery = post(client, body["_links"]["next"], token, passCode=message["code"]).json()
        assert recovery["status"] == "RECOVERY" and recovery["recoveryType"] == "PASSWORD"
        assert recovery["_embedded"]["user"]["recovery_question"] == {"question": QUESTION}
        assert recovery["_embedded"]["user"]["profile"]["login"] == login
        assert recovery["_links"]["next"] == hal("/api/v1/authn/recovery/answer", "answer")

        wrong_answer = error_of(post(client, recovery["_links"]["next"], token, answer="municipal bonds"), 403, "E0000087")
        assert wrong_answer["errorSummary"] == "The recovery question answer did not match our records."
        reset = post(client, recovery["_links"]["next"], token, answer="corporate bonds").json()
        assert reset["status"] == "PASSWORD_RESET" and reset["recoveryType"] == "PASSWORD"
        assert reset["_links"]["next"] == hal("/api/v1/authn/credentials/reset_password", "resetPassword")
        error_of(post(client, reset["_links"]["next"], token, newPassword="short"), 403, "E0000014")
        done = post(client, reset["_links"]["next"], token, newPassword=NEW_PASSWORD).json()
        assert done["status"] == "SUCCESS" and done["sessionToken"] and done["relayState"] == "/traqs/"

        error_of(sign_in(client, login), 401, "E0000004")
        assert sign_in(client, login, NEW_PASSWORD).json()["status"] == "MFA_REQUIRED"


def test_forgotten_password_by_voice_call_with_throttle() -> None:
    with app_client() as client:
        login = recoverable(client, [call("+1 202-555-0102", "42")])
        body = forgot(client, login, "CALL").json()
        assert body["factorType"] == "CALL"
        assert body["_links"]["resend"] == hal("/api/v1/authn/recovery/factors/CALL/resend", "call")
        first = latest(client, channel="voice", to="+12025550102")
        assert first["meta"]["extension"] == "42"
        advance(client, 29)
        error_of(post(client, body["_links"]["resend"], body["stateToken"]), 429, "E0000133")
        advance(client, 2)
        assert post(client, body["_links"]["resend"], body["stateToken"]).status_code == 200
        second = latest(client, channel="voice")
        assert second["id"] != first["id"]
        recovery = post(client, body["_links"]["next"], body["stateToken"], passCode=second["code"]).json()
        assert recovery["status"] == "RECOVERY"
        # a CALL transaction is not verified through the SMS URL
        error_of(
            client.post("/api/v1/authn/recovery/factors/SMS/verify", json={"stateToken": body["stateToken"], "passCode": "1"}),
            403,
            "E0000079",
        )


def _flow(client: TestClient, username: str, factor_type: str = "SMS") -> dict[str, Any]:
    """What a caller sees for `username`: each answer with its ids removed."""
    seen: dict[str, Any] = {}
    started = forgot(client, username, factor_type, relayState="rs")
    seen["start"] = (started.status_code, without_ids(started.json()))
    token = started.json().get("stateToken")
    if token:
        sent = messages(client, limit=1)
        # a code that is certainly wrong (the known user's code plus one): the answer must not depend on it
        wrong = f"{(int(sent[0]['code']) + 1) % 1_000_000:06d}" if sent else "123457"
        resumed = client.post("/api/v1/authn", json={"stateToken": token})
        seen["resume"] = (resumed.status_code, without_ids(resumed.json()))
        verify = post(client, started.json()["_links"]["next"], token, passCode=wrong)
        seen["verify"] = (verify.status_code, without_ids(verify.json()))
        other = client.post("/api/v1/authn/previous", json={"stateToken": token})
        seen["previous"] = (other.status_code, without_ids(other.json()))
        resend = post(client, started.json()["_links"]["resend"], token)
        seen["resend"] = (resend.status_code, without_ids(resend.json()))
        cancel = client.post("/api/v1/authn/cancel", json={"stateToken": token})
        seen["cancel"] = (cancel.status_code, without_ids(cancel.json()))
    return seen


@pytest.mark.parametrize("factor_type", ["SMS", "CALL"])
def test_unknown_users_get_the_same_answers_and_nothing_is_sent(factor_type: str) -> None:
    with app_client() as client:
        login = recoverable(client, [sms(), call()])
        known = _flow(client, login, factor_type)
        sent = messages(client)
        assert len(sent) == 1
        client.delete("/_mock/messages")
        # an unknown login, a user without a phone, a suspended one: all look the same
        no_phone = recoverable(client, [])
        invited = make_user(client, [sms("+1 202-555-0150")], status="PROVISIONED", password=None)
        for username in ("nobody.here@example.com", no_phone, invited["user"]["login"]):
            other = _flow(client, username, factor_type)
            assert other == known, username
        assert messages(client) == []
        assert known["verify"][0] == 403 and known["resend"][0] == 429 and known["previous"][0] == 403


def test_the_profile_mobile_phone_is_used_without_a_phone_factor() -> None:
    with app_client() as client:
        login = recoverable(client, [], mobilePhone="+1 202-555-0177")
        body = forgot(client, login).json()
        code = latest(client, channel="sms", to="+12025550177")["code"]
        assert post(client, body["_links"]["next"], body["stateToken"], passCode=code).json()["status"] == "RECOVERY"
    with app_client(recovery_sms_mobile_phone=False) as client:
        login = recoverable(client, [], mobilePhone="+1 202-555-0177")
        forgot(client, login)
        assert messages(client) == []


def test_a_user_without_a_recovery_question_goes_straight_to_the_reset() -> None:
    with app_client() as client:
        login = make_user(client, [sms()])["user"]["login"]
        body = forgot(client, login).json()
        code = latest(client, channel="sms")["code"]
        reset = post(client, body["_links"]["next"], body["stateToken"], passCode=code).json()
        assert reset["status"] == "PASSWORD_RESET"
        done = post(client, reset["_links"]["next"], body["stateToken"], newPassword=NEW_PASSWORD).json()
        assert done["status"] == "SUCCESS"


def test_bad_recovery_requests_are_clear_errors() -> None:
    with app_client() as client:
        login = recoverable(client)
        before = stable_state(client)
        body = error_of(forgot(client, login, "FAX"), 400, "E0000001")
        assert body["errorSummary"] == "Api validation failed: factorType"
        missing = error_of(client.post("/api/v1/authn/recovery/password", json={"factorType": "SMS"}), 400, "E0000001")
        assert "username" in missing["errorSummary"]
        error_of(client.post("/api/v1/authn/recovery/password", content="{", headers={"content-type": "application/json"}), 400, "E0000003")
        error_of(client.post("/api/v1/authn/recovery/factors/EMAIL/verify", json={"stateToken": "x", "passCode": "1"}), 404, "E0000007")
        error_of(client.post("/api/v1/authn/recovery/factors/SMS/verify", json={"stateToken": "nope", "passCode": "1"}), 401, "E0000011")
        error_of(client.post("/api/v1/authn/recovery/answer", json={"stateToken": "nope", "answer": "x"}), 401, "E0000011")
        assert stable_state(client) == before
        # the answer step is only valid in RECOVERY
        started = forgot(client, login).json()
        error_of(client.post("/api/v1/authn/recovery/answer", json={"stateToken": started["stateToken"], "answer": ANSWER}), 403, "E0000079")
