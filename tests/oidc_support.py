"""Helpers for the OAuth/OIDC and TRAQS tests: users, session tokens, PKCE pairs, authorize round trips."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.identity.core.sessions import create_session, issue_session_token
from mockfinra.identity.core.users import create_user
from mockfinra.settings import Settings
from mockfinra.store.users import find_user_by_login
from tests.conftest import TEST_DATA

BASE = "http://127.0.0.1:8400"
ISSUER = f"{BASE}/oauth2/default"
AUTHORIZE = "/oauth2/default/v1/authorize"
TOKEN = "/oauth2/default/v1/token"
REDIRECT = "http://127.0.0.1:53682/callback"
PASSWORD = "Ntf-Demo-2026"


def settings(**overrides: Any) -> Settings:
    return Settings.for_tests(seed=TEST_DATA / "seed-minimal.toml", **overrides)


def new_client(**overrides: Any) -> Iterator[TestClient]:
    """A fresh app and its TestClient (lifespan run); use in each test module's `client` fixture."""
    with TestClient(create_app(settings(**overrides)), base_url=BASE) as c:
        yield c


def ctx_of(client: TestClient) -> Any:
    return client.app.state.ctx  # type: ignore[attr-defined]


def make_user(
    client: TestClient,
    login: str = "api.user@example.com",
    entitlements: tuple[str, ...] = ("ORF", "TRACE"),
    status: str = "ACTIVE",
) -> str:
    ctx = ctx_of(client)
    with ctx.store.transaction() as db:
        user = create_user(
            ctx, db, login=login, first_name="Api", last_name="User", entitlements=entitlements,
            password=PASSWORD, status=status,
        )
        return user.id


def session_token(client: TestClient, login: str = "api.user@example.com") -> str:
    ctx = ctx_of(client)
    with ctx.store.transaction() as db:
        user = find_user_by_login(db, login)
        assert user is not None
        return issue_session_token(ctx, db, user, ["pwd", "otp", "mfa"])


def sign_in_cookie(client: TestClient, login: str = "api.user@example.com") -> str:
    """Create a session directly and put its `sid` cookie on the client."""
    ctx = ctx_of(client)
    with ctx.store.transaction() as db:
        user = find_user_by_login(db, login)
        assert user is not None
        sid = create_session(ctx, db, user, ["pwd", "otp", "mfa"]).id
    client.cookies.set("sid", sid)
    return sid


def set_user_status(client: TestClient, login: str, status: str) -> None:
    ctx = ctx_of(client)
    with ctx.store.transaction() as db:
        user = find_user_by_login(db, login)
        assert user is not None
        user.status = status


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(challenge: str, **extra: str) -> dict[str, str]:
    params = {
        "client_id": "traqs-api",
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "openid profile email offline_access traqs.refdata",
        "state": "st-123",
        "nonce": "n-456",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(extra)
    return params


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def get_code(client: TestClient, challenge: str, **extra: str) -> str:
    """Authorize with a fresh sessionToken (unless one is given) and return the code."""
    extra.setdefault("sessionToken", session_token(client))
    response = client.get(AUTHORIZE, params=authorize_params(challenge, **extra), follow_redirects=False)
    assert response.status_code == 302, response.text
    query = query_of(response.headers["location"])
    assert query["state"] == extra.get("state", "st-123")
    return query["code"]


def exchange_code(client: TestClient, the_code: str, verifier: str, **extra: str) -> Any:
    form = {
        "grant_type": "authorization_code",
        "client_id": "traqs-api",
        "code": the_code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    form.update(extra)
    return client.post(TOKEN, data=form)


def tokens(client: TestClient, **extra: str) -> dict[str, Any]:
    """A full code + PKCE round trip; returns the token response."""
    verifier, challenge = pkce()
    response = exchange_code(client, get_code(client, challenge, **extra), verifier)
    assert response.status_code == 200, response.text
    return response.json()


def refresh(client: TestClient, refresh_token: str, **extra: str) -> Any:
    form = {"grant_type": "refresh_token", "client_id": "traqs-api", "refresh_token": refresh_token}
    form.update(extra)
    return client.post(TOKEN, data=form)


def state_rows(client: TestClient, key: str) -> list[dict[str, Any]]:
    return client.get("/_mock/state").json()[key]
