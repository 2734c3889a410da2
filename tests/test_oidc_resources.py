"""userinfo, introspect (RFC 7662), revoke (RFC 7009), logout, and `verify_access_token` for the download host."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator

import jwt
import pytest
from fastapi.testclient import TestClient

from mockfinra.identity.oidc.tokens import (
    InvalidAccessToken,
    issue_tokens_for_user,
    verify_access_token,
)
from mockfinra.store.users import find_user_by_login
from tests.oidc_support import (
    BASE,
    ISSUER,
    REDIRECT,
    ctx_of,
    make_user,
    new_client,
    refresh,
    set_user_status,
    sign_in_cookie,
    state_rows,
    tokens,
)

USERINFO = "/oauth2/default/v1/userinfo"
INTROSPECT = "/oauth2/default/v1/introspect"
REVOKE = "/oauth2/default/v1/revoke"


@pytest.fixture
def client() -> Iterator[TestClient]:
    yield from new_client()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_userinfo(client: TestClient) -> None:
    uid = make_user(client)
    issued = tokens(client)
    body = client.get(USERINFO, headers=_bearer(issued["access_token"])).json()
    assert body["sub"] == uid and body["email"] == "api.user@example.com" and body["email_verified"] is True
    assert body["name"] == "Api User" and body["preferred_username"] == "api.user@example.com"
    assert body["entitlements"] == ["ORF", "TRACE"]
    assert client.post(USERINFO, headers=_bearer(issued["access_token"])).status_code == 200


def test_userinfo_scopes_limit_claims_and_openid_is_required(client: TestClient) -> None:
    make_user(client)
    body = client.get(USERINFO, headers=_bearer(tokens(client, scope="openid")["access_token"])).json()
    assert "email" not in body and "name" not in body
    no_openid = client.get(USERINFO, headers=_bearer(tokens(client, scope="traqs.refdata")["access_token"]))
    assert no_openid.status_code == 403 and no_openid.json()["error"] == "insufficient_scope"


@pytest.mark.parametrize("header", [None, "Bearer", "Basic abc", "Bearer not.a.jwt", "Bearer abc"])
def test_userinfo_refuses_bad_tokens(client: TestClient, header: str | None) -> None:
    response = client.get(USERINFO, headers={"Authorization": header} if header else {})
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"
    assert response.headers["www-authenticate"].startswith("Bearer ")


def test_introspect_access_and_refresh_tokens(client: TestClient) -> None:
    uid = make_user(client)
    issued = tokens(client)
    access = client.post(INTROSPECT, data={"client_id": "traqs-api", "token": issued["access_token"]}).json()
    assert access["active"] is True and access["token_type"] == "Bearer"
    assert access["username"] == "api.user@example.com" and access["uid"] == uid and access["client_id"] == "traqs-api"
    assert access["iss"] == ISSUER and access["aud"] == "api://traqs" and access["exp"] - access["iat"] == 3600
    rt = client.post(INTROSPECT, data={"client_id": "traqs-api", "token": issued["refresh_token"], "token_type_hint": "refresh_token"}).json()
    assert rt["active"] is True and rt["token_type"] == "refresh_token" and rt["exp"] - rt["iat"] == 90 * 86400
    # A wrong hint still finds the token (RFC 7662 §2.1).
    rt2 = client.post(INTROSPECT, data={"client_id": "traqs-api", "token": issued["refresh_token"], "token_type_hint": "access_token"}).json()
    assert rt2["active"] is True
    basic = {"Authorization": "Basic " + base64.b64encode(b"traqs-portal:traqs-portal-secret").decode()}
    other = client.post(INTROSPECT, data={"token": issued["refresh_token"]}, headers=basic).json()
    assert other == {"active": False}  # another client's refresh token
    for junk in ("nope", issued["id_token"]):
        assert client.post(INTROSPECT, data={"client_id": "traqs-api", "token": junk}).json() == {"active": False}
    client.post("/_mock/clock", json={"advance": 3601})
    assert client.post(INTROSPECT, data={"client_id": "traqs-api", "token": issued["access_token"]}).json() == {"active": False}


def test_introspect_needs_client_authentication_and_a_token(client: TestClient) -> None:
    assert client.post(INTROSPECT, data={"token": "x"}).status_code == 401
    assert client.post(INTROSPECT, data={"client_id": "ghost", "token": "x"}).status_code == 401
    missing = client.post(INTROSPECT, data={"client_id": "traqs-api"})
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"


def test_revoke_refresh_token_also_revokes_its_access_tokens(client: TestClient) -> None:
    make_user(client)
    issued = tokens(client)
    renewed = refresh(client, issued["refresh_token"]).json()
    response = client.post(REVOKE, data={"client_id": "traqs-api", "token": issued["refresh_token"], "token_type_hint": "refresh_token"})
    assert response.status_code == 200 and response.content == b""
    assert refresh(client, issued["refresh_token"]).json()["error"] == "invalid_grant"
    assert client.get(USERINFO, headers=_bearer(renewed["access_token"])).status_code == 401
    rows = state_rows(client, "refreshTokens")
    assert rows[0]["revoked_reason"] == "revoked" and "digest" not in rows[0]


def test_revoke_access_token_only(client: TestClient) -> None:
    make_user(client)
    issued = tokens(client)
    assert client.post(REVOKE, data={"client_id": "traqs-api", "token": issued["access_token"]}).status_code == 200
    assert client.get(USERINFO, headers=_bearer(issued["access_token"])).status_code == 401
    assert refresh(client, issued["refresh_token"]).status_code == 200


def test_revoke_unknown_token_is_fine_but_needs_a_client(client: TestClient) -> None:
    assert client.post(REVOKE, data={"client_id": "traqs-api", "token": "unknown"}).status_code == 200
    assert client.post(REVOKE, data={"token": "unknown"}).status_code == 401
    bad_hint = client.post(REVOKE, data={"client_id": "traqs-api", "token": "x", "token_type_hint": "cookie"})
    assert bad_hint.status_code == 400 and bad_hint.json()["error"] == "unsupported_token_type"


def test_logout_ends_the_session(client: TestClient) -> None:
    make_user(client)
    sign_in_cookie(client)
    issued = tokens(client)
    assert len(state_rows(client, "sessions")) == 2  # the cookie's and the sessionToken's
    response = client.get(
        "/oauth2/default/v1/logout",
        params={"id_token_hint": issued["id_token"], "post_logout_redirect_uri": REDIRECT, "state": "bye"},
        follow_redirects=False,
    )
    assert response.status_code == 302 and response.headers["location"] == f"{REDIRECT}?state=bye"
    assert len(state_rows(client, "sessions")) == 1
    params = {"id_token_hint": issued["id_token"], "post_logout_redirect_uri": "https://evil.example/"}
    evil = client.get("/oauth2/default/v1/logout", params=params, follow_redirects=False)
    assert evil.status_code == 400 and "location" not in evil.headers
    plain = client.get("/oauth2/default/v1/logout", follow_redirects=False)
    assert plain.headers["location"] == f"{BASE}/login/login.htm"


# --- verify_access_token (the interface the download host uses) ------------------------------------


def _issue(client: TestClient, scopes=("openid", "offline_access", "traqs.refdata")) -> dict:
    ctx = ctx_of(client)
    with ctx.store.transaction() as db:
        user = find_user_by_login(db, "api.user@example.com")
        return issue_tokens_for_user(ctx, db, user, "traqs-api", scopes, ISSUER)


def _verify(client: TestClient, token: str, issuer: str | None = None):
    ctx = ctx_of(client)
    with ctx.store.transaction() as db:
        return verify_access_token(ctx, db, token, issuer)


def _reason(client: TestClient, token: str, issuer: str | None = None) -> str:
    with pytest.raises(InvalidAccessToken) as caught:
        _verify(client, token, issuer)
    return caught.value.reason


def test_verify_access_token_claims(client: TestClient) -> None:
    uid = make_user(client)
    issued = _issue(client)
    claims = _verify(client, issued["access_token"], ISSUER)
    assert claims.sub == "api.user@example.com" and claims.uid == uid and claims.client_id == "traqs-api"
    assert claims.entitlements == ["ORF", "TRACE"] and claims.scopes == ["openid", "offline_access", "traqs.refdata"]
    assert abs(claims.expires_at.timestamp() - time.time() - 3600) < 60
    assert "refresh_token" in issued and "id_token" in issued


def test_verify_access_token_reasons(client: TestClient) -> None:
    make_user(client)
    issued = _issue(client)
    token = issued["access_token"]
    assert _reason(client, "") == "malformed"
    assert _reason(client, "a.b.c") == "malformed"
    assert _reason(client, issued["id_token"]) == "wrong audience"
    assert _reason(client, token, "http://elsewhere/oauth2/default") == "wrong issuer"
    # Same claims, signed by a key this server does not have / with a forged kid.
    from cryptography.hazmat.primitives.asymmetric import rsa

    claims = jwt.decode(token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(token)["kid"]
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert _reason(client, jwt.encode(claims, other, "RS256", headers={"kid": kid})) == "bad signature"
    assert _reason(client, jwt.encode(claims, other, "RS256", headers={"kid": "nope"})) == "unknown signing key"
    assert _reason(client, jwt.encode(claims, "s" * 32, "HS256", headers={"kid": kid})) == "unsupported algorithm"
    client.post(REVOKE, data={"client_id": "traqs-api", "token": token})
    assert _reason(client, token) == "revoked"


def test_verify_access_token_user_checks_and_mock_clock(client: TestClient) -> None:
    make_user(client)
    token = _issue(client)["access_token"]
    set_user_status(client, "api.user@example.com", "LOCKED_OUT")
    assert _reason(client, token) == "user is LOCKED_OUT"
    set_user_status(client, "api.user@example.com", "ACTIVE")
    client.post("/_mock/clock", json={"advance": 3600})
    assert _reason(client, token) == "expired"
    fresh = _issue(client)["access_token"]
    ctx = ctx_of(client)
    with ctx.store.transaction() as db:
        db.delete(find_user_by_login(db, "api.user@example.com"))
    with ctx.store.transaction() as db, pytest.raises(InvalidAccessToken) as caught:
        verify_access_token(ctx, db, fresh)
    assert caught.value.reason == "unknown user"


def test_verify_after_reset_is_refused(client: TestClient) -> None:
    make_user(client)
    token = _issue(client)["access_token"]
    client.post("/_mock/reset")
    assert _reason(client, token) == "unknown signing key"
