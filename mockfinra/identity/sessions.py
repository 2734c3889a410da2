"""Session tokens (one-time, 5 minutes) and the sessions they become (plain Python over store and clock)."""

from __future__ import annotations

from datetime import timedelta
from typing import Iterable

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.security import digest, new_id, new_token
from mockfinra.store.authn import SessionToken
from mockfinra.store.sessions import WebSession
from mockfinra.store.users import User


def issue_session_token(ctx: Context, db: Session, user: User, amr: Iterable[str]) -> str:
    """The sessionToken of a SUCCESS transaction; returns the token itself (only its digest is stored)."""
    token = new_token("20111", 30)
    now = ctx.clock.now()
    db.add(
        SessionToken(
            digest=digest(token),
            user_id=user.id,
            amr=list(dict.fromkeys(amr)),
            created_at=now,
            expires_at=now + timedelta(seconds=ctx.settings.session_token_ttl_seconds),
        )
    )
    return token


def redeem_session_token(ctx: Context, db: Session, token: str) -> SessionToken | None:
    """Use a sessionToken once. None when unknown, expired or already used."""
    row = db.get(SessionToken, digest(token or ""))
    now = ctx.clock.now()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    row.used_at = now
    return row


def create_session(ctx: Context, db: Session, user: User, amr: Iterable[str]) -> WebSession:
    """A new ACTIVE session; its id is also the `sid` cookie value."""
    now = ctx.clock.now()
    methods = list(dict.fromkeys(amr))
    session = WebSession(
        id=new_id("102", 25),
        user_id=user.id,
        login=user.login,
        status="ACTIVE",
        amr=methods,
        mfa_active="mfa" in methods,
        created_at=now,
        expires_at=now + timedelta(seconds=ctx.settings.session_lifetime_seconds),
        last_password_verification=now if "pwd" in methods else None,
        last_factor_verification=now if "mfa" in methods else None,
    )
    db.add(session)
    return session


def get_active_session(ctx: Context, db: Session, session_id: str | None) -> WebSession | None:
    """The session behind a `sid` cookie, when it exists and has not expired."""
    if not session_id:
        return None
    session = db.get(WebSession, session_id)
    if session is None or session.status != "ACTIVE" or session.expires_at <= ctx.clock.now():
        return None
    return session
