"""`v1/token`: code + PKCE, single-use codes, refresh grant, expiry on the mock clock, client authentication."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from tests.oidc_support import (
    BASE,
    TOKEN,
    exchange_code,
    get_code,
    make_user,
    new_client,
    pkce,
    refresh,
    set_user_status,
    settings,
    state_rows,
    tokens,
)

USERINFO = "/oauth2/default/v1/userinfo"


@pytest.fixture
def client() -> Iterator[TestClient]:
    yield from new_client()


def _userinfo(client: TestClient, access_token: str):
    return client.get(USERINFO, headers={"Authorization": f"Bearer {access_token}"})


def test_code_exchange_with_pkce(client: TestClient) -> None:
    make_user(client)
    verifier, challenge = pkce()
    response = exchange_code(client, get_code(client, challenge), verifier)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == "openid profile email offline_access traqs.refdata"
    assert {"access_token", "id_token", "refresh_token"} <= set(body)


def test_no_refresh_token_without_offline_access(client: TestClient) -> None:
    make_user(client)
    body = tokens(client, scope="openid traqs.refdata")
    assert "refresh_token" not in body and "id_token" in body
    body = tokens(client, scope="traqs.refdata")
    assert "id_token" not in body and "refresh_token" not in body


@pytest.mark.parametrize(
    "verifier, error",
    [
        ("x" * 43, "invalid_grant"),  # well-formed, wrong
        ("short", "invalid_grant"),  # malformed
        ("", "invalid_request"),  # missing
    ],
)
def test_wrong_pkce_verifier_is_refused_and_the_code_survives(client: TestClient, verifier: str, error: str) -> None:
    make_user(client)
    good, challenge = pkce()
    code = get_code(client, challenge)
    response = exchange_code(client, code, verifier)
    assert response.status_code == 400
    assert response.json()["error"] == error and "PKCE" in response.json()["error_description"]
    assert state_rows(client, "accessTokens") == []
    assert exchange_code(client, code, good).status_code == 200


def test_code_is_single_use_and_a_replay_revokes_its_tokens(client: TestClient) -> None:
    make_user(client)
    verifier, challenge = pkce()
    code = get_code(client, challenge)
    first = exchange_code(client, code, verifier).json()
    again = exchange_code(client, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert _userinfo(client, first["access_token"]).status_code == 401
    assert refresh(client, first["refresh_token"]).json()["error"] == "invalid_grant"


def test_code_expires_on_the_mock_clock(client: TestClient) -> None:
    make_user(client)
    verifier, challenge = pkce()
    code = get_code(client, challenge)
    client.post("/_mock/clock", json={"advance": 61})
    response = exchange_code(client, code, verifier)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "change, status, error",
    [
        ({"redirect_uri": "http://127.0.0.1:1/other"}, 400, "invalid_grant"),
        ({"redirect_uri": ""}, 400, "invalid_grant"),
        ({"client_id": "traqs-portal"}, 401, "invalid_client"),
        ({"client_id": "nobody"}, 401, "invalid_client"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": ""}, 400, "invalid_request"),
        ({"code": ""}, 400, "invalid_request"),
        ({"code": "not-a-code"}, 400, "invalid_grant"),
    ],
)
def test_bad_token_requests(client: TestClient, change: dict, status: int, error: str) -> None:
    make_user(client)
    verifier, challenge = pkce()
    code = get_code(client, challenge)
    response = exchange_code(client, code, verifier, **change)
    assert response.status_code == status
    assert response.json()["error"] == error and response.json()["error_description"]
    assert state_rows(client, "authorizationCodes")[0]["used_at"] is None


def test_token_endpoint_wants_a_form(client: TestClient) -> None:
    response = client.post(TOKEN, json={"grant_type": "refresh_token"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    repeated = client.post(TOKEN, content="grant_type=a&grant_type=b", headers={"content-type": "application/x-www-form-urlencoded"})
    assert repeated.status_code == 400 and "repeated" in repeated.json()["error_description"]


def test_refresh_grant(client: TestClient) -> None:
    make_user(client)
    first = tokens(client)
    response = refresh(client, first["refresh_token"])
    assert response.status_code == 200
    body = response.json()
    # ASSUMPTION default: no rotation, the same refresh token comes back.
    assert body["refresh_token"] == first["refresh_token"]
    assert body["access_token"] != first["access_token"]
    assert body["scope"] == first["scope"] and "id_token" in body
    narrower = refresh(client, first["refresh_token"], scope="traqs.refdata").json()
    assert narrower["scope"] == "traqs.refdata" and "id_token" not in narrower
    wider = refresh(client, first["refresh_token"], scope="traqs.refdata admin")
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"


def test_refresh_token_of_another_client_is_refused(client: TestClient) -> None:
    make_user(client)
    first = tokens(client)
    basic = base64.b64encode(b"traqs-portal:traqs-portal-secret").decode()
    response = client.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_refresh_token_expires_on_the_mock_clock(client: TestClient) -> None:
    make_user(client)
    first = tokens(client)
    client.post("/_mock/clock", json={"advance": 89 * 86400})
    assert refresh(client, first["refresh_token"]).status_code == 200
    client.post("/_mock/clock", json={"advance": 86400})
    response = refresh(client, first["refresh_token"])
    assert response.status_code == 400 and response.json() == {
        "error": "invalid_grant", "error_description": "The refresh token is invalid or expired."
    }


def test_refresh_refused_when_the_user_is_no_longer_active(client: TestClient) -> None:
    make_user(client)
    first = tokens(client)
    set_user_status(client, "api.user@example.com", "SUSPENDED")
    assert refresh(client, first["refresh_token"]).json()["error"] == "invalid_grant"


def test_access_token_expires_on_the_mock_clock(client: TestClient) -> None:
    client.post("/_mock/clock", json={"set": "2026-03-02T14:30:00Z", "freeze": True})
    make_user(client)
    first = tokens(client)
    assert _userinfo(client, first["access_token"]).status_code == 200
    client.post("/_mock/clock", json={"advance": 3599})
    assert _userinfo(client, first["access_token"]).status_code == 200
    client.post("/_mock/clock", json={"advance": 2})
    expired = _userinfo(client, first["access_token"])
    assert expired.status_code == 401 and "expired" in expired.headers["www-authenticate"]
    renewed = refresh(client, first["refresh_token"]).json()
    assert _userinfo(client, renewed["access_token"]).status_code == 200


def test_lifetimes_come_from_settings() -> None:
    with TestClient(create_app(settings(access_token_ttl_seconds=120, refresh_token_ttl_days=1)), base_url=BASE) as c:
        make_user(c)
        first = tokens(c)
        assert first["expires_in"] == 120
        c.post("/_mock/clock", json={"advance": 121})
        assert _userinfo(c, first["access_token"]).status_code == 401
        c.post("/_mock/clock", json={"advance": 86400})
        assert refresh(c, first["refresh_token"]).status_code == 400


def test_rotation_when_configured() -> None:
    with TestClient(create_app(settings(refresh_token_rotation=True)), base_url=BASE) as c:
        make_user(c)
        first = tokens(c)
        second = refresh(c, first["refresh_token"]).json()
        assert second["refresh_token"] != first["refresh_token"]
        assert refresh(c, first["refresh_token"]).json()["error"] == "invalid_grant"
        assert refresh(c, second["refresh_token"]).status_code == 200
        # Access tokens minted before the rotation keep working.
        assert _userinfo(c, first["access_token"]).status_code == 200


def test_confidential_client_authentication(client: TestClient) -> None:
    make_user(client)
    callback = f"{BASE}/traqs/authorization-code/callback"
    verifier, challenge = pkce()

    def code() -> str:
        return get_code(client, challenge, client_id="traqs-portal", redirect_uri=callback)

    form = {"grant_type": "authorization_code", "redirect_uri": callback, "code_verifier": verifier}
    basic = base64.b64encode(b"traqs-portal:traqs-portal-secret").decode()
    ok = client.post(TOKEN, data={**form, "code": code()}, headers={"Authorization": f"Basic {basic}"})
    assert ok.status_code == 200
    post = client.post(TOKEN, data={**form, "code": code(), "client_id": "traqs-portal", "client_secret": "traqs-portal-secret"})
    assert post.status_code == 200
    bad = base64.b64encode(b"traqs-portal:wrong").decode()
    refused = client.post(TOKEN, data={**form, "code": code()}, headers={"Authorization": f"Basic {bad}"})
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    assert refused.headers["www-authenticate"].startswith("Basic")
    garbage = client.post(TOKEN, data={**form, "code": code()}, headers={"Authorization": "Basic %%%"})
    assert garbage.status_code == 401
    no_secret = client.post(TOKEN, data={**form, "code": code(), "client_id": "traqs-portal"})
    assert no_secret.status_code == 401


def test_confidential_client_secret_is_a_setting() -> None:
    with TestClient(create_app(settings(oauth_portal_client_secret="s3cret")), base_url=BASE) as c:
        make_user(c)
        verifier, challenge = pkce()
        callback = f"{BASE}/traqs/authorization-code/callback"
        code = get_code(c, challenge, client_id="traqs-portal", redirect_uri=callback)
        form = {"grant_type": "authorization_code", "redirect_uri": callback, "code_verifier": verifier, "code": code,
                "client_id": "traqs-portal", "client_secret": "s3cret"}
        assert c.post(TOKEN, data=form).status_code == 200
