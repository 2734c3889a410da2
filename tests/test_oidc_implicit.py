"""Okta's implicit flow on `/oauth2/default/v1/authorize`: `token`, `id_token` and `token id_token` for a
client allowed the `implicit` grant (fragment and form_post), refused for one that is not; the ID token
carries `nonce` and `at_hash`, verified with Authlib against the server's keys."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oidc.core import ImplicitIDToken

from mockfinra.identity.core.sessions import issue_session_token
from mockfinra.identity.core.users import create_user
from mockfinra.testing import MockfinraServer
from tests.oidc_support import PASSWORD, REDIRECT, settings

CLIENT = "traqs-implicit"


@pytest.fixture(scope="module")
def server():
    with MockfinraServer(settings()) as live:
        yield live


def _session_token(server: MockfinraServer, login: str) -> str:
    ctx = server.ctx
    with ctx.store.transaction() as db:
        user = create_user(ctx, db, login=login, entitlements=["ORF"], password=PASSWORD, status="ACTIVE")
        return issue_session_token(ctx, db, user, ["pwd", "otp", "mfa"])


_logins = iter(range(1, 1000))


def _authorize(server: MockfinraServer, client_id: str = CLIENT, **params: str) -> httpx.Response:
    meta = httpx.get(f"{server.url}/oauth2/default/.well-known/openid-configuration").json()
    with OAuth2Client(client_id=client_id, redirect_uri=REDIRECT, scope=params.pop("scope", "openid profile")) as oauth:
        url, _ = oauth.create_authorization_url(
            meta["authorization_endpoint"],
            sessionToken=_session_token(server, f"implicit.{next(_logins)}@example.com"),
            **params,
        )
    return httpx.get(url, follow_redirects=False)


def _fragment(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert not location.query and location.fragment, response.headers["location"]
    return {k: v[0] for k, v in parse_qs(location.fragment).items()}


def _claims(server: MockfinraServer, token: str, nonce: str, access_token: str | None) -> ImplicitIDToken:
    keys = httpx.get(f"{server.url}/oauth2/default/v1/keys").json()
    key = jwt.PyJWK.from_dict(keys["keys"][0]).key
    raw = jwt.decode(token, key, algorithms=["RS256"], audience=CLIENT, issuer=f"{server.url}/oauth2/default")
    header = jwt.get_unverified_header(token)
    claims = ImplicitIDToken(raw, header, params={"nonce": nonce, "access_token": access_token, "client_id": CLIENT})
    claims.validate(now=raw["iat"])
    return claims


def test_token_id_token_in_the_fragment(server: MockfinraServer) -> None:
    got = _fragment(_authorize(server, response_type="token id_token", nonce="n-1", state="s-1"))
    assert got["state"] == "s-1" and got["token_type"] == "Bearer" and int(got["expires_in"]) > 0
    assert "refresh_token" not in got and "code" not in got
    claims = _claims(server, got["id_token"], "n-1", got["access_token"])
    digest = hashlib.sha256(got["access_token"].encode()).digest()[:16]
    assert claims["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    userinfo = httpx.get(
        f"{server.url}/oauth2/default/v1/userinfo", headers={"Authorization": f"Bearer {got['access_token']}"}
    )
    assert userinfo.status_code == 200 and userinfo.json()["sub"] == claims["sub"]


def test_id_token_alone_has_no_at_hash_and_token_alone_no_id_token(server: MockfinraServer) -> None:
    only_id = _fragment(_authorize(server, response_type="id_token", nonce="n-2"))
    assert set(only_id) == {"id_token", "state"}  # Authlib always sends a state
    claims = _claims(server, only_id["id_token"], "n-2", None)
    assert "at_hash" not in claims and claims["nonce"] == "n-2"
    only_access = _fragment(_authorize(server, response_type="token", scope="traqs.refdata"))
    assert "id_token" not in only_access and only_access["scope"] == "traqs.refdata"


def test_form_post_delivers_the_tokens_in_a_form(server: MockfinraServer) -> None:
    response = _authorize(server, response_type="token id_token", nonce="n-3", response_mode="form_post", state="s-3")
    assert response.status_code == 200 and f"action='{REDIRECT}'" in response.text
    fields = {
        name: html.unescape(value) for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', response.text)
    }
    assert (
        fields["state"] == "s-3"
        and fields["access_token"]
        and _claims(server, fields["id_token"], "n-3", fields["access_token"])
    )


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"response_type": "id_token"}, "invalid_request"),  # no nonce
        ({"response_type": "id_token", "nonce": "x", "scope": "profile"}, "invalid_scope"),
        ({"response_type": "token", "response_mode": "query"}, "invalid_request"),
        ({"response_type": "token code"}, "unsupported_response_type"),
    ],
)
def test_bad_implicit_requests_are_oauth_errors_in_the_fragment(
    server: MockfinraServer, params: dict[str, str], error: str
) -> None:
    response = _authorize(server, state="s-9", **params)
    location = urlsplit(response.headers["location"])
    got = {k: v[0] for k, v in parse_qs(location.fragment or location.query).items()}
    assert got["error"] == error and got["state"] == "s-9" and got["error_description"]
    assert "access_token" not in got and "id_token" not in got
    if params.get("response_type") != "token code":
        assert location.fragment and not location.query


def test_a_client_without_the_implicit_grant_is_refused(server: MockfinraServer) -> None:
    got = _fragment(_authorize(server, client_id="traqs-api", response_type="token id_token", nonce="n-4", state="s-4"))
    assert got["error"] == "unauthorized_client" and got["state"] == "s-4"
    assert "authorization_code" in got["error_description"] and "access_token" not in got


def test_discovery_lists_the_implicit_response_types(server: MockfinraServer) -> None:
    meta = httpx.get(f"{server.url}/oauth2/default/.well-known/openid-configuration").json()
    assert {"token", "id_token", "token id_token"} <= set(meta["response_types_supported"])
    assert "implicit" in meta["grant_types_supported"]
