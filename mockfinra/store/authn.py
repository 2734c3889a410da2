"""Authentication transactions (behind a stateToken) and one-time session tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockfinra.security import digest
from mockfinra.store.base import Base, JsonDict, JsonList, UTCDateTime, locked


class Transaction(Base):
    """One `/api/v1/authn` transaction. Found by the digest of its stateToken."""

    __tablename__ = "authn_transactions"
    __state_key__ = "transactions"
    __state_exclude__ = ("state_token_digest",)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    state_token_digest: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    #: None for a recovery transaction started for an unknown user (no enumeration)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True)
    status: Mapped[str] = mapped_column(String(32))
    factor_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    factor_result: Mapped[str | None] = mapped_column(String(32), nullable=True)
    relay_state: Mapped[str | None] = mapped_column(Text, nullable=True)
    recovery_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    recovery_factor_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: authentication methods proven so far (pwd, otp, sms, kba, ...)
    amr: Mapped[list[str]] = mapped_column(JsonList, default=list)
    data: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionToken(Base):
    """The one-time sessionToken of a SUCCESS transaction (lives 5 minutes)."""

    __tablename__ = "session_tokens"
    __state_key__ = "sessionTokens"
    __state_exclude__ = ("digest",)

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    amr: Mapped[list[str]] = mapped_column(JsonList, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def find_transaction(db: Session, state_token: str) -> Transaction | None:
    return db.scalar(locked(select(Transaction).where(Transaction.state_token_digest == digest(state_token))))
