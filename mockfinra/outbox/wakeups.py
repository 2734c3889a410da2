"""Wake-ups across worker processes: a message committed by one worker wakes the long-polls and event streams
waiting on every other worker's `OutboxHub` (docs/workers.md). Only with several workers.

- PostgreSQL: the recording transaction sends `NOTIFY` on the store's channel (delivered when it commits, never
  before); each process has a listener thread on a connection of its own (`LISTEN`), which calls
  `hub.notify()`. Woken within milliseconds.
- SQLite: a thread per process compares the stored outbox sequence (`meta` `outbox.seq`, raised by every
  recorded message) every `POLL_SECONDS` and calls `hub.notify()` when it moved. Woken within that interval.

A spurious wake-up costs a waiter one store read (it finds nothing new and sleeps again); a missed one is
impossible while the thread runs, since the waiters re-read the store after each wake-up. The listener
reconnects after an error and then wakes everyone once, in case it missed a notification meanwhile.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mockfinra.outbox.hub import OutboxHub
from mockfinra.store.meta import OUTBOX_SEQ

log = logging.getLogger("mockfinra")

#: how often a SQLite worker looks for messages recorded by the others
POLL_SECONDS = 0.15
#: how long the PostgreSQL listener waits for a notification before looking at its stop flag
LISTEN_SECONDS = 0.5
RECONNECT_SECONDS = 1.0


def channel_name(db_url: str) -> str:
    """The NOTIFY channel of one store: a digest of its URL (schemas on one server do not hear each other)."""
    return "mockfinra_" + hashlib.sha256(db_url.encode()).hexdigest()[:20]


def announce(db: Session, hub: OutboxHub) -> None:
    """In the recording transaction: tell the other workers when it commits (PostgreSQL; SQLite polls)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(select(func.pg_notify(hub.channel, "")))


class Wakeups:
    """The thread that turns the other workers' messages into `hub.notify()` in this process."""

    def __init__(self, engine: Any, hub: OutboxHub) -> None:
        self.engine = engine
        self.hub = hub
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        target = self._listen if self.engine.dialect.name == "postgresql" else self._poll
        self._thread = threading.Thread(target=target, name="mockfinra-wakeups", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # --- SQLite ------------------------------------------------------------------------------------
    def _poll(self) -> None:
        seen: str | None = None
        connection = None
        while not self._stop.wait(POLL_SECONDS):
            try:
                if connection is None:
                    connection = _detached(self.engine)
                cursor = connection.cursor()
                cursor.execute(f"SELECT value FROM meta WHERE key = '{OUTBOX_SEQ}'")
                row = cursor.fetchone()
                cursor.close()
            except Exception as error:  # noqa: BLE001 - try again on the next round
                log.warning("outbox wake-ups: %s", error)
                connection = None
                continue
            value = row[0] if row else None
            if seen is not None and value != seen:
                self.hub.notify()
            seen = value
        if connection is not None:
            connection.close()

    # --- PostgreSQL --------------------------------------------------------------------------------
    def _listen(self) -> None:
        import psycopg
        from psycopg import sql

        url = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        missed = False
        while not self._stop.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.hub.channel)))
                    if missed:
                        self.hub.notify()
                    while not self._stop.is_set():
                        for _ in connection.notifies(timeout=LISTEN_SECONDS, stop_after=1):
                            self.hub.notify()
            except Exception as error:  # noqa: BLE001 - reconnect
                log.warning("outbox wake-ups: %s", error)
                missed = True
                self._stop.wait(RECONNECT_SECONDS)


def _detached(engine: Any) -> Any:
    pooled = engine.raw_connection()
    connection = pooled.dbapi_connection
    pooled.detach()
    return connection
