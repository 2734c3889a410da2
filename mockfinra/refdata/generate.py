"""One file for one business day, as a plan: a row estimate and a lazy stream of byte chunks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Callable, Iterator

from mockfinra.refdata.calendar import previous_business_day, weekday_index
from mockfinra.refdata.catalogue import CHANGE_KINDS, SNAPSHOT_KINDS, FileSpec
from mockfinra.refdata.layout import (
    batched,
    change_row,
    dividend_row,
    snapshot_rows,
    stream,
)

if TYPE_CHECKING:
    from mockfinra.refdata.universe import Universe


@dataclass
class FilePlan:
    spec: FileSpec
    day: date
    expected_rows: int  # exact for daily lists and dividends, an estimate for masters
    _chunks: Callable[[], Iterator[tuple[bytes, int]]]

    @property
    def name(self) -> str:
        return self.spec.filename(self.day)

    def chunks(self) -> Iterator[tuple[bytes, int]]:
        """(bytes, data rows in the piece), header first and trailer last; consume once."""
        return self._chunks()


def plan(spec: FileSpec, universe: Universe, day: date) -> FilePlan:
    """Work out what `spec` holds on business day `day`; master rows are rendered while streamed."""
    w = weekday_index(day)
    family = universe.family
    if spec.kind in SNAPSHOT_KINDS:
        to_rows = snapshot_rows(spec, family.fields)
        retired = spec.view == "inactive"

        def batches() -> Iterator[list[str]]:
            source = universe.retired_chunks(w, spec.lookback_weekdays) if retired else universe.chunks(w)
            for lives, version in source:
                yield to_rows(universe.columns(lives, version, retired=retired))

        estimate = round(universe.size * family.occupancy)
        return FilePlan(spec, day, estimate, lambda: stream(spec, day, batches()))
    if spec.kind in CHANGE_KINDS:
        events = universe.events(weekday_index(previous_business_day(day)), w)
        make = change_row(spec, family.fields, day)
        lines = [make(event, number) for number, event in enumerate(events, 1)]
        return FilePlan(spec, day, len(lines), lambda: stream(spec, day, batched(lines)))
    from mockfinra.refdata.dividends import dividends

    make_dividend = dividend_row(spec, family.fields)
    lines = [make_dividend(record, dividend) for record, dividend in dividends(universe, day)]
    return FilePlan(spec, day, len(lines), lambda: stream(spec, day, batched(lines)))
