"""Recovery tokens: the one-time tokens in "reset your password" / "unlock your account" emails."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockfinra.security import digest
from mockfinra.store.base import Base, UTCDateTime, get_locked


class RecoveryToken(Base):
    """Found by the digest of the token (the token itself is only in the email)."""

    __tablename__ = "recovery_tokens"
    __state_key__ = "recoveryTokens"
    __state_exclude__ = ("digest",)

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: PASSWORD | UNLOCK
    recovery_type: Mapped[str] = mapped_column(String(16))
    relay_state: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def find_recovery_token(db: Session, token: str) -> RecoveryToken | None:
    return get_locked(db, RecoveryToken, digest(token or ""))
