"""Session tokens (one-time, 5 minutes) and the sessions they become (plain Python over store and clock)."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Iterable
from urllib.parse import urlsplit

from sqlalchemy import delete
from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.security import digest, new_id, new_token
from mockfinra.store.authn import SessionToken
from mockfinra.store.base import get_locked
from mockfinra.store.sessions import WebSession
from mockfinra.store.users import User

#: users whose sessionTokens no longer open a session
INACTIVE_USER_STATUSES = ("DEPROVISIONED", "SUSPENDED", "STAGED")


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
    row = get_locked(db, SessionToken, digest(token or ""))
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


def start_session(ctx: Context, db: Session, token: str) -> WebSession | None:
    """Redeem a sessionToken and open the session it proves. None when the token is unknown, expired or
    used, or its user can no longer sign in (deactivated or suspended since)."""
    redeemed = redeem_session_token(ctx, db, token)
    user = db.get(User, redeemed.user_id) if redeemed else None
    if redeemed is None or user is None or user.status in INACTIVE_USER_STATUSES:
        return None
    return create_session(ctx, db, user, redeemed.amr)


def refresh_session(ctx: Context, session: WebSession) -> WebSession:
    """Extend an active session: it now expires a full lifetime after the mock clock's now."""
    session.expires_at = ctx.clock.now() + timedelta(seconds=ctx.settings.session_lifetime_seconds)
    return session


def close_session(db: Session, session: WebSession) -> None:
    db.delete(session)


def end_user_sessions(db: Session, user_id: str) -> None:
    """A deactivated or suspended user loses every session and every unused sessionToken."""
    db.execute(delete(WebSession).where(WebSession.user_id == user_id))
    db.execute(delete(SessionToken).where(SessionToken.user_id == user_id, SessionToken.used_at.is_(None)))


# --- where sessionCookieRedirect may send the browser -----------------------------------------------

_LOOPBACK_NAMES = ("localhost",)


def origin_of(url: str) -> tuple[str, str, int] | None:
    """`(scheme, host, port)` of an absolute http(s) URL, with the default port filled in; None if the URL
    is not one (relative, another scheme, no host, or characters browsers read differently)."""
    if any(ch in url for ch in "\\\r\n\t ") or any(ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return scheme, parts.hostname.lower().rstrip("."), port or (443 if scheme == "https" else 80)


def is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def redirect_refusal(url: str, own_origins: Iterable[str], trusted_origins: Iterable[str]) -> str | None:
    """Why `url` is not a trusted redirect target, or None when it is.

    Trusted: the mock's own origins, any loopback origin (localhost, 127.0.0.0/8, [::1], any port or
    scheme) and the origins trusted for REDIRECT (exact scheme, host and port; see `trusted_origins`).
    """
    target = origin_of(url)
    if target is None:
        return "redirectUrl must be an absolute http:// or https:// URL."
    if is_loopback(target[1]):
        return None
    allowed = {origin_of(origin) for origin in [*own_origins, *trusted_origins]}
    if target in allowed:
        return None
    scheme, host, port = target
    return (
        f"redirectUrl {scheme}://{host}:{port} is not a trusted origin. Add it with the REDIRECT scope "
        "(MOCKFINRA_TRUSTED_ORIGINS, or POST /_mock/trusted-origins) to allow it."
    )
