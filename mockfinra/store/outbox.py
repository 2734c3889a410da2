"""Captured outbound messages: email, SMS, voice calls and pushes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mockfinra.store.base import Base, JsonDict, UTCDateTime


class Message(Base):
    __tablename__ = "messages"
    __state_key__ = "messages"
    __state_exclude__ = ("seq", "to_key")

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: recording order, increasing for the life of the process (a frozen clock gives equal timestamps)
    seq: Mapped[int] = mapped_column(Integer, index=True, default=0)
    #: email | sms | voice | push
    channel: Mapped[str] = mapped_column(String(8), index=True)
    to: Mapped[str] = mapped_column(String(255), index=True)
    #: `to` normalised for matching: lower case, or only the digits of a phone number
    to_key: Mapped[str] = mapped_column(String(255), index=True, default="")
    subject: Mapped[str | None] = mapped_column(Text, nullable=True)
    body: Mapped[str] = mapped_column(Text)
    #: an email's HTML part (`body` is its text part); None for SMS, calls, pushes and plain-text emails
    html: Mapped[str | None] = mapped_column(Text, nullable=True)
    code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    link: Mapped[str | None] = mapped_column(Text, nullable=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
