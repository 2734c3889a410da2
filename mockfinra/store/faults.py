"""Injected faults (`/_mock/faults`): what to match, what to do, and how often it has matched and fired.

The spec is kept as JSON (the validated `FaultSpec` of `mockfinra.faults.spec`), so new match rules or
actions need no new columns. Counters live in the row so `skip` and `times` survive a restart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockfinra.store.base import Base, JsonDict, UTCDateTime


class FaultRow(Base):
    __tablename__ = "faults"
    __state_key__ = "faults"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: creation order: faults are evaluated oldest first
    seq: Mapped[int] = mapped_column(Integer, index=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JsonDict)
    #: where it came from: "api" (POST /_mock/faults) or "settings" (the MOCKFINRA_FAULTS file)
    origin: Mapped[str] = mapped_column(String(16), default="api")
    #: the preset it belongs to, when made from one
    preset: Mapped[str | None] = mapped_column(String(40), nullable=True)
    #: requests that matched its rules (the first `skip` of them pass)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    #: times its action ran
    fired: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def all_faults(db: Session) -> list[FaultRow]:
    return list(db.scalars(select(FaultRow).order_by(FaultRow.seq)))


def next_seq(db: Session) -> int:
    rows = db.scalars(select(FaultRow.seq).order_by(FaultRow.seq.desc()).limit(1)).all()
    return (rows[0] if rows else 0) + 1


def delete_faults(db: Session, *, fault_id: str | None = None, origin: str | None = None) -> int:
    statement = delete(FaultRow)
    if fault_id is not None:
        statement = statement.where(FaultRow.id == fault_id)
    if origin is not None:
        statement = statement.where(FaultRow.origin == origin)
    return db.execute(statement).rowcount or 0
