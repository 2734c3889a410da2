"""OAuth 2.0 / OIDC state: the signing key, authorization codes, refresh tokens and issued access tokens.

Opaque tokens (codes, refresh tokens) are stored by their SHA-256 digest only. Access tokens are JWTs;
each one issued is recorded by its `jti` so that it can be revoked (RFC 7009) before it expires.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockfinra.security import digest
from mockfinra.store.base import Base, JsonDict, JsonList, UTCDateTime, locked


class SigningKey(Base):
    """The authorization server's RSA key (generated on first use; a reset wipes it, so it rotates)."""

    __tablename__ = "oauth_signing_keys"
    __state_key__ = "signingKeys"
    __state_exclude__ = ("private_pem",)

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JsonDict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuthorizationCode(Base):
    """A single-use authorization code from `v1/authorize`."""

    __tablename__ = "oauth_codes"
    __state_key__ = "authorizationCodes"
    __state_exclude__ = ("digest", "code_challenge")

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    redirect_uri: Mapped[str] = mapped_column(Text)
    scopes: Mapped[list[str]] = mapped_column(JsonList, default=list)
    nonce: Mapped[str | None] = mapped_column(Text, nullable=True)
    code_challenge: Mapped[str | None] = mapped_column(String(128), nullable=True)
    code_challenge_method: Mapped[str | None] = mapped_column(String(8), nullable=True)
    session_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    amr: Mapped[list[str]] = mapped_column(JsonList, default=list)
    auth_time: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RefreshToken(Base):
    """An opaque refresh token. `source` is `authorize` (code flow) or `traqs` (the API access page)."""

    __tablename__ = "oauth_refresh_tokens"
    __state_key__ = "refreshTokens"
    __state_exclude__ = ("digest",)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scopes: Mapped[list[str]] = mapped_column(JsonList, default=list)
    source: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(100), default="")
    #: the token's first characters, shown so a user can tell tokens apart (not enough to use one)
    prefix: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: the authorization code this token family came from (revoked if the code is replayed)
    code_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    amr: Mapped[list[str]] = mapped_column(JsonList, default=list)
    auth_time: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: why it stopped working: revoked | rotated | code_replayed
    revoked_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)


class AccessTokenRecord(Base):
    """One issued access token (a JWT), by `jti`."""

    __tablename__ = "oauth_access_tokens"
    __state_key__ = "accessTokens"

    jti: Mapped[str] = mapped_column(String(40), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scopes: Mapped[list[str]] = mapped_column(JsonList, default=list)
    refresh_token_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    code_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def find_code(db: Session, code: str) -> AuthorizationCode | None:
    return db.scalar(locked(select(AuthorizationCode).where(AuthorizationCode.digest == digest(code))))


def find_refresh_token(db: Session, token: str) -> RefreshToken | None:
    return db.scalar(locked(select(RefreshToken).where(RefreshToken.digest == digest(token))))


def refresh_tokens_of(db: Session, user_id: str) -> list[RefreshToken]:
    """A user's refresh tokens, newest first."""
    query = select(RefreshToken).where(RefreshToken.user_id == user_id).order_by(RefreshToken.created_at.desc())
    return list(db.scalars(query))


def access_tokens_where(db: Session, **criteria: str) -> list[AccessTokenRecord]:
    query = select(AccessTokenRecord)
    for name, value in criteria.items():
        query = query.where(getattr(AccessTokenRecord, name) == value)
    return list(db.scalars(query))


def refresh_tokens_where(db: Session, **criteria: str) -> list[RefreshToken]:
    query = select(RefreshToken)
    for name, value in criteria.items():
        query = query.where(getattr(RefreshToken, name) == value)
    return list(db.scalars(query))
