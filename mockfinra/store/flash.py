"""One-time values for the next page a session opens (post/redirect/get): written by a POST, read and
deleted by the GET it redirects to. Not listed by `GET /_mock/state`: a flash may hold a new secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mockfinra.store.base import Base, UTCDateTime


class Flash(Base):
    __tablename__ = "flashes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
