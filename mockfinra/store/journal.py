"""The request journal: one row per exchange, a bounded ring (oldest rows trimmed in batches).

`id` is an AUTOINCREMENT key, so ids never repeat even after `DELETE /_mock/requests` (a client waiting
for requests "since id N" never sees an old number come back).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, Integer, String, Text, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockfinra.store.base import Base, JsonDict, UTCDateTime


class JournalEntry(Base):
    __tablename__ = "journal"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    site: Mapped[str] = mapped_column(String(16), index=True)
    method: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(Text)
    query: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text)
    #: 0 when no response was sent (a dropped connection)
    status: Mapped[int] = mapped_column(Integer, index=True)
    latency_ms: Mapped[float] = mapped_column(Float)
    user: Mapped[str | None] = mapped_column(String(255), nullable=True)
    fault: Mapped[str | None] = mapped_column(String(40), nullable=True)
    #: headers (masked), body text (masked, cut at the limit), sizes and media types of both sides
    request: Mapped[dict[str, Any]] = mapped_column(JsonDict)
    response: Mapped[dict[str, Any]] = mapped_column(JsonDict)


def trim(db: Session, keep: int) -> int:
    """Delete all but the newest `keep` entries; returns how many went."""
    newest = db.scalar(select(func.max(JournalEntry.id)))
    if newest is None:
        return 0
    return db.execute(delete(JournalEntry).where(JournalEntry.id <= newest - keep)).rowcount or 0


def clear(db: Session) -> int:
    return db.execute(delete(JournalEntry)).rowcount or 0
