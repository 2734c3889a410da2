"""Recording outbound messages. Codes and links are extracted when the message is recorded."""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from mockfinra.clock import Clock, isoformat_z
from mockfinra.outbox.hub import OutboxHub
from mockfinra.outbox.wakeups import announce
from mockfinra.security import new_id
from mockfinra.store.meta import OUTBOX_SEQ, next_counter
from mockfinra.store.outbox import Message

log = logging.getLogger("mockfinra.outbox")

CHANNELS = ("email", "sms", "voice", "push")
_LINK = re.compile(r"https?://[^\s\"'<>]+")
_CODE = re.compile(r"(?<![\w-])(\d{6})(?![\w-])")
_PHONE = re.compile(r"\+?[\d\s().\-/]+")
_LOG_LABEL = {"sms": "SMS", "voice": "Voice call"}


def extract_link(body: str) -> str | None:
    match = _LINK.search(body)
    return match.group(0).rstrip(".,);") if match else None


def extract_code(body: str) -> str | None:
    match = _CODE.search(body)
    return match.group(1) if match else None


def address_key(to: str) -> str:
    """What `to` is matched on: a phone number's digits (`+1 555-415-1337` → `15554151337`),
    anything else in lower case."""
    text = to.strip()
    if _PHONE.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        if digits:
            return digits
    return text.lower()


def snapshot(message: Message) -> dict[str, Any]:
    """A plain copy of a message's columns, safe to use after its session is closed."""
    return {
        "id": message.id,
        "seq": message.seq,
        "channel": message.channel,
        "to": message.to,
        "subject": message.subject,
        "body": message.body,
        "html": message.html,
        "code": message.code,
        "link": message.link,
        "meta": dict(message.meta or {}),
        "created_at": message.created_at,
    }


def to_json(message: dict[str, Any]) -> dict[str, Any]:
    """The wire form of a message snapshot (control plane, event stream)."""
    return {
        "id": message["id"],
        "channel": message["channel"],
        "to": message["to"],
        "subject": message["subject"],
        "body": message["body"],
        # additive: an email's parts (`text` is `body`; `html` is None when there is no HTML part)
        "text": message["body"],
        "html": message.get("html"),
        "code": message["code"],
        "link": message["link"],
        "createdAt": isoformat_z(message["created_at"]),
        "meta": message["meta"],
    }


def record(
    db: Session,
    clock: Clock,
    hub: OutboxHub,
    *,
    channel: str,
    to: str,
    body: str,
    subject: str | None = None,
    html: str | None = None,
    code: str | None = None,
    link: str | None = None,
    meta: dict[str, Any] | None = None,
    rehearsal: bool = False,
) -> Message:
    """Capture one message. `code`/`link` default to what the body holds; `html` is an email's HTML part.

    After the transaction commits (never if it rolls back): waiters wake, SMS and voice calls are logged
    on `mockfinra.outbox`, and an email goes to the SMTP relay when one is configured.

    A `rehearsal` does the same to the store and undoes it: the statements run inside a savepoint rolled back
    at once, and nothing else happens (no sequence number taken, no wake-up, no log line, no relay). It is for
    an answer that must cost what a real capture costs although nothing may be sent (an unknown user's
    recovery: no user enumeration by timing); the message it returns was never kept.
    """
    if not rehearsal:
        message = _stage(db, clock, hub, True, channel, to, body, subject, html, code, link, meta)
        captured = snapshot(message)
        event.listen(db, "after_commit", lambda _session: _committed(hub, captured), once=True)
        return message
    savepoint = db.begin_nested()
    try:
        message = _stage(db, clock, hub, False, channel, to, body, subject, html, code, link, meta)
        db.flush()
    finally:
        savepoint.rollback()
    return message


def _stage(
    db: Session,
    clock: Clock,
    hub: OutboxHub,
    kept: bool,
    channel: str,
    to: str,
    body: str,
    subject: str | None,
    html: str | None,
    code: str | None,
    link: str | None,
    meta: dict[str, Any] | None,
) -> Message:
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    now = clock.now()
    # No flush here: the caller's pending objects may not be complete yet.
    with db.no_autoflush:
        stored_max = db.scalar(select(func.max(Message.seq)))
        _prune(db, hub.max_messages)
        if not kept:  # a rehearsal takes no number from the hub or the shared counter
            seq = (stored_max or 0) + 1
        elif hub.shared:  # several workers: one stored sequence for all, and a wake-up for the others' waiters
            seq = next_counter(db, OUTBOX_SEQ, (stored_max or 0) + 1)
            announce(db, hub)
        else:
            seq = hub.next_seq(stored_max)
    message = Message(
        id=new_id("msg", 24),
        seq=seq,
        channel=channel,
        to=to,
        to_key=address_key(to),
        subject=subject,
        body=body,
        html=html,
        code=code if code is not None else extract_code(body),
        link=link if link is not None else extract_link(body),
        meta=dict(meta or {}),
        # Millisecond precision, as createdAt is shown, so `since=<createdAt>` compares exactly.
        created_at=now.replace(microsecond=now.microsecond // 1000 * 1000),
    )
    db.add(message)
    return message


def _prune(db: Session, keep: int) -> None:
    """Retention: make room for one more message among the newest `keep` (0 keeps everything).

    Messages recorded earlier in this transaction are still pending (not flushed) and count too.
    """
    if keep <= 0:
        return
    room = keep - 1 - sum(1 for pending in db.new if isinstance(pending, Message))
    statement = delete(Message).execution_options(synchronize_session=False)
    if room > 0:
        newest = select(Message.seq).order_by(Message.seq.desc()).offset(room - 1).limit(1)
        oldest_kept = db.scalar(newest)
        if oldest_kept is None:
            return
        statement = statement.where(Message.seq < oldest_kept)
    db.execute(statement)


def _committed(hub: OutboxHub, message: dict[str, Any]) -> None:
    hub.notify(message)
    label = _LOG_LABEL.get(message["channel"])
    if label:
        # Like the Firebase Auth emulator: the code is visible in the server log.
        what = f"code {message['code']}" if message["code"] else repr(message["body"][:120])
        log.info("%s to %s: %s", label, message["to"], what)
    if message["channel"] == "email" and hub.relay is not None:
        hub.relay.submit(message)
