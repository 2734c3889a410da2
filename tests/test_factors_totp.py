"""TOTP verification at mock time: skew, replay, wrong codes, MFA_CHALLENGE and `/_mock/users/{login}/totp`."""

from __future__ import annotations

import pytest

from tests.authn_support import (
    BASE,
    SECRET,
    advance,
    app_client,
    factor_link,
    google,
    make_user,
    mock_now,
    sign_in,
    stable_state,
    state,
    totp,
)

TOTP = "token:software:totp"
WRONG = [{"errorSummary": "Your passcode doesn't match our records. Please try again."}]


def _verify(client, login: str, code) -> object:
    tx = sign_in(client, login).json()
    assert tx["status"] == "MFA_REQUIRED"
    verify = factor_link(tx, TOTP, "GOOGLE")["_links"]["verify"]["href"]
    return client.post(verify, json={"stateToken": tx["stateToken"], "passCode": code})


@pytest.mark.parametrize("offset, accepted", [(0, True), (-1, True), (1, True), (-2, False), (2, False)])
def test_skew_of_one_step_is_accepted_two_are_not(offset: int, accepted: bool) -> None:
    with app_client() as client:
        login = make_user(client, [google()])["user"]["login"]
        response = _verify(client, login, totp(SECRET, mock_now(client), offset))
        if accepted:
            assert response.status_code == 200 and response.json()["status"] == "SUCCESS"
            assert set(state(client)["sessionTokens"][0]["amr"]) >= {"pwd", "otp", "mfa"}
        else:
            assert response.status_code == 403
            assert response.json()["errorCode"] == "E0000068" and response.json()["errorCauses"] == WRONG


def test_skew_setting_zero_refuses_the_neighbouring_steps() -> None:
    with app_client(totp_skew_steps=0) as client:
        login = make_user(client, [google()])["user"]["login"]
        assert _verify(client, login, totp(SECRET, mock_now(client), 1)).status_code == 403
        assert _verify(client, login, totp(SECRET, mock_now(client), 0)).json()["status"] == "SUCCESS"


def test_a_code_is_refused_once_used_in_its_step() -> None:
    with app_client() as client:
        login = make_user(client, [google()])["user"]["login"]
        now = mock_now(client)
        assert _verify(client, login, totp(SECRET, now)).json()["status"] == "SUCCESS"
        replay = _verify(client, login, totp(SECRET, now))
        assert replay.status_code == 403 and replay.json()["errorCode"] == "E0000068"
        assert "only be used once" in replay.json()["errorCauses"][0]["errorSummary"]
        older = _verify(client, login, totp(SECRET, now, -1))
        assert older.status_code == 403
        advance(client, 30)
        assert _verify(client, login, totp(SECRET, mock_now(client))).json()["status"] == "SUCCESS"


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 456"])
def test_malformed_codes_are_wrong_codes(code: str) -> None:
    with app_client() as client:
        login = make_user(client, [google()])["user"]["login"]
        response = _verify(client, login, code)
        assert response.status_code == 403 and response.json()["errorCauses"] == WRONG


def test_the_code_follows_the_mock_clock() -> None:
    with app_client() as client:
        login = make_user(client, [google()])["user"]["login"]
        code_now = totp(SECRET, mock_now(client))
        advance(client, 3600)
        response = _verify(client, login, code_now)
        assert response.status_code == 403
        assert _verify(client, login, totp(SECRET, mock_now(client))).json()["status"] == "SUCCESS"


def test_verify_without_a_code_shows_mfa_challenge_and_previous_goes_back() -> None:
    with app_client() as client:
        login = make_user(client, [google()])["user"]["login"]
        tx = sign_in(client, login).json()
        factor = factor_link(tx, TOTP, "GOOGLE")
        challenge = client.post(
            factor["_links"]["verify"]["href"], json={"stateToken": tx["stateToken"]}
        ).json()
        assert challenge["status"] == "MFA_CHALLENGE"
        assert challenge["_embedded"]["factor"]["id"] == factor["id"]
        assert "factors" not in challenge["_embedded"]
        assert challenge["_links"]["next"] == {
            "name": "verify",
            "href": f"{BASE}/api/v1/authn/factors/{factor['id']}/verify",
            "hints": {"allow": ["POST"]},
        }
        back = client.post(challenge["_links"]["prev"]["href"], json={"stateToken": tx["stateToken"]}).json()
        assert back["status"] == "MFA_REQUIRED" and len(back["_embedded"]["factors"]) == 1
        again = client.post(factor["_links"]["verify"]["href"], json={"stateToken": tx["stateToken"]}).json()
        done = client.post(
            again["_links"]["next"]["href"],
            json={"stateToken": tx["stateToken"], "passCode": totp(SECRET, mock_now(client))},
        )
        assert done.json()["status"] == "SUCCESS"


def test_previous_is_refused_in_mfa_required() -> None:
    with app_client() as client:
        login = make_user(client, [google()])["user"]["login"]
        tx = sign_in(client, login).json()
        before = stable_state(client)
        response = client.post("/api/v1/authn/previous", json={"stateToken": tx["stateToken"]})
        assert response.status_code == 403 and response.json()["errorCode"] == "E0000079"
        assert stable_state(client) == before


def test_mock_totp_endpoint_gives_the_code_at_mock_time() -> None:
    with app_client() as client:
        okta_secret = "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA"
        factors = [google(), {"factorType": TOTP, "provider": "OKTA", "sharedSecret": okta_secret}]
        login = make_user(client, factors)["user"]["login"]
        now = mock_now(client)
        google_code = client.get(f"/_mock/users/{login}/totp", params={"provider": "GOOGLE"}).json()
        assert google_code["code"] == totp(SECRET, now)
        assert google_code["secondsRemaining"] == 25  # T0 is 5 s into its step
        assert google_code["step"] == int(now.timestamp()) // 30
        okta_code = client.get(f"/_mock/users/{login.upper()}/totp", params={"provider": "OKTA"}).json()
        assert okta_code["code"] == totp(okta_secret, now)
        advance(client, 90)
        assert client.get(f"/_mock/users/{login}/totp").json()["code"] == totp(SECRET, mock_now(client))
        assert _verify(client, login, google_code["code"]).status_code == 403  # 3 steps ago: beyond the skew


def test_mock_totp_endpoint_errors_are_json() -> None:
    with app_client() as client:
        login = make_user(
            client, [{"factorType": "question", "question": "first_award", "answer": "chess club"}]
        )["user"]["login"]
        missing_user = client.get("/_mock/users/nobody@example.com/totp")
        assert missing_user.status_code == 404 and "nobody@example.com" in missing_user.json()["message"]
        no_factor = client.get(f"/_mock/users/{login}/totp", params={"provider": "GOOGLE"})
        assert no_factor.status_code == 404 and no_factor.json()["error"] == "not_found"
        bad = client.get(f"/_mock/users/{login}/totp", params={"provider": "AUTHY"})
        assert bad.status_code == 400 and "provider" in bad.json()["message"]


def test_totp_code_for_an_enrollment_in_progress() -> None:
    with app_client(enroll_question_required=False) as client:
        login = make_user(client, [])["user"]["login"]
        tx = sign_in(client, login).json()
        pending = client.post(
            f"{BASE}/api/v1/authn/factors",
            json={"stateToken": tx["stateToken"], "factorType": TOTP, "provider": "OKTA"},
        ).json()
        code = client.get(f"/_mock/users/{login}/totp", params={"provider": "OKTA"}).json()
        assert code["status"] == "PENDING_ACTIVATION"
        done = client.post(
            pending["_links"]["next"]["href"], json={"stateToken": tx["stateToken"], "passCode": code["code"]}
        )
        assert done.json()["status"] == "SUCCESS"
