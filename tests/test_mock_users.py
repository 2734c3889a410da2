"""`POST /_mock/users` (one-call ready users with factors), its errors, and the seed file's users."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.settings import Settings
from tests.authn_support import (
    BASE,
    PASSWORD,
    QUESTION,
    SECRET,
    app_client,
    factor_link,
    mock_now,
    sign_in,
    stable_state,
    totp,
)

TOTP = "token:software:totp"


def _post(client: TestClient, **body) -> object:
    body.setdefault("password", PASSWORD)
    return client.post("/_mock/users", json=body)


def test_creates_an_active_user_with_factors_and_tells_their_secrets() -> None:
    with app_client() as client:
        response = _post(
            client,
            login="Ready.User@example.com",
            firstName="Ready",
            lastName="User",
            entitlements=["trace", "ORF"],
            factors=[
                QUESTION,
                {"factorType": TOTP, "provider": "GOOGLE", "sharedSecret": SECRET.lower()},
                {"factorType": TOTP, "provider": "OKTA"},
            ],
        )
        assert response.status_code == 201
        body = response.json()
        user = body["user"]
        assert user["id"].startswith("00u") and user["login"] == "Ready.User@example.com"
        assert user["status"] == "ACTIVE"
        assert user["profile"]["entitlements"] == ["TRACE", "ORF"]
        assert (
            user["profile"]["firstName"] == "Ready" and user["profile"]["email"] == "Ready.User@example.com"
        )
        question, google, okta = body["factors"]
        assert question["id"].startswith("ufs") and question["factorType"] == "question"
        assert question["profile"]["question"] == "disliked_food" and "answer" not in question
        assert google["id"].startswith("uft") and google["sharedSecret"] == SECRET
        issuer = quote("NASDAQ MFA NTF")
        assert google["otpauthUri"] == (
            f"otpauth://totp/{issuer}:Ready.User%40example.com?secret={SECRET}&issuer={issuer}"
        )
        assert okta["id"].startswith("ost") and okta["provider"] == "OKTA"
        generated = okta["sharedSecret"]
        assert len(generated) == 32
        assert "activationToken" not in body and "activationUrl" not in body

        tx = sign_in(client, "ready.user@example.com").json()
        assert tx["status"] == "MFA_REQUIRED" and len(tx["_embedded"]["factors"]) == 3
        verify = factor_link(tx, TOTP, "OKTA")["_links"]["verify"]["href"]
        done = client.post(
            verify, json={"stateToken": tx["stateToken"], "passCode": totp(generated, mock_now(client))}
        )
        assert done.json()["status"] == "SUCCESS"


def test_provisioned_user_gets_an_absolute_activation_link() -> None:
    with app_client() as client:
        body = client.post(
            "/_mock/users",
            json={"login": "invitee@example.com", "status": "PROVISIONED", "entitlements": ["ADF"]},
        ).json()
        assert body["user"]["status"] == "PROVISIONED"
        token = body["activationToken"]
        assert token and body["activationUrl"] == f"{BASE}/welcome/{token}"


@pytest.mark.parametrize(
    "body, named",
    [
        ({"login": "solo.user@example.com"}, "login"),
        ({"login": "not-an-email"}, "login"),
        ({"login": "a@example.com", "entitlements": ["NYSE"]}, "entitlements"),
        ({"login": "a@example.com", "password": "weak"}, "password"),
        ({"login": "a@example.com", "password": None}, "password"),
        ({"login": "a@example.com", "status": "LOCKED_OUT"}, "status"),
        ({"login": "a@example.com", "surprise": 1}, "surprise"),
        ({"password": PASSWORD}, "login"),
        (
            {
                "login": "a@example.com",
                "factors": [{"factorType": "question", "question": "nope", "answer": "long enough"}],
            },
            "question",
        ),
        (
            {
                "login": "a@example.com",
                "factors": [{"factorType": "question", "question": "first_award", "answer": "abc"}],
            },
            "answer",
        ),
        (
            {"login": "a@example.com", "factors": [{"factorType": TOTP, "sharedSecret": "not base32!"}]},
            "sharedSecret",
        ),
        (
            {"login": "a@example.com", "factors": [{"factorType": TOTP, "sharedSecret": "JBSWY3DPEHPK3PXP"}]},
            "sharedSecret",
        ),
        ({"login": "a@example.com", "factors": [{"factorType": TOTP, "provider": "AUTHY"}]}, "provider"),
        (
            {
                "login": "a@example.com",
                "factors": [{"factorType": TOTP}, {"factorType": TOTP, "provider": "GOOGLE"}],
            },
            "factors",
        ),
        ({"login": "a@example.com", "factors": [{"provider": "OKTA"}]}, "factorType"),
    ],
)
def test_bad_specs_are_400_naming_the_field_and_create_nothing(body: dict, named: str) -> None:
    with app_client() as client:
        before = stable_state(client)
        body = {"password": PASSWORD, **body}
        if body.get("password") is None:
            body.pop("password")
        response = client.post("/_mock/users", json=body)
        assert response.status_code == 400, response.text
        error = response.json()
        assert error["error"] == "E0000001" and named in error["message"]
        assert stable_state(client) == before


def test_malformed_json_and_non_object_bodies_are_400_json() -> None:
    with app_client() as client:
        bad = client.post("/_mock/users", content=b"{login", headers={"content-type": "application/json"})
        assert bad.status_code == 400 and bad.json()["error"] == "invalid_request"
        listed = client.post("/_mock/users", json=["a@example.com"])
        assert listed.status_code == 400 and "message" in listed.json()


def test_admin_token_guards_mock_users() -> None:
    with app_client(admin_token="s3cret") as client:
        body = {"login": "guarded@example.com", "password": PASSWORD}
        assert client.post("/_mock/users", json=body).status_code == 401
        assert client.get("/_mock/users/solo.user@example.com/totp").status_code == 401
        allowed = client.post("/_mock/users", json=body, headers={"Authorization": "SSWS s3cret"})
        assert allowed.status_code == 201


def test_the_seed_file_loads_with_its_factors() -> None:
    with TestClient(create_app(Settings.for_tests(clock_frozen=True)), base_url=BASE) as client:
        logins = {u["login"]: u for u in client.get("/_mock/state").json()["users"]}
        assert {
            "trace.analyst@example.com",
            "orf.trader@example.com",
            "invited.user@example.com",
        } <= logins.keys()
        assert logins["invited.user@example.com"]["status"] == "PROVISIONED"
        assert logins["new.enrollee@example.com"]["status"] == "ACTIVE"
        code = client.get("/_mock/users/trace.analyst@example.com/totp", params={"provider": "GOOGLE"}).json()
        assert code["code"] == totp("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", mock_now(client))
        tx = sign_in(client, "trace.analyst@example.com", "Ntf-Demo-2026").json()
        verify = factor_link(tx, TOTP, "GOOGLE")["_links"]["verify"]["href"]
        assert (
            client.post(verify, json={"stateToken": tx["stateToken"], "passCode": code["code"]}).json()[
                "status"
            ]
            == "SUCCESS"
        )
        tx = sign_in(client, "orf.trader@example.com", "Ntf-Demo-2026").json()
        assert factor_link(tx, "question")["profile"]["question"] == "first_computer_game"
        verify = factor_link(tx, "question")["_links"]["verify"]["href"]
        assert (
            client.post(verify, json={"stateToken": tx["stateToken"], "answer": "Tetris"}).json()["status"]
            == "SUCCESS"
        )
        assert sign_in(client, "new.enrollee@example.com", "Ntf-Demo-2026").json()["status"] == "MFA_ENROLL"
