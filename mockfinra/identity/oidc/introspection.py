"""Token introspection (RFC 7662) and revocation (RFC 7009)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.identity.oidc.clients import Client
from mockfinra.identity.oidc.refresh import refresh_token_problem, revoke_refresh_token
from mockfinra.identity.oidc.tokens import AccessTokenClaims, InvalidAccessToken, token_epoch, verify_access_token
from mockfinra.store.oauth import AccessTokenRecord, RefreshToken, find_refresh_token
from mockfinra.store.users import get_user

HINTS = ("access_token", "refresh_token", "id_token", "device_secret")


def _order(hint: str | None) -> tuple[str, str]:
    return ("refresh_token", "access_token") if hint == "refresh_token" else ("access_token", "refresh_token")


def _own_refresh_token(ctx: Context, db: Session, client: Client, token: str) -> RefreshToken | None:
    """A usable refresh token of this client (another client's token is reported inactive)."""
    row = find_refresh_token(db, token)
    if row is None or row.client_id != client.client_id or refresh_token_problem(ctx, row) is not None:
        return None
    return row


def _find_tokens(
    ctx: Context, db: Session, client: Client, form: Mapping[str, str]
) -> Iterator[AccessTokenClaims | RefreshToken]:
    """The form's token as each kind it is valid as, the hinted kind first: verified access-token claims or
    this client's usable refresh token. Lazy, so a caller that stops at the first match checks no further."""
    token = form.get("token", "")
    for kind in _order(form.get("token_type_hint")):
        if kind == "access_token":
            try:
                claims = verify_access_token(ctx, db, token)
            except InvalidAccessToken:
                continue
            yield claims
        else:
            row = _own_refresh_token(ctx, db, client, token)
            if row is not None:
                yield row


def introspect(ctx: Context, db: Session, client: Client, form: Mapping[str, str]) -> dict[str, Any]:
    for found in _find_tokens(ctx, db, client, form):
        if isinstance(found, AccessTokenClaims):
            claims = found
            raw = claims.claims
            return {
                "active": True,
                "token_type": "Bearer",
                "scope": " ".join(claims.scopes),
                "client_id": claims.client_id,
                "username": claims.sub,
                "exp": raw.get("exp"),
                "iat": raw.get("iat"),
                "sub": claims.sub,
                "aud": raw.get("aud"),
                "iss": raw.get("iss"),
                "jti": claims.jti,
                "uid": claims.uid,
                "entitlements": claims.entitlements,
            }
        row = found
        user = get_user(db, row.user_id)
        if user is not None and user.status == "ACTIVE":
            return {
                "active": True,
                "token_type": "refresh_token",
                "scope": " ".join(row.scopes),
                "client_id": row.client_id,
                "username": user.login,
                "exp": token_epoch(ctx, row.expires_at),
                "iat": token_epoch(ctx, row.created_at),
                "sub": user.login,
                "uid": user.id,
            }
    return {"active": False}


def revoke(ctx: Context, db: Session, client: Client, form: Mapping[str, str]) -> None:
    """Revoke an access or refresh token of this client. Unknown tokens are ignored (RFC 7009 §2.2)."""
    found = next(_find_tokens(ctx, db, client, form), None)
    if isinstance(found, AccessTokenClaims):
        record = db.get(AccessTokenRecord, found.jti)
        if record is not None and record.client_id == client.client_id:
            record.revoked_at = ctx.clock.now()
    elif found is not None:
        revoke_refresh_token(ctx, db, found)
