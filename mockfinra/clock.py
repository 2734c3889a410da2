"""The one mock clock. Every time-based rule reads `Clock.now()`, never the wall clock."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Callable

#: the instants the mock clock may show: every expiry computed from them (refresh tokens 90 days on, TOTP
#: counters, JWT `exp`) stays inside what `datetime` and Unix time can hold
SUPPORTED_FROM = datetime(1971, 1, 1, tzinfo=timezone.utc)
SUPPORTED_UNTIL = datetime(9000, 1, 1, tzinfo=timezone.utc)
SUPPORTED_RANGE = "1971-01-01T00:00:00Z to 9000-01-01T00:00:00Z"


class ClockRangeError(ValueError):
    """An instant the mock clock does not support (outside `SUPPORTED_RANGE`)."""


def check_supported(moment: datetime) -> datetime:
    """`moment` if the mock clock may show it, else `ClockRangeError` naming the supported range."""
    if not SUPPORTED_FROM <= moment <= SUPPORTED_UNTIL:
        shown = moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
        raise ClockRangeError(f"{shown} is outside the supported range {SUPPORTED_RANGE}.")
    return moment


def shifted(moment: datetime, seconds: float) -> datetime:
    """`moment` + `seconds`, refused (`ClockRangeError`) when that leaves the supported range."""
    try:
        return check_supported(moment + timedelta(seconds=seconds))
    except OverflowError:
        raise ClockRangeError(f"advancing by {seconds} seconds leaves the supported range {SUPPORTED_RANGE}.") from None


def utcnow_wall() -> datetime:
    return datetime.now(timezone.utc)


def parse_instant(value: str) -> datetime:
    """Parse an ISO-8601 instant; a value without a zone is taken as UTC."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def isoformat_z(moment: datetime) -> str:
    """Okta's timestamp format: `2015-11-03T10:15:57.000Z`."""
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Clock:
    """Wall time plus an offset, or a frozen instant. Thread-safe."""

    def __init__(
        self,
        start: datetime | None = None,
        frozen: bool = False,
        wall: Callable[[], datetime] = utcnow_wall,
    ) -> None:
        if start is not None:
            check_supported(start)
        self._wall = wall
        self._lock = threading.Lock()
        self._start = start
        self._start_frozen = frozen
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None
        self.reset()

    def reset(self) -> None:
        """Back to the configured start (used by `POST /_mock/reset`)."""
        with self._lock:
            now = self._wall()
            self._offset = (self._start - now) if self._start else timedelta(0)
            self._frozen_at = (self._start or now) if self._start_frozen else None

    def now(self) -> datetime:
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return self._wall() + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def advance(self, seconds: float) -> datetime:
        """Move by `seconds`; `ClockRangeError` (and no change) when that leaves the supported range."""
        with self._lock:
            now = self._frozen_at if self._frozen_at is not None else self._wall() + self._offset
            delta = shifted(now, seconds) - now
            if self._frozen_at is not None:
                self._frozen_at += delta
            else:
                self._offset += delta
        return self.now()

    def set(self, moment: datetime) -> datetime:
        """Jump to `moment`; `ClockRangeError` (and no change) outside the supported range."""
        check_supported(moment)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = moment
            else:
                self._offset = moment - self._wall()
        return self.now()

    def freeze(self, frozen: bool) -> datetime:
        with self._lock:
            if frozen and self._frozen_at is None:
                self._frozen_at = self._wall() + self._offset
            elif not frozen and self._frozen_at is not None:
                self._offset = self._frozen_at - self._wall()
                self._frozen_at = None
        return self.now()

    def state(self) -> dict[str, object]:
        """What another process needs to show the same time: the offset (µs) or the frozen instant."""
        with self._lock:
            return {
                "offsetMicroseconds": self._offset // timedelta(microseconds=1),
                "frozenAt": self._frozen_at.isoformat() if self._frozen_at is not None else None,
            }

    def load(self, state: dict[str, object]) -> None:
        """Show the time `state` (from `state()`, maybe of another process on this host) describes."""
        frozen = state.get("frozenAt")
        with self._lock:
            self._offset = timedelta(microseconds=int(state.get("offsetMicroseconds") or 0))  # type: ignore[call-overload]
            self._frozen_at = datetime.fromisoformat(str(frozen)) if frozen else None

    def to_wall(self, moment: datetime) -> datetime:
        """The wall-clock instant that is as far from the wall clock's now as `moment` is from the mock now."""
        return moment - (self.now() - self._wall())

    def snapshot(self) -> dict[str, object]:
        now = self.now()
        return {
            "now": isoformat_z(now),
            "epoch": now.timestamp(),
            "frozen": self.frozen,
            "offsetSeconds": round((now - self._wall()).total_seconds(), 3),
        }
