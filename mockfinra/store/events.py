"""Sign-in events: one row per sign-in attempt's outcome (the account page's recent activity, the System Log)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockfinra.store.base import Base, JsonList, UTCDateTime


class SignInEvent(Base):
    __tablename__ = "signin_events"
    __state_key__ = "signInEvents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: increasing per store, so events sort and page in the order they happened
    seq: Mapped[int] = mapped_column(Integer, index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True)
    login: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    #: Okta's System Log event type (user.session.start, user.authentication.auth_via_mfa, user.account.lock)
    event_type: Mapped[str] = mapped_column(String(64))
    #: SUCCESS, FAILURE or DENY
    result: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: the methods proven (pwd, kba, otp, sms, tel, swk, email)
    methods: Mapped[list[str]] = mapped_column(JsonList, default=list)
    #: how the sign-in came: classic (`/api/v1/authn`), idx (Identity Engine), legacy (certificate host)
    protocol: Mapped[str] = mapped_column(String(16))
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


def recent_events(db: Session, user_id: str, limit: int = 10) -> list[SignInEvent]:
    query = select(SignInEvent).where(SignInEvent.user_id == user_id).order_by(SignInEvent.seq.desc()).limit(limit)
    return list(db.scalars(query))
