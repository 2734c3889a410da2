"""Opaque refresh tokens: issue, look up, rotate and revoke (plain Python over the store and the clock).

ASSUMPTION: FINRA's refresh-token lifetime and rotation are not documented; the lifetime is
`refresh_token_ttl_days` and rotation is off by default (`refresh_token_rotation`), because users paste one
refresh token from TRAQS into their scripts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.security import digest, new_id, new_token
from mockfinra.store.oauth import (
    RefreshToken,
    access_tokens_where,
    find_refresh_token,
    refresh_tokens_where,
)
from mockfinra.store.users import User

LABEL_MAX = 100
#: characters of a refresh token kept in clear (`RefreshToken.prefix`) to tell tokens apart
PREFIX_LENGTH = 8


def issue_refresh_token(
    ctx: Context,
    db: Session,
    user: User,
    client_id: str,
    scopes: Iterable[str],
    *,
    source: str,
    label: str = "",
    code_id: str | None = None,
    amr: Iterable[str] = (),
    auth_time: datetime | None = None,
) -> tuple[str, RefreshToken]:
    """A new refresh token; returns `(token, row)`. Only the token's digest is stored."""
    token = new_token(nbytes=32)
    now = ctx.clock.now()
    row = RefreshToken(
        id=new_id("oar"),
        digest=digest(token),
        client_id=client_id,
        user_id=user.id,
        scopes=list(dict.fromkeys(scopes)),
        source=source,
        label=label[:LABEL_MAX],
        prefix=token[:PREFIX_LENGTH],
        code_id=code_id,
        amr=list(dict.fromkeys(amr)),
        auth_time=auth_time,
        created_at=now,
        expires_at=now + timedelta(days=ctx.settings.refresh_token_ttl_days),
    )
    db.add(row)
    db.flush()
    return token, row


def refresh_token_problem(ctx: Context, row: RefreshToken | None) -> str | None:
    """Why a refresh token cannot be used (None when it can)."""
    if row is None:
        return "unknown"
    if row.revoked_at is not None:
        return row.revoked_reason or "revoked"
    if row.expires_at <= ctx.clock.now():
        return "expired"
    return None


def usable_refresh_token(ctx: Context, db: Session, token: str) -> RefreshToken | None:
    row = find_refresh_token(db, token or "")
    return row if refresh_token_problem(ctx, row) is None else None


def revoke_refresh_token(ctx: Context, db: Session, row: RefreshToken, reason: str = "revoked") -> None:
    """Revoke a refresh token and the access tokens minted from it (as Okta does)."""
    now = ctx.clock.now()
    if row.revoked_at is None:
        row.revoked_at = now
        row.revoked_reason = reason
    if reason == "rotated":
        return
    for record in access_tokens_where(db, refresh_token_id=row.id):
        if record.revoked_at is None:
            record.revoked_at = now


def revoke_code_family(ctx: Context, db: Session, code_id: str) -> None:
    """An authorization code was replayed: revoke everything issued from it (RFC 6749 §4.1.2)."""
    now = ctx.clock.now()
    for row in refresh_tokens_where(db, code_id=code_id):
        revoke_refresh_token(ctx, db, row, "code_replayed")
    for record in access_tokens_where(db, code_id=code_id):
        if record.revoked_at is None:
            record.revoked_at = now
