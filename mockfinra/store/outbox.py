"""Captured outbound messages: email, SMS, voice calls and pushes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mockfinra.store.base import Base, JsonDict, UTCDateTime


class Message(Base):
    __tablename__ = "messages"
    __state_key__ = "messages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: email | sms | voice | push
    channel: Mapped[str] = mapped_column(String(8), index=True)
    to: Mapped[str] = mapped_column(String(255), index=True)
    subject: Mapped[str | None] = mapped_column(Text, nullable=True)
    body: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    link: Mapped[str | None] = mapped_column(Text, nullable=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
