"""How a file's columns are filled and how a file is laid out: header, pipe-delimited rows, trailer.

ASSUMPTIONS (the spec's field tables were not readable): `\n` line endings, ASCII, a header row with
the column names, and one trailer row `TRAILER|<record count>|<YYYYMMDD>` after FINRA's convention for
machine-download files ("the footer, with a record count and the date the file was generated").
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Sequence

from mockfinra.refdata.calendar import mmddyyyy, yyyymmdd

if TYPE_CHECKING:
    from mockfinra.refdata.catalogue import FileSpec
    from mockfinra.refdata.universe import Event

DELIMITER = "|"
NEWLINE = "\n"
TRAILER_TAG = "TRAILER"


def header(spec: FileSpec) -> str:
    return DELIMITER.join(spec.columns)


def trailer(count: int, day: date) -> str:
    return f"{TRAILER_TAG}{DELIMITER}{count}{DELIMITER}{yyyymmdd(day)}"


def snapshot_rows(spec: FileSpec, fields: Sequence[str]) -> Callable[[list[list[str]]], list[str]]:
    """A function from a universe's field columns to the file's rows (masters, participant lists)."""
    indices = [fields.index(column) for column in spec.columns]
    join = DELIMITER.join

    def rows(columns: list[list[str]]) -> list[str]:
        return list(map(join, zip(*(columns[index] for index in indices))))

    return rows


def change_row(spec: FileSpec, fields: Sequence[str], day: date) -> Callable[[Event, int], str]:
    """An (event, sequence number) -> row function for a daily list or deltas file.

    A field column holds the new value (the old one for a deletion), except that when the file also
    has `NEW_<field>` the field column holds the old value of a change; `NEW_`/`OLD_` columns are
    filled only when that field changed.
    """
    list_date = mmddyyyy(day)
    stamp = f"{yyyymmdd(day)} {spec.available_at:%H:%M:%S}"
    record_prefix = yyyymmdd(day)
    position = {name: index for index, name in enumerate(fields)}
    columns = set(spec.columns)
    getters: list[Callable[[Event, int], str]] = []
    for column in spec.columns:
        upper = column.upper()
        if column in spec.events:
            values = spec.events[column]
            getters.append(lambda event, n, values=values: _event_value(values, event.kind))
        elif column in position:
            getters.append(
                lambda event, n, i=position[column], o=f"NEW_{column}" in columns: _current(event, i, o)
            )
        elif upper in ("LIST_DT", "EFFECTIVE_DT"):
            getters.append(lambda event, n: list_date)
        elif upper == "DAILY_LIST_TS":
            getters.append(lambda event, n: stamp)
        elif upper == "RCRD_ID":
            getters.append(lambda event, n: f"{record_prefix}{n:06d}")
        else:
            new_side = upper.startswith("NEW_")
            getters.append(lambda event, n, i=position[column[4:]], new=new_side: _changed(event, i, new))
    join = DELIMITER.join
    return lambda event, n: join([getter(event, n) for getter in getters])


def _event_value(values: Mapping[str, str], kind: str) -> str:
    for candidate in (kind, "delete" if kind == "maturity" else "change", "change"):
        if candidate in values:
            return values[candidate]
    return ""


def _current(event: Event, index: int, old_first: bool) -> str:
    if event.new is None:
        return event.old[index]  # type: ignore[index]
    if event.old is None or not old_first:
        return event.new[index]
    return event.old[index]


def _changed(event: Event, index: int, new_side: bool) -> str:
    if event.old is None or event.new is None or event.old[index] == event.new[index]:
        return ""
    return event.new[index] if new_side else event.old[index]


def dividend_row(
    spec: FileSpec, fields: Sequence[str]
) -> Callable[[tuple[str, ...], Mapping[str, str]], str]:
    position = {name: index for index, name in enumerate(fields)}
    picks = [(position.get(column), column) for column in spec.columns]
    join = DELIMITER.join
    return lambda record, dividend: join([record[i] if i is not None else dividend[c] for i, c in picks])


def stream(spec: FileSpec, day: date, batches: Iterable[list[str]]) -> Iterator[tuple[bytes, int]]:
    """The whole file as (bytes, data rows in the piece): header, row batches, trailer with the count."""
    yield (header(spec) + NEWLINE).encode("ascii", "replace"), 0
    count = 0
    for batch in batches:
        if batch:
            count += len(batch)
            yield (NEWLINE.join(batch) + NEWLINE).encode("ascii", "replace"), len(batch)
    yield (trailer(count, day) + NEWLINE).encode("ascii", "replace"), 0


def batched(rows: Sequence[str], size: int = 8192) -> Iterator[list[str]]:
    for first in range(0, len(rows), size):
        yield list(rows[first : first + size])
