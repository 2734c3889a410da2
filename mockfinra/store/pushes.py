"""Okta Verify push notifications sent to the virtual phone, and their outcome."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockfinra.store.base import Base, JsonList, UTCDateTime, get_locked

#: PENDING until the device answers or it times out; CANCELLED when the sign-in moved on without it
PUSH_STATUSES = ("PENDING", "APPROVED", "REJECTED", "TIMEOUT", "CANCELLED")


class Push(Base):
    __tablename__ = "pushes"
    __state_key__ = "pushes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    factor_id: Mapped[str] = mapped_column(ForeignKey("factors.id", ondelete="CASCADE"), index=True)
    login: Mapped[str] = mapped_column(String(255), index=True)
    #: the authn transaction that sent it (not a foreign key: the transaction ends at SUCCESS)
    transaction_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    #: the factor's pushPolicy when it was sent (manual, approve, deny, timeout)
    policy: Mapped[str] = mapped_column(String(16), default="manual")
    #: number challenge: the number to pick, and the numbers the phone offers
    correct_answer: Mapped[int | None] = mapped_column(Integer, nullable=True)
    choices: Mapped[list[int]] = mapped_column(JsonList, default=list)
    client_ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(Text, nullable=True)
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def get_push(db: Session, push_id: str) -> Push | None:
    return get_locked(db, Push, push_id)


def find_pushes(db: Session, login_key: str | None = None, status: str | None = None) -> list[Push]:
    """Pushes, newest first, optionally of one user (lower-cased login) and one status."""
    query = select(Push).order_by(Push.created_at.desc(), Push.id)
    if login_key:
        query = query.where(Push.login == login_key)
    if status:
        query = query.where(Push.status == status)
    return list(db.scalars(query))
