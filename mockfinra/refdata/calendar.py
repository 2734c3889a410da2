"""The business-day calendar (weekdays less NYSE holidays) and the weekday index used by generators.

The weekday index counts Monday-to-Friday days from a fixed epoch. Generators schedule events on
weekday indices only, so the state "as of" any date is a cheap O(1) computation; an event that falls
on a holiday simply shows up in the next business day's daily list.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

EPOCH = date(2000, 1, 3)  # a Monday
EASTERN = ZoneInfo("America/New_York")


def weekday_index(day: date) -> int:
    """Index of `day` (or of the last weekday before a weekend day) since the epoch."""
    weeks, rest = divmod((day - EPOCH).days, 7)
    return weeks * 5 + min(rest, 4)


def weekday_date(index: int) -> date:
    weeks, rest = divmod(index, 5)
    return EPOCH + timedelta(days=weeks * 7 + rest)


@lru_cache(maxsize=128)
def nyse_holidays(year: int) -> frozenset[date]:
    """NYSE full-day closures of one year (memoised: a pure function of the year)."""
    import holidays  # heavy: imported only when a calendar is first needed

    return frozenset(holidays.financial_holidays("NYSE", years=year).keys())


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in nyse_holidays(day.year)


def previous_business_day(day: date) -> date:
    day -= timedelta(days=1)
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def eastern_instant(day: date, at: time) -> datetime:
    """`at` Eastern time on `day`, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=EASTERN).astimezone(timezone.utc)


def eastern_date(moment: datetime) -> date:
    return moment.astimezone(EASTERN).date()


def mmddyyyy(day: date) -> str:
    return f"{day.month:02d}{day.day:02d}{day.year:04d}"


def yyyymmdd(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def parse_file_date(text: str) -> date:
    """`YYYY-MM-DD`, `YYYYMMDD` or `MMDDYYYY` (the download API's format) into a date."""
    value = text.strip()
    try:
        if len(value) == 10 and value[4] == "-":
            return date.fromisoformat(value)
        if len(value) == 8 and value.isdigit():
            if value[:2] in ("19", "20") and 1 <= int(value[4:6]) <= 12:
                return date(int(value[:4]), int(value[4:6]), int(value[6:]))
            return date(int(value[4:]), int(value[:2]), int(value[2:4]))
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or MMDDYYYY)")
