"""Wakes waiters (long-polls, event streams) when a message is committed. No busy loops.

Writers run in worker threads; waiters are coroutines on the event loop. `notify()` is thread-safe and
is called after the writing transaction commits, so a woken waiter always finds the new row.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any


class OutboxHub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self.version = 0

    def notify(self, _message: Any = None) -> None:
        with self._lock:
            self.version += 1
            waiters = list(self._waiters)
        for loop, event in waiters:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:
                pass  # that loop is closed; its waiter is gone

    async def wait(self, timeout: float) -> bool:
        """Wait until the next notify or the timeout; True when notified."""
        event = asyncio.Event()
        entry = (asyncio.get_running_loop(), event)
        with self._lock:
            self._waiters.add(entry)
        try:
            await asyncio.wait_for(event.wait(), timeout)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            with self._lock:
                self._waiters.discard(entry)
