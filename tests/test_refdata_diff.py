"""The daily lists and deltas are exactly the change from one business day's master to the next."""

from __future__ import annotations

from datetime import date

import pytest

from mockfinra.refdata import RefData
from mockfinra.refdata.calendar import previous_business_day
from tests.refdata_support import KEYS, SEED, read, spec

# Mon 23 .. Mon 30 Nov 2026, across Thanksgiving (Thursday 26)
DAYS = [date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 27), date(2026, 11, 30)]
PAIRS = [
    ("TRACE", "DAILYLISTCA", "CHANGE_CD"),
    ("TRACE", "DAILYLISTSP", "CHANGE_CD"),
    ("TRACE", "DAILYLISTTSY", "CHANGE_CD"),
    ("TRACE", "PARTDAILYLISTCA", "cd_description"),
    ("ORF", "EQUITYDAILYLIST", "DAILY_LIST_RSN_CD"),
    ("ADF", "ADFMASTERDELTA", "ACTN_CD"),
]


@pytest.fixture(scope="module")
def data() -> RefData:
    return RefData(SEED, scale=0.3)


@pytest.mark.parametrize("facility, code, event_column", PAIRS)
def test_change_file_is_the_master_difference(
    data: RefData, facility: str, code: str, event_column: str
) -> None:
    change_spec = spec(data, facility, code)
    master = change_spec.master
    assert master is not None
    key = KEYS[change_spec.universe]
    kinds: dict[str, set[str]] = {}
    for kind, value in change_spec.events[event_column].items():
        kinds.setdefault(value, set()).add(kind)
    for day in DAYS:
        before = {row[key]: row for row in read(data, facility, master, previous_business_day(day)).rows}
        after = {row[key]: row for row in read(data, facility, master, day).rows}
        changes = read(data, facility, code, day).rows
        seen: dict[str, set[str]] = {"add": set(), "delete": set(), "change": set()}
        for row in changes:
            possible = kinds[row[event_column]]
            group = (
                "add" if "add" in possible else "delete" if possible & {"delete", "maturity"} else "change"
            )
            assert row[key] not in seen[group], "one row per record"
            seen[group].add(row[key])
            source = after if group != "delete" else before
            for column, value in row.items():
                if column in source.get(row[key], {}) and f"NEW_{column}" not in row:
                    assert value == source[row[key]][column], (code, day, column)
                if column.startswith("NEW_") and value:
                    assert value == after[row[key]][column[4:]] != before[row[key]][column[4:]]
                if column.startswith("NEW_") and group == "change" and column[4:] in row:
                    assert row[column[4:]] == before[row[key]][column[4:]]
                if column.startswith("OLD_") and value:
                    assert value == before[row[key]][column[4:]] != after[row[key]][column[4:]]
        assert seen["add"] == after.keys() - before.keys(), (code, day)
        assert seen["delete"] == before.keys() - after.keys(), (code, day)
        assert seen["change"] == {k for k in before.keys() & after.keys() if before[k] != after[k]}, (
            code,
            day,
        )


@pytest.mark.parametrize("facility, code, event_column", PAIRS)
def test_change_files_report_additions_deletions_and_changes(
    facility: str, code: str, event_column: str
) -> None:
    data = RefData(SEED)
    change_spec = spec(data, facility, code)
    kinds = {value: kind for kind, value in change_spec.events[event_column].items()}
    counts = {"add": 0, "delete": 0, "maturity": 0, "change": 0}
    day = date(2026, 11, 30)
    for _ in range(42):  # two months of business days
        for row in read(data, facility, code, day).rows:
            kind = kinds[row[event_column]]
            counts[kind if kind in counts else "change"] += 1
        day = previous_business_day(day)
    assert counts["add"] > 0 and counts["delete"] + counts["maturity"] > 0, counts
    if code != "DAILYLISTTSY":  # Treasuries are only issued and mature
        assert counts["change"] > 0, counts


def test_corporate_daily_list_classifies_events(data: RefData) -> None:
    codes: set[str] = set()
    for day in DAYS:
        for row in read(data, "TRACE", "DAILYLISTCA", day).rows:
            codes.add(row["CHANGE_CD"])
            if row["CHANGE_CD"] == "M":
                assert row["MTRTY_DT"] <= day.strftime("%Y%m%d")
            if row["CHANGE_CD"] == "S":
                assert row["NEW_SYM_CD"] and row["NEW_SYM_CD"] != row["SYM_CD"] and not row["NEW_CMPNY_NM"]
            if row["CHANGE_CD"] == "N":
                assert row["NEW_CMPNY_NM"] and not row["NEW_SYM_CD"]
    assert {"A", "D", "M", "S", "N"} <= codes


def test_holiday_changes_show_up_the_next_business_day(data: RefData) -> None:
    """Friday's list after Thanksgiving covers Wednesday -> Friday."""
    daily = spec(data, "TRACE", "DAILYLISTCA")
    friday = read(data, "TRACE", "DAILYLISTCA", date(2026, 11, 27))
    assert friday.rows and all(row["LIST_DT"] == "11272026" for row in friday.rows)
    assert daily.master == "CAMASTER"
