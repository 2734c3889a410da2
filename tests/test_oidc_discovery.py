"""Discovery documents and the JWKS: every URL absolute and built from the request; keys verify tokens."""

from __future__ import annotations

from collections.abc import Iterator

import jwt
import pytest
from fastapi.testclient import TestClient

from tests.oidc_support import BASE, ISSUER, make_user, new_client, tokens

WELL_KNOWN = "/oauth2/default/.well-known"


@pytest.fixture
def client() -> Iterator[TestClient]:
    yield from new_client()


def test_openid_configuration(client: TestClient) -> None:
    doc = client.get(f"{WELL_KNOWN}/openid-configuration").json()
    assert doc["issuer"] == ISSUER
    for name, path in {
        "authorization_endpoint": "authorize",
        "token_endpoint": "token",
        "jwks_uri": "keys",
        "userinfo_endpoint": "userinfo",
        "introspection_endpoint": "introspect",
        "revocation_endpoint": "revoke",
        "end_session_endpoint": "logout",
    }.items():
        assert doc[name] == f"{ISSUER}/v1/{path}"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert {"authorization_code", "refresh_token"} <= set(doc["grant_types_supported"])
    assert {"openid", "offline_access", "traqs.refdata"} <= set(doc["scopes_supported"])
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "none" in doc["token_endpoint_auth_methods_supported"]


def test_oauth_authorization_server_metadata(client: TestClient) -> None:
    doc = client.get(f"{WELL_KNOWN}/oauth-authorization-server").json()
    assert doc["issuer"] == ISSUER and doc["token_endpoint"] == f"{ISSUER}/v1/token"
    assert "userinfo_endpoint" not in doc


def test_urls_follow_the_request_host() -> None:
    from mockfinra.app import create_app
    from tests.oidc_support import settings

    with TestClient(create_app(settings()), base_url="http://localhost:9999") as other:
        doc = other.get(f"{WELL_KNOWN}/openid-configuration").json()
        assert doc["issuer"] == "http://localhost:9999/oauth2/default"
        # On the real MFA host name the site is served at '/', and links carry no prefix.
        real = other.get(f"{WELL_KNOWN}/openid-configuration", headers={"host": "mpp-test.nasdaq.com"}).json()
        assert real["issuer"] == "http://mpp-test.nasdaq.com/oauth2/default"


def test_data_scope_is_configurable() -> None:
    from mockfinra.app import create_app
    from tests.oidc_support import settings

    with TestClient(create_app(settings(oauth_data_scope="refdata.read")), base_url=BASE) as other:
        scopes = other.get(f"{WELL_KNOWN}/openid-configuration").json()["scopes_supported"]
        assert "refdata.read" in scopes and "traqs.refdata" not in scopes


def test_keys_verify_issued_tokens(client: TestClient) -> None:
    make_user(client)
    issued = tokens(client)
    jwks = client.get("/oauth2/default/v1/keys").json()
    assert len(jwks["keys"]) == 1
    key = jwks["keys"][0]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" and "d" not in key
    header = jwt.get_unverified_header(issued["access_token"])
    assert header == {"alg": "RS256", "kid": key["kid"], "typ": "JWT"}
    public = jwt.PyJWK(key).key
    access = jwt.decode(
        issued["access_token"], public, algorithms=["RS256"], audience="api://traqs", issuer=ISSUER,
        options={"verify_exp": False, "verify_iat": False},
    )
    assert access["sub"] == "api.user@example.com" and access["uid"].startswith("00u")
    assert access["cid"] == "traqs-api" and access["entitlements"] == ["ORF", "TRACE"]
    assert access["scp"] == ["openid", "profile", "email", "offline_access", "traqs.refdata"]
    assert access["exp"] - access["iat"] == 3600 and access["jti"].startswith("AT.")
    id_token = jwt.decode(
        issued["id_token"], public, algorithms=["RS256"], audience="traqs-api", issuer=ISSUER,
        options={"verify_exp": False, "verify_iat": False},
    )
    assert id_token["sub"] == access["uid"] and id_token["nonce"] == "n-456"
    assert id_token["email"] == "api.user@example.com" and id_token["preferred_username"] == "api.user@example.com"
    assert set(id_token["amr"]) == {"pwd", "otp", "mfa"}


def test_key_survives_requests_and_rotates_on_reset(client: TestClient) -> None:
    first = client.get("/oauth2/default/v1/keys").json()["keys"][0]["kid"]
    assert client.get("/oauth2/default/v1/keys").json()["keys"][0]["kid"] == first
    rows = client.get("/_mock/state").json()["signingKeys"]
    assert rows[0]["kid"] == first and "private_pem" not in rows[0] and "PRIVATE" not in str(rows)
    client.post("/_mock/reset")
    assert client.get("/oauth2/default/v1/keys").json()["keys"][0]["kid"] != first


def test_key_survives_a_restart(tmp_path) -> None:
    from mockfinra.app import create_app
    from tests.oidc_support import settings

    db = f"sqlite:///{tmp_path / 'state.db'}"
    with TestClient(create_app(settings(db=db)), base_url=BASE) as first:
        make_user(first)
        issued = tokens(first)
    with TestClient(create_app(settings(db=db)), base_url=BASE) as second:
        response = second.get("/oauth2/default/v1/userinfo", headers={"Authorization": f"Bearer {issued['access_token']}"})
        assert response.status_code == 200
        assert response.json()["preferred_username"] == "api.user@example.com"
