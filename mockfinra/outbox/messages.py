"""Recording outbound messages. Codes and links are extracted when the message is recorded."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from mockfinra.clock import Clock
from mockfinra.outbox.hub import OutboxHub
from mockfinra.security import new_id
from mockfinra.store.outbox import Message

CHANNELS = ("email", "sms", "voice", "push")
_LINK = re.compile(r"https?://[^\s\"'<>]+")
_CODE = re.compile(r"(?<![\w-])(\d{6})(?![\w-])")


def extract_link(body: str) -> str | None:
    match = _LINK.search(body)
    return match.group(0).rstrip(".,);") if match else None


def extract_code(body: str) -> str | None:
    match = _CODE.search(body)
    return match.group(1) if match else None


def record(
    db: Session,
    clock: Clock,
    hub: OutboxHub,
    *,
    channel: str,
    to: str,
    body: str,
    subject: str | None = None,
    code: str | None = None,
    link: str | None = None,
    meta: dict[str, Any] | None = None,
) -> Message:
    """Capture one message. `code`/`link` default to what the body holds; waiters wake on commit."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    message = Message(
        id=new_id("msg", 24),
        channel=channel,
        to=to,
        subject=subject,
        body=body,
        code=code if code is not None else extract_code(body),
        link=link if link is not None else extract_link(body),
        meta=dict(meta or {}),
        created_at=clock.now(),
    )
    db.add(message)
    event.listen(db, "after_commit", lambda _session: hub.notify(message), once=True)
    return message
