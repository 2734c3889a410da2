"""A real OAuth client library (Authlib) against a live server: discovery, authorize with code + PKCE and a
sessionToken, token, userinfo, refresh, revoke; PyJWT's JWKS client verifies the access token from `keys`."""

from __future__ import annotations

import httpx
import jwt
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client

from mockfinra.identity.core.sessions import issue_session_token
from mockfinra.identity.core.users import create_user
from mockfinra.testing import MockfinraServer
from tests.oidc_support import PASSWORD, REDIRECT, settings


def _session_token(server: MockfinraServer) -> str:
    ctx = server.ctx
    with ctx.store.transaction() as db:
        user = create_user(ctx, db, login="lib.user@example.com", entitlements=["ORF"], password=PASSWORD, status="ACTIVE")
        return issue_session_token(ctx, db, user, ["pwd", "otp", "mfa"])


def test_authlib_code_pkce_refresh_against_a_live_server() -> None:
    with MockfinraServer(settings()) as server:
        meta = httpx.get(f"{server.url}/oauth2/default/.well-known/openid-configuration").json()
        assert meta["issuer"] == f"{server.url}/oauth2/default"
        with OAuth2Client(
            client_id="traqs-api",
            token_endpoint_auth_method="none",
            redirect_uri=REDIRECT,
            scope="openid profile offline_access traqs.refdata",
            code_challenge_method="S256",
            revocation_endpoint_auth_method="none",
        ) as oauth:
            verifier = generate_token(64)
            url, _ = oauth.create_authorization_url(
                meta["authorization_endpoint"], code_verifier=verifier, nonce="abc", sessionToken=_session_token(server)
            )
            redirected = httpx.get(url, follow_redirects=False)
            assert redirected.status_code == 302 and redirected.cookies.get("sid")
            token = oauth.fetch_token(
                meta["token_endpoint"], authorization_response=redirected.headers["location"], code_verifier=verifier
            )
            assert token["token_type"] == "Bearer" and token["refresh_token"] and token["id_token"]

            signing_key = jwt.PyJWKClient(meta["jwks_uri"]).get_signing_key_from_jwt(token["access_token"])
            claims = jwt.decode(
                token["access_token"], signing_key.key, algorithms=["RS256"], audience="api://traqs", issuer=meta["issuer"]
            )
            assert claims["sub"] == "lib.user@example.com" and claims["entitlements"] == ["ORF"]
            id_claims = jwt.decode(token["id_token"], signing_key.key, algorithms=["RS256"], audience="traqs-api")
            assert id_claims["nonce"] == "abc"

            me = oauth.get(meta["userinfo_endpoint"]).json()
            assert me["preferred_username"] == "lib.user@example.com"

            refreshed = oauth.refresh_token(meta["token_endpoint"], refresh_token=token["refresh_token"])
            assert refreshed["access_token"] != token["access_token"]
            assert oauth.get(meta["userinfo_endpoint"]).status_code == 200

            oauth.revoke_token(meta["revocation_endpoint"], token=token["refresh_token"], token_type_hint="refresh_token")
            again = httpx.post(
                meta["token_endpoint"],
                data={"grant_type": "refresh_token", "client_id": "traqs-api", "refresh_token": token["refresh_token"]},
            )
            assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
