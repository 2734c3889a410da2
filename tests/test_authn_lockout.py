"""Lockout after failed passwords (three ways to show it), auto-unlock, and the factor lockout."""

from __future__ import annotations

from tests.authn_support import (
    BASE,
    PASSWORD,
    QUESTION,
    advance,
    app_client,
    factor_link,
    make_user,
    sign_in,
    user_row,
)

WRONG = "Wrong-Password-1"


def _fail(client, login: str, times: int) -> list:
    return [sign_in(client, login, WRONG) for _ in range(times)]


def test_locked_out_state_after_threshold_by_default() -> None:
    with app_client(lockout_threshold=3) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        first, second, third = _fail(client, login, 3)
        assert first.status_code == second.status_code == 401
        assert user_row(client, login)["status"] == "LOCKED_OUT"
        assert third.status_code == 200
        body = third.json()
        assert body["status"] == "LOCKED_OUT" and "stateToken" not in body
        assert body["_links"]["next"] == {
            "name": "unlock",
            "href": f"{BASE}/api/v1/authn/recovery/unlock",
            "hints": {"allow": ["POST"]},
        }
        # the right password does not help while locked
        again = sign_in(client, login, PASSWORD)
        assert again.status_code == 200 and again.json()["status"] == "LOCKED_OUT"


def test_counter_persists_although_requests_fail_and_success_resets_it() -> None:
    with app_client(lockout_threshold=3) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        _fail(client, login, 2)
        assert user_row(client, login)["failed_password_attempts"] == 2
        tx = sign_in(client, login).json()
        assert tx["status"] == "MFA_REQUIRED"
        assert user_row(client, login)["failed_password_attempts"] == 0
        _fail(client, login, 2)
        assert user_row(client, login)["status"] == "ACTIVE"


def test_lockout_hidden_as_e0000004() -> None:
    with app_client(lockout_threshold=2, lockout_response="E0000004") as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        responses = _fail(client, login, 2) + [sign_in(client, login, PASSWORD)]
        for response in responses:
            assert response.status_code == 401 and response.json()["errorCode"] == "E0000004"
        assert user_row(client, login)["status"] == "LOCKED_OUT"


def test_lockout_as_e0000069() -> None:
    with app_client(lockout_threshold=2, lockout_response="E0000069") as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        first, second = _fail(client, login, 2)
        assert first.json()["errorCode"] == "E0000004"
        assert second.status_code == 403 and second.json()["errorCode"] == "E0000069"
        locked = sign_in(client, login, PASSWORD)
        assert locked.status_code == 403
        assert locked.json()["errorSummary"] == "User Locked"


def test_auto_unlock_after_the_configured_minutes() -> None:
    with app_client(lockout_threshold=2, lockout_auto_unlock_minutes=15) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        _fail(client, login, 2)
        advance(client, 14 * 60)
        assert sign_in(client, login).json()["status"] == "LOCKED_OUT"
        advance(client, 60)
        tx = sign_in(client, login).json()
        assert tx["status"] == "MFA_REQUIRED"
        row = user_row(client, login)
        assert row["status"] == "ACTIVE" and row["failed_password_attempts"] == 0


def test_no_auto_unlock_by_default() -> None:
    with app_client(lockout_threshold=1) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        _fail(client, login, 1)
        advance(client, 30 * 86400)
        assert sign_in(client, login).json()["status"] == "LOCKED_OUT"


def test_failed_factor_answers_lock_with_e0000069() -> None:
    with app_client(factor_lockout_threshold=3) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        tx = sign_in(client, login).json()
        verify = factor_link(tx, "question")["_links"]["verify"]["href"]
        for attempt in range(2):
            wrong = client.post(verify, json={"stateToken": tx["stateToken"], "answer": "broccoli"})
            assert wrong.status_code == 403
            assert wrong.json()["errorCode"] == "E0000068"
            assert user_row(client, login)["failed_factor_attempts"] == attempt + 1
        locked = client.post(verify, json={"stateToken": tx["stateToken"], "answer": "broccoli"})
        assert locked.status_code == 403
        assert locked.json()["errorCode"] == "E0000069" and locked.json()["errorCauses"] == []
        assert user_row(client, login)["status"] == "LOCKED_OUT"
        assert sign_in(client, login).json()["status"] == "LOCKED_OUT"


def test_a_verified_factor_resets_the_factor_counter() -> None:
    with app_client(factor_lockout_threshold=3) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        tx = sign_in(client, login).json()
        verify = factor_link(tx, "question")["_links"]["verify"]["href"]
        client.post(verify, json={"stateToken": tx["stateToken"], "answer": "broccoli"})
        client.post(verify, json={"stateToken": tx["stateToken"], "answer": "broccoli"})
        ok = client.post(verify, json={"stateToken": tx["stateToken"], "answer": "brussels sprouts"})
        assert ok.json()["status"] == "SUCCESS"
        assert user_row(client, login)["failed_factor_attempts"] == 0
