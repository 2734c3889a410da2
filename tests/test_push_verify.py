"""Okta Verify push at sign-in: WAITING, then each outcome (approve, deny, timeout), number challenge, policies."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.authn_support import (
    advance,
    app_client,
    factor_link,
    make_user,
    sign_in,
    state,
)
from tests.phone_support import error_of, hal, messages, post, push, verify


def start_push(client: TestClient, policy: str | None = None) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A user with Okta Verify signs in and verifies push: (login, MFA_REQUIRED transaction, WAITING answer)."""
    login = make_user(client, [push(policy)])["user"]["login"]
    tx = sign_in(client, login).json()
    response = verify(client, tx, "push")
    assert response.status_code == 200, response.text
    return login, tx, response.json()


def pending(client: TestClient, login: str) -> list[dict[str, Any]]:
    response = client.get("/_mock/push", params={"login": login})
    assert response.status_code == 200, response.text
    return response.json()


def poll(client: TestClient, tx: dict[str, Any], waiting: dict[str, Any]) -> dict[str, Any]:
    response = post(client, waiting["_links"]["next"], tx["stateToken"])
    assert response.status_code == 200, response.text
    return response.json()


def test_push_waits_then_the_approval_signs_in() -> None:
    with app_client() as client:
        login, tx, waiting = start_push(client)
        fid = factor_link(tx, "push")["id"]
        assert tx["_embedded"]["policy"]["factorsPolicyInfo"] == {fid: {"autoPushEnabled": False}}
        assert waiting["status"] == "MFA_CHALLENGE" and waiting["factorResult"] == "WAITING"
        verify_path = f"/api/v1/authn/factors/{fid}/verify"
        assert waiting["_links"]["next"] == hal(verify_path, "poll")
        assert waiting["_links"]["resend"] == [hal(f"{verify_path}/resend", "push")]
        assert "_embedded" not in waiting["_embedded"]["factor"]

        [sent] = pending(client, login)
        assert sent["status"] == "PENDING" and sent["factorId"] == fid and sent["city"] == "Localhost"
        assert sent["clientIp"] and sent["userAgent"] and sent["numberChallenge"] is False
        assert sent["expiresAt"] == "2026-03-02T14:35:05.000Z"
        [message] = messages(client, channel="push")
        assert message["to"] == login and message["meta"]["pushId"] == sent["id"]
        assert "Did you just try to sign in" in message["body"] and message["code"] is None

        assert poll(client, tx, waiting)["factorResult"] == "WAITING"
        approved = client.post(f"/_mock/push/{sent['id']}/approve")
        assert approved.status_code == 200 and approved.json()["status"] == "APPROVED"
        done = poll(client, tx, waiting)
        assert done["status"] == "SUCCESS" and done["sessionToken"]
        assert {"pwd", "swk", "mfa"} <= set(state(client)["sessionTokens"][0]["amr"])
        assert pending(client, login) == []
        assert client.get("/_mock/push", params={"login": login, "status": "ALL"}).json()[0]["status"] == "APPROVED"


def test_a_denied_push_is_rejected_and_verify_sends_a_new_one() -> None:
    with app_client() as client:
        login, tx, waiting = start_push(client)
        [sent] = pending(client, login)
        assert client.post(f"/_mock/push/{sent['id']}/deny").json()["status"] == "REJECTED"
        rejected = poll(client, tx, waiting)
        assert rejected["status"] == "MFA_CHALLENGE" and rejected["factorResult"] == "REJECTED"
        assert rejected["_links"]["next"]["name"] == "verify"
        assert rejected["_links"]["next"]["href"] == waiting["_links"]["next"]["href"]
        again = poll(client, tx, rejected)
        assert again["factorResult"] == "WAITING" and again["_links"]["next"]["name"] == "poll"
        [second] = pending(client, login)
        assert second["id"] != sent["id"]
        client.post(f"/_mock/push/{second['id']}/approve")
        assert poll(client, tx, again)["status"] == "SUCCESS"


def test_a_push_times_out_on_the_mock_clock() -> None:
    with app_client(push_timeout_seconds=60) as client:
        login, tx, waiting = start_push(client)
        [sent] = pending(client, login)
        advance(client, 59)
        assert poll(client, tx, waiting)["factorResult"] == "WAITING"
        advance(client, 2)
        timed_out = poll(client, tx, waiting)
        assert timed_out["status"] == "MFA_CHALLENGE" and timed_out["factorResult"] == "TIMEOUT"
        assert timed_out["_links"]["next"]["name"] == "verify"
        assert pending(client, login) == []
        late = client.post(f"/_mock/push/{sent['id']}/approve")
        assert late.status_code == 409 and late.json()["error"] == "conflict" and "TIMEOUT" in late.json()["message"]


@pytest.mark.parametrize(
    "policy, result",
    [("approve", "SUCCESS"), ("deny", "REJECTED"), ("timeout", "TIMEOUT"), ("manual", "WAITING")],
)
def test_push_policies_decide_when_the_push_is_sent(policy: str, result: str) -> None:
    with app_client() as client:
        created = make_user(client, [push(policy)])
        assert created["factors"][0]["pushPolicy"] == policy
        login = created["user"]["login"]
        tx = sign_in(client, login).json()
        waiting = verify(client, tx, "push").json()
        assert waiting["factorResult"] == "WAITING"
        answer = poll(client, tx, waiting)
        assert (answer["status"] if result == "SUCCESS" else answer["factorResult"]) == result
        stored = client.get("/_mock/push", params={"login": login, "status": "all"}).json()[0]
        assert stored["policy"] == policy


def test_number_challenge_needs_the_right_number() -> None:
    with app_client(push_number_challenge=True) as client:
        login, tx, waiting = start_push(client)
        [sent] = pending(client, login)
        correct = sent["correctAnswer"]
        assert 10 <= correct <= 99 and correct in sent["choices"] and len(sent["choices"]) == 3
        assert waiting["_embedded"]["factor"]["_embedded"] == {"challenge": {"correctAnswer": correct}}
        assert messages(client, channel="push")[0]["code"] == str(correct)
        # still shown while waiting
        assert poll(client, tx, waiting)["_embedded"]["factor"]["_embedded"]["challenge"]["correctAnswer"] == correct
        missing = client.post(f"/_mock/push/{sent['id']}/approve")
        assert missing.status_code == 400 and "answer" in missing.json()["message"]
        wrong = next(n for n in range(10, 100) if n != correct)
        refused = client.post(f"/_mock/push/{sent['id']}/approve", json={"answer": wrong})
        assert refused.status_code == 400 and "still pending" in refused.json()["message"]
        assert pending(client, login)[0]["status"] == "PENDING"
        assert poll(client, tx, waiting)["factorResult"] == "WAITING"
        right = client.post(f"/_mock/push/{sent['id']}/approve", json={"answer": str(correct)})
        assert right.status_code == 200
        done = poll(client, tx, waiting)
        assert done["status"] == "SUCCESS"


def test_a_wrong_number_can_reject_the_push() -> None:
    with app_client(push_number_challenge=True, push_wrong_answer_rejects=True) as client:
        login, tx, waiting = start_push(client)
        [sent] = pending(client, login)
        wrong = next(n for n in range(10, 100) if n != sent["correctAnswer"])
        refused = client.post(f"/_mock/push/{sent['id']}/approve", json={"answer": wrong})
        assert refused.status_code == 400 and "rejected" in refused.json()["message"]
        rejected = poll(client, tx, waiting)
        assert rejected["factorResult"] == "REJECTED" and "_embedded" not in rejected["_embedded"]["factor"]


def test_resend_replaces_the_push_and_previous_cancels_it() -> None:
    with app_client() as client:
        login, tx, waiting = start_push(client)
        [first] = pending(client, login)
        resent = post(client, waiting["_links"]["resend"][0], tx["stateToken"]).json()
        assert resent["factorResult"] == "WAITING"
        [second] = pending(client, login)
        assert second["id"] != first["id"]
        assert client.get(f"/_mock/push/{first['id']}").json()["status"] == "CANCELLED"
        back = post(client, waiting["_links"]["prev"], tx["stateToken"]).json()
        assert back["status"] == "MFA_REQUIRED"
        assert pending(client, login) == []
        assert client.post(f"/_mock/push/{second['id']}/approve").status_code == 409


def test_an_okta_verify_user_can_also_use_the_code() -> None:
    with app_client() as client:
        created = make_user(client, [push()])
        login = created["user"]["login"]
        code = client.get(f"/_mock/users/{login}/totp", params={"provider": "OKTA"}).json()
        assert code["factorId"] == created["factors"][0]["totpFactorId"]
        tx = sign_in(client, login).json()
        assert {f["factorType"] for f in tx["_embedded"]["factors"]} == {"push", "token:software:totp"}
        totp = factor_link(tx, "token:software:totp", "OKTA")
        done = client.post(totp["_links"]["verify"]["href"], json={"stateToken": tx["stateToken"], "passCode": code["code"]})
        assert done.json()["status"] == "SUCCESS"


def test_switching_to_another_factor_cancels_the_push() -> None:
    with app_client() as client:
        created = make_user(client, [push()])
        login = created["user"]["login"]
        tx = sign_in(client, login).json()
        verify(client, tx, "push")
        assert len(pending(client, login)) == 1
        totp = factor_link(tx, "token:software:totp", "OKTA")
        client.post(totp["_links"]["verify"]["href"], json={"stateToken": tx["stateToken"]})
        assert pending(client, login) == []


def test_polling_after_success_is_a_stale_token() -> None:
    with app_client(push_number_challenge=False) as client:
        login, tx, waiting = start_push(client, "approve")
        assert poll(client, tx, waiting)["status"] == "SUCCESS"
        error_of(post(client, waiting["_links"]["next"], tx["stateToken"]), 401, "E0000011")
