"""Primary authentication, resuming, cancelling, stateToken expiry and request validation (HTTP only)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mockfinra.clock import parse_instant
from mockfinra.store.users import find_user_by_login
from tests.authn_support import (
    BASE,
    PASSWORD,
    QUESTION,
    advance,
    app_client,
    factor_link,
    make_user,
    sign_in,
    stable_state,
    state,
    unique_login,
)


def test_password_then_question_gives_success_with_a_session_token() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        first = sign_in(client, login)
        assert first.status_code == 200
        tx = first.json()
        assert tx["status"] == "MFA_REQUIRED"
        assert tx["stateToken"] and parse_instant(tx["expiresAt"])
        assert tx["_embedded"]["user"]["profile"]["login"] == login
        assert isinstance(tx["_embedded"]["factors"], list) and "factor" not in tx["_embedded"]
        assert tx["_links"]["cancel"] == {"href": f"{BASE}/api/v1/authn/cancel", "hints": {"allow": ["POST"]}}
        question = factor_link(tx, "question")
        assert question["id"].startswith("ufs") and question["vendorName"] == "OKTA"
        assert question["profile"] == {
            "question": "disliked_food",
            "questionText": "What is the food you least liked as a child?",
        }
        verify = question["_links"]["verify"]
        assert verify["href"] == f"{BASE}/api/v1/authn/factors/{question['id']}/verify"
        assert verify["hints"] == {"allow": ["POST"]}

        done = client.post(
            verify["href"], json={"stateToken": tx["stateToken"], "answer": "brussels sprouts"}
        )
        assert done.status_code == 200
        success = done.json()
        assert success["status"] == "SUCCESS"
        assert "stateToken" not in success and "_links" not in success
        assert success["sessionToken"] and success["_embedded"]["user"]["profile"]["login"] == login

        rows = state(client)["sessionTokens"]
        assert len(rows) == 1 and rows[0]["used_at"] is None
        lifetime = parse_instant(rows[0]["expires_at"]) - parse_instant(rows[0]["created_at"])
        assert lifetime == timedelta(minutes=5)
        assert set(rows[0]["amr"]) >= {"pwd", "kba", "mfa"}
        assert state(client)["transactions"] == []


def test_all_hrefs_follow_the_request_host() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        tx = client.post(
            "http://localhost:9999/api/v1/authn", json={"username": login, "password": PASSWORD}
        ).json()
        assert factor_link(tx, "question")["_links"]["verify"]["href"].startswith(
            "http://localhost:9999/api/v1/"
        )
        assert tx["_links"]["cancel"]["href"] == "http://localhost:9999/api/v1/authn/cancel"


def test_login_is_case_insensitive_and_relay_state_is_echoed() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        tx = sign_in(client, login.upper(), relayState="/traqs/home").json()
        assert tx["relayState"] == "/traqs/home"
        resumed = client.post("/api/v1/authn", json={"stateToken": tx["stateToken"]}).json()
        assert resumed["relayState"] == "/traqs/home" and resumed["status"] == "MFA_REQUIRED"
        verify = factor_link(tx, "question")["_links"]["verify"]["href"]
        success = client.post(
            verify, json={"stateToken": tx["stateToken"], "answer": "BRUSSELS SPROUTS"}
        ).json()
        assert success["status"] == "SUCCESS" and success["relayState"] == "/traqs/home"


def test_unknown_user_and_wrong_password_are_identical_apart_from_error_id() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        wrong = sign_in(client, login, "Wrong-Password-1")
        unknown = sign_in(client, "nobody@example.com", "Wrong-Password-1")
        assert wrong.status_code == unknown.status_code == 401
        a, b = wrong.json(), unknown.json()
        assert a["errorCode"] == "E0000004" and a["errorSummary"] == "Authentication failed"
        assert a["errorId"] != b["errorId"]
        a.pop("errorId"), b.pop("errorId")
        assert a == b and a["errorCauses"] == []
        assert wrong.headers["content-type"] == unknown.headers["content-type"]


def test_invited_users_cannot_sign_in_with_a_password() -> None:
    with app_client() as client:
        login = make_user(client, [], status="PROVISIONED", password=None)["user"]["login"]
        response = sign_in(client, login, "")
        assert response.status_code == 401 and response.json()["errorCode"] == "E0000004"


def test_staged_suspended_and_deprovisioned_users_get_e0000004() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        ctx = client.app.state.ctx  # type: ignore[attr-defined]  # set the status directly in the store
        for status in ("STAGED", "DEPROVISIONED", "SUSPENDED"):
            with ctx.store.transaction() as db:
                find_user_by_login(db, login).status = status
            response = sign_in(client, login)
            assert response.status_code == 401 and response.json()["errorCode"] == "E0000004", status


def test_malformed_json_is_e0000003() -> None:
    with app_client() as client:
        response = client.post(
            "/api/v1/authn", content=b'{"username": ', headers={"content-type": "application/json"}
        )
        assert response.status_code == 400 and response.json()["errorCode"] == "E0000003"


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/api/v1/authn", {"username": "someone@example.com"}, "password"),
        ("/api/v1/authn", {"password": "x"}, "username"),
        ("/api/v1/authn/previous", {}, "stateToken"),
        ("/api/v1/authn/factors", {"stateToken": "abc"}, "factorType"),
        (
            "/api/v1/authn/credentials/change_password",
            {"stateToken": "abc", "oldPassword": "x"},
            "newPassword",
        ),
    ],
)
def test_missing_fields_are_e0000001_naming_the_field(path: str, body: dict, field: str) -> None:
    with app_client() as client:
        response = client.post(path, json=body)
        assert response.status_code == 400
        error = response.json()
        assert error["errorCode"] == "E0000001"
        assert field in error["errorSummary"]
        assert any(cause["errorSummary"].startswith(f"{field}:") for cause in error["errorCauses"])


def test_wrong_types_are_a_clear_400_not_a_500() -> None:
    with app_client() as client:
        response = client.post("/api/v1/authn", json={"username": ["a"], "password": {"b": 1}})
        assert response.status_code == 400 and response.json()["errorCode"] == "E0000001"
        response = client.post("/api/v1/authn", json=[1, 2])
        assert response.status_code == 400


def test_state_token_expires_on_the_mock_clock_and_slides() -> None:
    with app_client(state_token_ttl_seconds=300) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        tx = sign_in(client, login).json()
        token = tx["stateToken"]
        advance(client, 240)
        resumed = client.post("/api/v1/authn", json={"stateToken": token})
        assert resumed.status_code == 200
        assert parse_instant(resumed.json()["expiresAt"]) - parse_instant(tx["expiresAt"]) == timedelta(
            seconds=240
        )
        advance(client, 240)  # 480 s after sign-in, 240 s after the last use: still alive
        assert client.post("/api/v1/authn", json={"stateToken": token}).status_code == 200
        advance(client, 301)
        expired = client.post("/api/v1/authn", json={"stateToken": token})
        assert expired.status_code == 401 and expired.json()["errorCode"] == "E0000011"
        verify = factor_link(tx, "question")["_links"]["verify"]["href"]
        late = client.post(verify, json={"stateToken": token, "answer": "brussels sprouts"})
        assert late.status_code == 401 and late.json()["errorCode"] == "E0000011"


def test_unknown_state_token_is_e0000011() -> None:
    with app_client() as client:
        for path in ("/api/v1/authn", "/api/v1/authn/cancel", "/api/v1/authn/previous", "/api/v1/authn/skip"):
            response = client.post(path, json={"stateToken": "00nonsense"})
            assert response.status_code == 401 and response.json()["errorCode"] == "E0000011", path


def test_cancel_ends_the_transaction() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        tx = sign_in(client, login, relayState="rs-1").json()
        cancelled = client.post(tx["_links"]["cancel"]["href"], json={"stateToken": tx["stateToken"]})
        assert cancelled.status_code == 200 and cancelled.json() == {"relayState": "rs-1"}
        again = client.post("/api/v1/authn", json={"stateToken": tx["stateToken"]})
        assert again.status_code == 401 and again.json()["errorCode"] == "E0000011"
        assert state(client)["transactions"] == []


def test_success_state_token_cannot_be_reused() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        tx = sign_in(client, login).json()
        verify = factor_link(tx, "question")["_links"]["verify"]["href"]
        assert (
            client.post(
                verify, json={"stateToken": tx["stateToken"], "answer": "brussels sprouts"}
            ).status_code
            == 200
        )
        again = client.post(verify, json={"stateToken": tx["stateToken"], "answer": "brussels sprouts"})
        assert again.status_code == 401 and again.json()["errorCode"] == "E0000011"


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/authn/previous", {}),
        ("/api/v1/authn/skip", {}),
        ("/api/v1/authn/factors", {"factorType": "question", "provider": "OKTA"}),
        (
            "/api/v1/authn/credentials/change_password",
            {"oldPassword": PASSWORD, "newPassword": "Other-Pass-99"},
        ),
        ("/api/v1/authn/credentials/reset_password", {"newPassword": "Other-Pass-99"}),
        ("/api/v1/authn/factors/{fid}/lifecycle/activate", {"passCode": "123456"}),
        ("/api/v1/authn/factors/{fid}/verify/resend", {}),
        ("/api/v1/authn/factors/{fid}/lifecycle/activate/poll", {}),
    ],
)
def test_actions_not_valid_in_mfa_required_are_e0000079_and_change_nothing(path: str, body: dict) -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        tx = sign_in(client, login).json()
        fid = factor_link(tx, "question")["id"]
        before = stable_state(client)
        response = client.post(path.format(fid=fid), json={"stateToken": tx["stateToken"], **body})
        assert response.status_code == 403
        error = response.json()
        assert error["errorCode"] == "E0000079"
        assert error["errorSummary"] == "This operation is not allowed in the current authentication state."
        assert error["errorCauses"] == [{"errorSummary": error["errorSummary"]}]
        assert stable_state(client) == before


def test_unknown_factor_is_e0000007() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        other = make_user(client, [QUESTION])
        tx = sign_in(client, login).json()
        for fid in ("ufsDoesNotExist000000", other["factors"][0]["id"]):
            response = client.post(
                f"/api/v1/authn/factors/{fid}/verify", json={"stateToken": tx["stateToken"], "answer": "x"}
            )
            assert response.status_code == 404
            assert response.json()["errorCode"] == "E0000007"
            assert fid in response.json()["errorSummary"]


def test_unknown_user_login_is_not_created_by_sign_in() -> None:
    """Nothing but the attempt's sign-in event (the System Log's unknown actor) is stored."""
    with app_client() as client:
        before = stable_state(client)
        ghost = unique_login("ghost")
        sign_in(client, ghost)
        after = stable_state(client)
        [event] = after.pop("signInEvents")
        before.pop("signInEvents")
        assert after == before
        assert (event["login"], event["user_id"], event["result"]) == (ghost, None, "FAILURE")
