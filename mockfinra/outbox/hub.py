"""Wakes waiters (long-polls, event streams) when a message is committed. No busy loops.

Writers run in worker threads; waiters are coroutines on the event loop. `notify()` is thread-safe and
is called after the writing transaction commits, so a woken waiter always finds the new row.

The hub also carries the outbox's per-app configuration (retention, SMTP relay) because `record()`
receives the hub but not the settings, and it hands out the recording sequence numbers.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockfinra.outbox.relay import SmtpRelay
    from mockfinra.settings import Settings


class OutboxHub:
    def __init__(
        self, max_messages: int = 1000, relay: SmtpRelay | None = None, shared: bool = False, channel: str = ""
    ) -> None:
        self._lock = threading.Lock()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._closed = False
        self._seq = 0
        self.version = 0
        #: keep at most this many messages (0: no limit); the oldest are pruned when one is recorded
        self.max_messages = max_messages
        self.relay = relay
        #: open event streams (for diagnostics and tests)
        self.streams = 0
        #: several worker processes share the store: messages are announced to the others (outbox/wakeups.py)
        self.shared = shared
        #: the PostgreSQL NOTIFY channel of this store (outbox/wakeups.py)
        self.channel = channel

    @classmethod
    def from_settings(cls, settings: Settings) -> OutboxHub:
        from mockfinra.outbox.relay import SmtpRelay
        from mockfinra.outbox.wakeups import channel_name

        relay = SmtpRelay.from_settings(settings) if settings.smtp_url else None
        return cls(
            max_messages=settings.messages_max,
            relay=relay,
            shared=settings.shares_state,
            channel=channel_name(settings.db),
        )

    def next_seq(self, stored_max: int | None) -> int:
        """The next recording sequence number: above every stored one and every one handed out before.

        The in-memory high-water mark keeps the sequence increasing after messages are deleted or the
        state is reset, so an open stream never misses a message recorded afterwards.
        """
        with self._lock:
            self._seq = max(self._seq, stored_max or 0) + 1
            return self._seq

    def notify(self, _message: Any = None) -> None:
        with self._lock:
            self.version += 1
            waiters = list(self._waiters)
        self._wake(waiters)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def waiting(self) -> int:
        """How many long-polls and streams are asleep on the hub right now."""
        with self._lock:
            return len(self._waiters)

    def close(self) -> None:
        """The server is stopping: wake every waiter now and end every stream and long-poll."""
        with self._lock:
            self._closed = True
            waiters = list(self._waiters)
        self._wake(waiters)

    async def wait(self, timeout: float, seen: int | None = None) -> bool:
        """Wait until the next notify or the timeout; True when notified (or closed).

        With `seen` (a `version` read before the caller looked at the store) a notify that happened
        since then counts, so no wake-up is lost between the read and the wait.
        """
        event = asyncio.Event()
        entry = (asyncio.get_running_loop(), event)
        with self._lock:
            if self._closed or (seen is not None and self.version != seen):
                return True
            self._waiters.add(entry)
        try:
            await asyncio.wait_for(event.wait(), max(timeout, 0))
            return True
        except TimeoutError:
            return False
        finally:
            with self._lock:
                self._waiters.discard(entry)

    @staticmethod
    def _wake(waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]]) -> None:
        for loop, event in waiters:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:
                pass  # that loop is closed; its waiter is gone
