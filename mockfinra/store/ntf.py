"""NTF testing windows: the free testing period that starts when the NASDAQ test team is notified."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockfinra.store.base import Base, UTCDateTime


class NtfWindow(Base):
    """One window per firm (`key` = `firm:<name>`) or, for a user without a firm, per user (`user:<login>`)."""

    __tablename__ = "ntf_windows"
    __state_key__ = "ntfWindows"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    #: `firm` or `user`
    scope: Mapped[str] = mapped_column(String(8))
    #: the firm's name as written, or the user's login
    name: Mapped[str] = mapped_column(String(255))
    notified_by: Mapped[str] = mapped_column(String(255))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)


def all_windows(db: Session) -> list[NtfWindow]:
    return list(db.scalars(select(NtfWindow).order_by(NtfWindow.started_at)))
