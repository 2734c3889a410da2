"""Business days, the rolling year of history and availability times (Eastern)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from mockfinra.refdata import RefData
from mockfinra.refdata.calendar import (
    is_business_day,
    parse_file_date,
    previous_business_day,
    weekday_date,
    weekday_index,
)
from tests.refdata_support import SCALE, SEED, spec


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 11, 20), True),  # Friday
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 11, 22), False),  # Sunday
        (date(2026, 11, 26), False),  # Thanksgiving
        (date(2026, 11, 27), True),  # the Friday after (an early close, still a business day)
        (date(2026, 12, 25), False),  # Christmas
        (date(2026, 1, 1), False),
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 6, 19), False),  # Juneteenth
        (date(2025, 1, 9), False),  # National Day of Mourning (President Carter)
        (date(2026, 11, 11), True),  # Veterans Day: banks close, the market does not
    ],
)
def test_business_days_follow_the_nyse_calendar(day: date, expected: bool) -> None:
    assert is_business_day(day) is expected


def test_previous_business_day_skips_weekends_and_holidays() -> None:
    assert previous_business_day(date(2026, 11, 27)) == date(2026, 11, 25)
    assert previous_business_day(date(2026, 11, 30)) == date(2026, 11, 27)
    assert previous_business_day(date(2027, 1, 4)) == date(2026, 12, 31)


def test_weekday_index_round_trips() -> None:
    for offset in range(-400, 400, 7):
        day = date(2026, 1, 5) + timedelta(days=offset)
        if day.weekday() < 5:
            assert weekday_date(weekday_index(day)) == day


def test_available_dates_are_the_rolling_year_of_business_days_newest_first() -> None:
    data = RefData(SEED, scale=SCALE)
    camaster = spec(data, "TRACE", "CAMASTER")
    now = utc("2026-11-27T16:00:00")  # Friday 11:00 in New York
    days = data.available_dates(camaster, now)
    assert days[0] == date(2026, 11, 27)
    assert days == sorted(days, reverse=True)
    assert all(is_business_day(day) for day in days)
    assert date(2026, 11, 26) not in days and date(2025, 12, 25) not in days
    assert days[-1] > date(2025, 11, 27) and days[-1] < date(2025, 12, 5)
    assert 245 <= len(days) <= 255
    assert data.latest_date(camaster, now) == days[0]


def test_a_file_appears_at_its_availability_time() -> None:
    data = RefData(SEED, scale=SCALE)
    camaster = spec(data, "TRACE", "CAMASTER")  # 06:00 ET
    dividends = spec(data, "ORF", "NEXTDAYDIV")  # 18:00 ET
    before = utc("2026-11-20T10:59:59")  # 05:59:59 EST
    at = utc("2026-11-20T11:00:00")  # 06:00 EST
    assert data.latest_date(camaster, before) == date(2026, 11, 19)
    assert data.latest_date(camaster, at) == date(2026, 11, 20)
    assert data.latest_date(dividends, at) == date(2026, 11, 19)
    assert data.latest_date(dividends, utc("2026-11-20T23:00:00")) == date(2026, 11, 20)
    summer = utc("2026-07-01T10:00:00")  # 06:00 EDT
    assert data.latest_date(camaster, summer) == date(2026, 7, 1)
    assert data.latest_date(camaster, summer - timedelta(seconds=1)) == date(2026, 6, 30)
    generated = data.open(camaster, date(2026, 11, 20))
    assert generated.last_modified == at and generated.last_modified.tzinfo is not None


def test_a_weekend_morning_serves_fridays_file() -> None:
    data = RefData(SEED, scale=SCALE)
    assert data.latest_date(spec(data, "ADF", "ADFMASTER"), utc("2026-11-22T15:00:00")) == date(2026, 11, 20)


def test_now_must_be_aware() -> None:
    data = RefData(SEED, scale=SCALE)
    with pytest.raises(ValueError):
        data.available_dates(spec(data, "TRACE", "CAMASTER"), datetime(2026, 11, 20, 12))


@pytest.mark.parametrize("day", [date(2026, 11, 21), date(2026, 11, 26), date(2026, 12, 25)])
def test_open_refuses_a_day_without_a_file(day: date) -> None:
    data = RefData(SEED, scale=SCALE)
    with pytest.raises(ValueError, match="not a business day"):
        data.open(spec(data, "TRACE", "CAMASTER"), day)


@pytest.mark.parametrize("day", [date(1989, 12, 29), date(2200, 1, 2), date(9999, 12, 31)])
def test_open_refuses_days_outside_the_supported_years(day: date) -> None:
    data = RefData(SEED, scale=SCALE)
    with pytest.raises(ValueError, match="outside 1990-2199"):
        data.open(spec(data, "TRACE", "CAMASTER"), day)


@pytest.mark.parametrize(
    "text, expected",
    [("2026-11-20", date(2026, 11, 20)), ("11202026", date(2026, 11, 20)), ("20261120", date(2026, 11, 20))],
)
def test_file_dates_parse(text: str, expected: date) -> None:
    assert parse_file_date(text) == expected


@pytest.mark.parametrize("text", ["13202026", "2026-02-30", "tomorrow", ""])
def test_bad_file_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_file_date(text)
