"""Next-day dividends: a deterministic few live securities go ex-dividend on the next business day."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from mockfinra.refdata import vec
from mockfinra.refdata.calendar import next_business_day, weekday_index, yyyymmdd
from mockfinra.refdata.mixing import GOLDEN, MASK64
from mockfinra.refdata.universe import Universe

#: ASSUMPTION: about 0.5% of live issues go ex-dividend on a given business day
DAILY_RATE_PER_MILLE = 5
NO_DIVIDEND_TYPES = frozenset({"WARR", "UNIT", "RGHT"})


def dividends(universe: Universe, day: date) -> list[tuple[tuple[str, ...], dict[str, str]]]:
    """(security record, dividend fields) for the issues going ex-dividend the business day after `day`."""
    w = weekday_index(day)
    ex_date = next_business_day(day)
    fields = universe.family.fields
    type_index = fields.index("SCTRY_TYPE_CD") if "SCTRY_TYPE_CD" in fields else None
    lives, version = universe.alive(w)
    rolls = vec.mix(lives.h ^ np.uint64((w * GOLDEN) & MASK64))
    chosen = np.flatnonzero(rolls % np.uint64(1000) < np.uint64(DAILY_RATE_PER_MILLE))
    out = []
    for record, roll in zip(universe.records(lives.take(chosen), version[chosen]), rolls[chosen].tolist()):
        if type_index is not None and record[type_index] in NO_DIVIDEND_TYPES:
            continue
        kind_roll = (roll >> 10) & 127
        kind = "SPCL" if kind_roll < 6 else "STCK" if kind_roll < 10 else "CASH"
        cents = 1 + (roll >> 20) % 150
        declared = ex_date - timedelta(days=7 + (roll >> 30) % 21)
        payable = ex_date + timedelta(days=7 + (roll >> 40) % 28)
        while payable.weekday() >= 5:
            payable += timedelta(days=1)
        while declared.weekday() >= 5:
            declared -= timedelta(days=1)
        out.append(
            (
                record,
                {
                    "DVDND_TYPE_CD": kind,
                    "CASH_DVDND_AM": "" if kind == "STCK" else f"{cents / 100:.4f}",
                    "DCLRTN_DT": yyyymmdd(declared),
                    "EX_DT": yyyymmdd(ex_date),
                    "RCRD_DT": yyyymmdd(ex_date),  # T+1 settlement: the record date is the ex-date
                    "PYBL_DT": yyyymmdd(payable),
                },
            )
        )
    return out
