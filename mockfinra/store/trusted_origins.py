"""Trusted origins added at runtime (`/_mock/trusted-origins`, `/api/v1/trustedOrigins`).

The ones configured by `MOCKFINRA_TRUSTED_ORIGINS` are not stored: they come from the settings on every
request (see `mockfinra.identity.core.trusted_origins`). `POST /_mock/reset` removes the stored ones.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockfinra.store.base import Base, JsonList, UTCDateTime


class TrustedOrigin(Base):
    __tablename__ = "trusted_origins"
    __state_key__ = "trustedOrigins"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    #: `scheme://host[:port]` as given, lower-cased, default port left out
    origin: Mapped[str] = mapped_column(String(255), unique=True)
    #: `CORS` and/or `REDIRECT`
    scopes: Mapped[list[str]] = mapped_column(JsonList)
    #: `ACTIVE` or `INACTIVE` (an inactive origin is kept but trusted for nothing)
    status: Mapped[str] = mapped_column(String(16), default="ACTIVE")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_updated: Mapped[datetime] = mapped_column(UTCDateTime)


def stored_origins(db: Session) -> list[TrustedOrigin]:
    return list(db.scalars(select(TrustedOrigin).order_by(TrustedOrigin.created_at, TrustedOrigin.id)))


def find_origin(db: Session, origin: str) -> TrustedOrigin | None:
    return db.scalars(select(TrustedOrigin).where(TrustedOrigin.origin == origin)).first()
