"""Finding, reading and deleting captured messages (plain Python over a store session)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from mockfinra.clock import parse_instant
from mockfinra.errors import ClientError
from mockfinra.outbox.messages import CHANNELS, address_key, snapshot
from mockfinra.store.outbox import Message


@dataclass(frozen=True)
class MessageFilter:
    """Which messages a request is about. Empty fields match everything."""

    to_key: str | None = None
    channels: tuple[str, ...] = ()
    #: only messages recorded after this sequence number (`since=<message id>`)
    after_seq: int | None = None
    #: only messages created at or after this mock-clock instant (`since=<ISO-8601>`)
    since: datetime | None = None

    def apply(self, query: Any) -> Any:
        if self.to_key is not None:
            query = query.where(Message.to_key == self.to_key)
        if self.channels:
            query = query.where(Message.channel.in_(self.channels))
        if self.after_seq is not None:
            query = query.where(Message.seq > self.after_seq)
        if self.since is not None:
            query = query.where(Message.created_at >= self.since)
        return query


def parse_channels(channel: str | None) -> tuple[str, ...]:
    """`channel=sms` or a comma-separated list (`sms,voice`)."""
    if channel is None or not channel.strip():
        return ()
    names = tuple(dict.fromkeys(part.strip().lower() for part in channel.split(",") if part.strip()))
    unknown = [name for name in names if name not in CHANNELS]
    if unknown:
        raise ClientError(400, f"channel: unknown channel {unknown[0]!r}; use one of {', '.join(CHANNELS)}.")
    return names


def parse_since_instant(value: str) -> datetime | None:
    """An ISO-8601 instant, forgiving a `+` that arrived as a space because it was not URL-encoded."""
    for text in (value, value.replace(" ", "+")):
        try:
            return parse_instant(text)
        except ValueError:
            continue
    return None


def build_filter(
    db: Session, to: str | None = None, channel: str | None = None, since: str | None = None
) -> MessageFilter:
    """Validate the query parameters; raises ClientError (400) naming the bad one."""
    channels = parse_channels(channel)
    to_key = address_key(to) if to is not None and to.strip() else None
    after_seq = None
    moment = None
    if since is not None and since.strip():
        value = since.strip()
        after_seq = db.scalar(select(Message.seq).where(Message.id == value))
        if after_seq is None:
            moment = parse_since_instant(value)
            if moment is None:
                raise ClientError(
                    400,
                    f"since: {value!r} is neither the id of a captured message nor an ISO-8601 instant "
                    "(e.g. 2026-03-02T14:30:00Z).",
                )
    return MessageFilter(to_key=to_key, channels=channels, after_seq=after_seq, since=moment)


def resolve_after(db: Session, message_id: str | None) -> int | None:
    """The sequence number of a message id, None when there is no such message."""
    if not message_id:
        return None
    return db.scalar(select(Message.seq).where(Message.id == message_id.strip()))


def list_messages(
    db: Session, where: MessageFilter, limit: int | None = None, newest_first: bool = True
) -> list[dict[str, Any]]:
    order = Message.seq.desc() if newest_first else Message.seq.asc()
    query: Select[Any] = where.apply(select(Message)).order_by(order)
    if limit is not None:
        query = query.limit(limit)
    return [snapshot(message) for message in db.scalars(query)]


def get_message(db: Session, message_id: str) -> dict[str, Any] | None:
    message = db.get(Message, message_id)
    return snapshot(message) if message is not None else None


def delete_messages(db: Session, where: MessageFilter) -> int:
    statement = where.apply(delete(Message)).execution_options(synchronize_session=False)
    result: CursorResult[Any] = db.execute(statement)  # type: ignore[assignment]
    return result.rowcount


def last_seq(db: Session) -> int:
    return db.scalar(select(func.max(Message.seq))) or 0
