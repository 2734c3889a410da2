"""Requests made through the mock FINRA Order Form (`/traqs/order-form`): who asked for which user."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockfinra.store.base import Base, JsonList, UTCDateTime


class OrderRequest(Base):
    """One user requested by an order-form administrator. The user's status is read from `users`."""

    __tablename__ = "order_requests"
    __state_key__ = "orderRequests"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: the created user; NULL once that user is deleted
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    login: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    firm: Mapped[str] = mapped_column(String(100))
    entitlements: Mapped[list[str]] = mapped_column(JsonList, default=list)
    #: WEB and/or API
    access: Mapped[list[str]] = mapped_column(JsonList, default=list)
    requested_by: Mapped[str] = mapped_column(String(255))
    #: the requesting administrator's firm key (see traqs/profile.py): whose list the request is on
    owner_key: Mapped[str] = mapped_column(String(160), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    invitations_sent: Mapped[int] = mapped_column(Integer, default=1)
    last_invited_at: Mapped[datetime] = mapped_column(UTCDateTime)


def order_requests_of(db: Session, owner_key: str) -> list[OrderRequest]:
    """An owner's requests, newest first."""
    query = (
        select(OrderRequest)
        .where(OrderRequest.owner_key == owner_key)
        .order_by(OrderRequest.created_at.desc(), OrderRequest.id.desc())
    )
    return list(db.scalars(query))
