"""Browser sessions (the `sid` cookie) created from a sessionToken."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from mockfinra.store.base import Base, JsonList, UTCDateTime


class WebSession(Base):
    """An Okta session. Its `id` is also the value of the `sid` cookie, as in Okta."""

    __tablename__ = "sessions"
    __state_key__ = "sessions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    login: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="ACTIVE")
    amr: Mapped[list[str]] = mapped_column(JsonList, default=list)
    mfa_active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_password_verification: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_factor_verification: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
