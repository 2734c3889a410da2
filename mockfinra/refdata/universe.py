"""The slot engine: a universe of records that evolves weekday by weekday, in O(1) per slot.

A universe has `n` slots. Slot `i` holds a succession of generations (a bond, then its refinancing;
a listed company, then another) of fixed period `period[i]` weekdays starting at `offset[i]`, so the
generation alive at weekday `w` is `(w - offset[i]) // period[i]`: no history is replayed. Within a
generation the family decides, from a 64-bit hash, when the record is added, when it is deleted
(maturity or early deletion) and on which weekdays (at most two) it changes (symbol, name, flag...).
The version of a record at `w` is the number of its change days `<= w`.

A master for date D lists the records alive at D; a daily list is computed as the difference between
two such states, so it is exactly the change from one master to the next. Work is done column-wise
on numpy arrays, a chunk of slots at a time, so a 100,000-row master takes well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np

from mockfinra.refdata import vec
from mockfinra.refdata.mixing import GOLDEN
from mockfinra.refdata.pools import NamePools

CHUNK_SLOTS = 65536


@dataclass
class Lives:
    """The lifecycles of one generation of each of some slots (parallel int64 arrays)."""

    slot: np.ndarray
    g: np.ndarray
    start: np.ndarray
    h: np.ndarray  # uint64 generation hash
    added: np.ndarray
    deleted: np.ndarray
    c1: np.ndarray  # change days, vec.NONE when absent; c1 <= c2
    c2: np.ndarray
    k1: np.ndarray  # change kinds (family codes)
    k2: np.ndarray

    def take(self, index: np.ndarray) -> "Lives":
        return Lives(*(getattr(self, name)[index] for name in self.__dataclass_fields__))

    def __len__(self) -> int:
        return len(self.slot)

    def version(self, w: int) -> np.ndarray:
        return (self.c1 <= w).astype(np.int64) + (self.c2 <= w)


class Family:
    """One kind of universe (corporate bonds, OTC equities, participants...). Subclasses fill in."""

    name: str = ""
    fields: tuple[str, ...] = ()
    #: roughly which share of slots hold a live record (to size `n` for a wanted row count)
    occupancy: float = 0.95
    #: field -> change kind, for classifying a change between two versions
    change_kinds: dict[str, str] = {}

    def __init__(self) -> None:
        self.period = np.zeros(0, dtype=np.int64)
        self.offset = np.zeros(0, dtype=np.int64)
        self.rand = np.zeros(0, dtype=np.uint64)

    def setup(self, n: int, seed: int, pools: NamePools) -> None:
        """Build per-slot static arrays; must fill `period`, `offset` and `rand`."""
        raise NotImplementedError

    def lifecycle(self, lives: Lives) -> None:
        """Fill `added`, `deleted`, `c1`, `c2`, `k1`, `k2` of `lives` (slot, g, start, h are set)."""
        raise NotImplementedError

    def columns(self, lives: Lives, version: np.ndarray) -> list[Any]:
        """One sequence of strings per field (in `fields` order) for each life at its version."""
        raise NotImplementedError

    def matured(self, lives: Lives) -> np.ndarray:
        """Whether each deletion is a maturity (rather than an early deletion)."""
        return np.zeros(len(lives), dtype=bool)

    def retire(self, columns: list[Any], lives: Lives) -> list[Any]:
        """The columns as shown in an inactive list (families with one override this)."""
        return columns

    def classify(self, old: tuple[str, ...], new: tuple[str, ...]) -> str:
        kinds = sorted(
            {self.change_kinds.get(f, "change") for f, a, b in zip(self.fields, old, new) if a != b}
        )
        return kinds[0] if len(kinds) == 1 else "change"

    # helpers for subclasses
    def slots_from(self, n: int, seed: int, periods: np.ndarray) -> None:
        """Fill `period`, `offset` and `rand` from the chosen periods."""
        self.period = periods.astype(np.int64)
        static = vec.hashed(np.arange(n, dtype=np.int64), seed ^ 0x5151)
        self.offset = (static % self.period.astype(np.uint64)).astype(np.int64)
        self.rand = vec.mix(static)

    def day(self, w: np.ndarray) -> np.ndarray:
        """YYYYMMDD of weekday indices, as an object array (so `+ " 00:00:00"` works)."""
        return vec.objects(vec.day_strings(w))


@dataclass(frozen=True)
class Event:
    kind: str
    old: tuple[str, ...] | None
    new: tuple[str, ...] | None
    slot: int


class Universe:
    """The records of one family over time (built once; read-only afterwards, so thread-safe)."""

    def __init__(self, family: Family, seed: int, rows: int, pools: NamePools) -> None:
        self.family = family
        self.size = max(4, round(rows / family.occupancy))
        family.setup(self.size, seed, pools)

    def lives(self, slots: np.ndarray, g: np.ndarray) -> Lives:
        family = self.family
        start = family.offset[slots] + g * family.period[slots]
        h = vec.mix(family.rand[slots] + g.astype(np.uint64) * np.uint64(GOLDEN))
        empty = np.empty(0, dtype=np.int64)
        lives = Lives(slots, g, start, h, empty, empty, empty, empty, empty, empty)
        family.lifecycle(lives)
        c1, c2, k1, k2 = lives.c1, lives.c2, lives.k1, lives.k2
        c1 = np.where((c1 > lives.added) & (c1 < lives.deleted), c1, vec.NONE)
        c2 = np.where((c2 > lives.added) & (c2 < lives.deleted) & (c2 != c1), c2, vec.NONE)
        swap = c2 < c1
        lives.c1, lives.c2 = np.where(swap, c2, c1), np.where(swap, c1, c2)
        lives.k1, lives.k2 = np.where(swap, k2, k1), np.where(swap, k1, k2)
        return lives

    def current(self, w: int, slots: np.ndarray) -> Lives:
        """The generation of each slot whose window contains weekday `w`."""
        return self.lives(slots, (w - self.family.offset[slots]) // self.family.period[slots])

    def alive(self, w: int, slots: np.ndarray | None = None) -> tuple[Lives, np.ndarray]:
        """The lives alive at weekday `w` (in slot order) and their versions."""
        if slots is None:
            slots = np.arange(self.size, dtype=np.int64)
        lives = self.current(w, slots)
        live = lives.take((lives.added <= w) & (w < lives.deleted))
        return live, live.version(w)

    def chunks(self, w: int) -> Iterator[tuple[Lives, np.ndarray]]:
        """`alive(w)` a chunk of slots at a time (bounded memory at any scale)."""
        for first in range(0, self.size, CHUNK_SLOTS):
            yield self.alive(w, np.arange(first, min(first + CHUNK_SLOTS, self.size), dtype=np.int64))

    def retired_chunks(self, w: int, lookback: int) -> Iterator[tuple[Lives, np.ndarray]]:
        """Lives deleted within the `lookback` weekdays up to `w`, newest generation first per chunk."""
        horizon = w - lookback
        family = self.family
        for first in range(0, self.size, CHUNK_SLOTS):
            slots = np.arange(first, min(first + CHUNK_SLOTS, self.size), dtype=np.int64)
            g = (w - family.offset[slots]) // family.period[slots]
            while len(slots):
                lives = self.lives(slots, g)
                gone = lives.take(
                    (lives.added < lives.deleted) & (horizon < lives.deleted) & (lives.deleted <= w)
                )
                if len(gone):
                    yield gone, (gone.c1 < vec.NONE).astype(np.int64) + (gone.c2 < vec.NONE)
                keep = lives.start > horizon  # an earlier generation may still end inside the window
                slots, g = slots[keep], g[keep] - 1

    def columns(self, lives: Lives, version: np.ndarray, retired: bool = False) -> list[list[str]]:
        """The fields of each life as lists of Python strings (one list per field)."""
        columns = self.family.columns(lives, version)
        if retired:
            columns = self.family.retire(columns, lives)
        return [column.tolist() if isinstance(column, np.ndarray) else list(column) for column in columns]

    def records(self, lives: Lives, version: np.ndarray) -> list[tuple[str, ...]]:
        if len(lives) == 0:
            return []
        return list(zip(*self.columns(lives, version)))

    def events(self, before: int, after: int) -> list[Event]:
        """What changed between the states at weekdays `before` and `after` (slot order)."""
        slots = np.arange(self.size, dtype=np.int64)
        old, new = self.current(before, slots), self.current(after, slots)
        old_alive = (old.added <= before) & (before < old.deleted)
        new_alive = (new.added <= after) & (after < new.deleted)
        same = old.g == new.g
        old_version, new_version = old.version(before), new.version(after)
        gone = np.flatnonzero(old_alive & ~(new_alive & same))
        came = np.flatnonzero(new_alive & ~(old_alive & same))
        changed = np.flatnonzero(old_alive & new_alive & same & (old_version != new_version))
        events: list[tuple[int, int, Event]] = []
        gone_lives = old.take(gone)
        matured = self.family.matured(gone_lives)
        for slot, is_matured, record in zip(
            gone.tolist(), matured.tolist(), self.records(gone_lives, old_version[gone])
        ):
            events.append((slot, 0, Event("maturity" if is_matured else "delete", record, None, slot)))
        for slot, record in zip(came.tolist(), self.records(new.take(came), new_version[came])):
            events.append((slot, 1, Event("add", None, record, slot)))
        before_records = self.records(old.take(changed), old_version[changed])
        after_records = self.records(new.take(changed), new_version[changed])
        for slot, a, b in zip(changed.tolist(), before_records, after_records):
            if a != b:
                events.append((slot, 2, Event(self.family.classify(a, b), a, b, slot)))
        events.sort(key=lambda item: (item[0], item[1]))
        return [event for _, _, event in events]
