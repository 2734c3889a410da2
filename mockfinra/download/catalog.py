"""The reference-data catalogue as the download hosts see it: which file, which day, and why not.

One `RefData` per app lives in `ctx.resources["refdata"]`, built on first use.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time
from typing import Any

from mockfinra.context import Context
from mockfinra.errors import ClientError

RESOURCE_KEY = "refdata"
_BUILD_LOCK = threading.Lock()
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def refdata(ctx: Context) -> Any:
    """The app's `RefData` (built lazily from `refdata_seed` and the refdata settings)."""
    existing = ctx.resources.get(RESOURCE_KEY)
    if existing is not None:
        return existing
    with _BUILD_LOCK:
        existing = ctx.resources.get(RESOURCE_KEY)
        if existing is None:
            from mockfinra.refdata.service import RefData

            settings = ctx.settings
            built = RefData(settings.refdata_seed, scale=settings.refdata_scale, cache_dir=settings.refdata_cache_dir)
            existing = ctx.resources.setdefault(RESOURCE_KEY, built)
    return existing


def find_spec(ctx: Context, facility: str, code: str) -> Any:
    """The file's spec, or 404 naming the codes this facility has."""
    data = refdata(ctx)
    spec = data.find(facility, code)
    if spec is None:
        codes = sorted(s.code for s in data.files() if s.facility.upper() == facility)
        known = f"; {facility} files are: {', '.join(codes)}" if codes else f"; there are no {facility} files"
        raise ClientError(404, f"There is no {facility} file '{code}'{known}.", "unknown_file")
    return spec


def resolve_day(ctx: Context, spec: Any, day: date | None, now: datetime) -> date:
    """The requested day if a file exists for it at `now`, else the latest; 404 with the reason otherwise."""
    data = refdata(ctx)
    available = data.available_dates(spec, now)
    label = f"{spec.facility} {spec.code}"
    if day is None:
        if not available:
            raise ClientError(404, f"No {label} file is available yet.", "no_file")
        return available[0]
    if day in available:
        return day
    raise ClientError(404, f"No {label} file for {day.isoformat()}: {why_not(spec, day, now, available)}", "no_file")


def why_not(spec: Any, day: date, now: datetime, available: list[date]) -> str:
    """A person-readable reason why `day` has no file at `now` (`available` is newest first)."""
    from mockfinra.refdata.calendar import eastern_date, nyse_holidays

    newest = available[0].isoformat() if available else None
    hint = f" The latest file is for {newest}." if newest else ""
    today = eastern_date(now)
    if day > today:
        return f"that day is in the future (it is now {today.isoformat()} in New York).{hint}"
    if day.weekday() >= 5:
        return f"it is a {_WEEKDAYS[day.weekday()]}; files are published on business days only.{hint}"
    if day in nyse_holidays(day.year):
        return f"it is a market holiday; no file is published.{hint}"
    if available and day < available[-1]:
        return (
            f"it is older than the history kept (one rolling year: the oldest file is for "
            f"{available[-1].isoformat()})."
        )
    if day == today:
        at = getattr(spec, "available_at", None)
        when = f" at about {at:%H:%M} ET" if isinstance(at, time) else " later today"
        return f"today's file is not published yet; it becomes available{when}.{hint}"
    return f"no file was published for that day.{hint}"
