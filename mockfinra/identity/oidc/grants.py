"""Client authentication and the token endpoint's grants: `authorization_code` and `refresh_token`."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Mapping
from urllib.parse import unquote_plus

from sqlalchemy.orm import Session

from mockfinra import auth_header
from mockfinra.context import Context
from mockfinra.errors import OAuthError
from mockfinra.identity.oidc.clients import Client, find_client, supported_scopes
from mockfinra.identity.oidc.codes import CODE_PREFIX, INTERACTION_CODE_PREFIX, pkce_matches
from mockfinra.identity.oidc.refresh import (
    issue_refresh_token,
    refresh_token_problem,
    revoke_code_family,
    revoke_refresh_token,
)
from mockfinra.identity.oidc.tokens import token_response
from mockfinra.store.oauth import AuthorizationCode, find_code, find_refresh_token
from mockfinra.store.users import User, get_user

INVALID_CLIENT = "Client authentication failed. Either the client or the client credentials are invalid."
INVALID_CODE = "The authorization code is invalid or has expired."
INVALID_REFRESH = "The refresh token is invalid or expired."


def _invalid_client(basic: bool) -> OAuthError:
    headers = {"WWW-Authenticate": 'Basic realm="mockfinra"'} if basic else None
    return OAuthError("invalid_client", INVALID_CLIENT, 401, headers)


def _basic_credentials(header: str) -> tuple[str, str] | None:
    found = auth_header.parse(header, [auth_header.BASIC])
    if found is None:
        if header.strip().lower().startswith(auth_header.BASIC):
            raise _invalid_client(True)
        return None
    try:
        decoded = base64.b64decode(found[1], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _invalid_client(True) from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise _invalid_client(True)
    # RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
    return unquote_plus(client_id), unquote_plus(secret)


def authenticate_client(ctx: Context, form: Mapping[str, str], authorization: str) -> Client:
    """client_secret_basic, client_secret_post, or `none` (client_id only) for public clients."""
    basic = _basic_credentials(authorization) if authorization else None
    if basic is not None:
        client_id, secret = basic
        if form.get("client_id") not in (None, client_id):
            raise OAuthError("invalid_request", "The client_id in the body does not match the Authorization header.")
        if "client_secret" in form:
            raise OAuthError("invalid_request", "Use only one client authentication method.")
        client = find_client(ctx, client_id)
        if client is None or not client.check_secret(secret):
            raise _invalid_client(True)
        return client
    client = find_client(ctx, form.get("client_id"))
    if client is None:
        raise _invalid_client(False)
    if "client_secret" in form:
        if not client.check_secret(form["client_secret"]):
            raise _invalid_client(False)
        return client
    if not client.public:
        raise _invalid_client(False)
    return client


def _required(form: Mapping[str, str], name: str) -> str:
    value = form.get(name)
    if not value:
        raise OAuthError("invalid_request", f"The '{name}' parameter is required.")
    return value


def _active_user(db: Session, user_id: str, error: str) -> User:
    user = get_user(db, user_id)
    if user is None or user.status != "ACTIVE":
        raise OAuthError("invalid_grant", error)
    return user


def redeem_code(
    ctx: Context, db: Session, client: Client, form: Mapping[str, str], prefix: str = CODE_PREFIX
) -> tuple[AuthorizationCode, User]:
    """Check and spend an authorization code (client, expiry, redirect_uri, PKCE, user still ACTIVE).

    `prefix` names the grant: authorization codes (`oac`) and interaction codes (`oic`) are not
    interchangeable."""
    name = "interaction_code" if prefix == INTERACTION_CODE_PREFIX else "code"
    code = find_code(db, _required(form, name))
    if code is None or code.client_id != client.client_id or not code.id.startswith(prefix):
        raise OAuthError("invalid_grant", INVALID_CODE)
    if code.used_at is not None:
        # A replayed code: revoke what it produced (RFC 6749 §4.1.2) and keep that although we fail.
        revoke_code_family(ctx, db, code.id)
        error = OAuthError("invalid_grant", INVALID_CODE)
        error.commit = True
        raise error
    if code.expires_at <= ctx.clock.now():
        raise OAuthError("invalid_grant", INVALID_CODE)
    if form.get("redirect_uri") != code.redirect_uri:
        raise OAuthError(
            "invalid_grant", "The 'redirect_uri' does not match the redirection URI used in the authorization request."
        )
    verifier = form.get("code_verifier")
    if code.code_challenge is not None:
        if not verifier:
            raise OAuthError("invalid_request", "PKCE verification failed: the 'code_verifier' parameter is required.")
        if not pkce_matches(verifier, code.code_challenge):
            raise OAuthError("invalid_grant", "PKCE verification failed.")
    elif verifier:
        raise OAuthError("invalid_request", "A 'code_verifier' was sent but the authorization request had no code_challenge.")
    user = _active_user(db, code.user_id, INVALID_CODE)
    code.used_at = ctx.clock.now()
    return code, user


def authorization_code_grant(
    ctx: Context, db: Session, client: Client, form: Mapping[str, str], issuer: str
) -> dict[str, Any]:
    return _code_tokens(ctx, db, client, issuer, *redeem_code(ctx, db, client, form))


def interaction_code_grant(
    ctx: Context, db: Session, client: Client, form: Mapping[str, str], issuer: str
) -> dict[str, Any]:
    """The Identity Engine's end of a sign-in: the interaction code and the interaction's PKCE verifier."""
    return _code_tokens(ctx, db, client, issuer, *redeem_code(ctx, db, client, form, INTERACTION_CODE_PREFIX))


def _code_tokens(
    ctx: Context, db: Session, client: Client, issuer: str, code: AuthorizationCode, user: User
) -> dict[str, Any]:
    scopes = list(code.scopes)
    refresh_token, refresh_row = None, None
    if "offline_access" in scopes:
        refresh_token, refresh_row = issue_refresh_token(
            ctx, db, user, client.client_id, scopes, source="authorize", code_id=code.id, amr=code.amr, auth_time=code.auth_time
        )
    return token_response(
        ctx,
        db,
        user,
        client.client_id,
        scopes,
        issuer,
        refresh_token=refresh_token,
        refresh_row=refresh_row,
        code_id=code.id,
        nonce=code.nonce,
        auth_time=code.auth_time,
        amr=code.amr,
    )


def refresh_token_grant(
    ctx: Context, db: Session, client: Client, form: Mapping[str, str], issuer: str
) -> dict[str, Any]:
    presented = _required(form, "refresh_token")
    row = find_refresh_token(db, presented)
    if refresh_token_problem(ctx, row) is not None or row is None or row.client_id != client.client_id:
        raise OAuthError("invalid_grant", INVALID_REFRESH)
    scopes = list(row.scopes)
    if form.get("scope"):
        asked = form["scope"].split()
        beyond = [s for s in asked if s not in scopes]
        if beyond:
            known = set(supported_scopes(ctx))
            what = "not granted to this refresh token" if all(s in known for s in beyond) else "unknown"
            raise OAuthError("invalid_scope", f"The requested scope is {what}: {' '.join(beyond)}.")
        scopes = list(dict.fromkeys(asked))
    user = _active_user(db, row.user_id, INVALID_REFRESH)
    row.last_used_at = ctx.clock.now()
    token, used = presented, row
    if ctx.settings.refresh_token_rotation:
        revoke_refresh_token(ctx, db, row, "rotated")
        token, used = issue_refresh_token(
            ctx,
            db,
            user,
            client.client_id,
            row.scopes,
            source=row.source,
            label=row.label,
            code_id=row.code_id,
            amr=row.amr,
            auth_time=row.auth_time,
        )
    return token_response(
        ctx,
        db,
        user,
        client.client_id,
        scopes,
        issuer,
        refresh_token=token,
        refresh_row=used,
        auth_time=row.auth_time,
        amr=row.amr,
    )


GRANTS = {
    "authorization_code": authorization_code_grant,
    "interaction_code": interaction_code_grant,
    "refresh_token": refresh_token_grant,
}


def exchange(ctx: Context, db: Session, form: Mapping[str, str], authorization: str, issuer: str) -> dict[str, Any]:
    """The token endpoint: authenticate the client, then run the grant."""
    grant_type = form.get("grant_type")
    if not grant_type:
        raise OAuthError("invalid_request", "The 'grant_type' parameter is required.")
    client = authenticate_client(ctx, form, authorization)
    grant = GRANTS.get(grant_type)
    if grant is None:
        raise OAuthError(
            "unsupported_grant_type", f"The grant_type '{grant_type}' is not supported; use one of {', '.join(GRANTS)}."
        )
    return grant(ctx, db, client, form, issuer)
