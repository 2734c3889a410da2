"""The faults of one app: create, list, delete, expire, and the counted decision to fire.

The store is the record (faults survive a restart); the book caches the parsed list between changes so
a request with no fault in force costs no store access. Every change goes through the book (or calls
`invalidate`, as `POST /_mock/reset` does through its reset hook).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.errors import ClientError
from mockfinra.faults.spec import FaultSpec
from mockfinra.security import new_id
from mockfinra.shared_state import shared_state
from mockfinra.store.base import serialised
from mockfinra.store.faults import FaultRow, all_faults, delete_faults, next_seq

RESOURCE_KEY = "faults.book"


@dataclass(frozen=True)
class Fault:
    id: str
    spec: FaultSpec
    expires_at: datetime | None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class FaultBook:
    def __init__(self, ctx: Context, rng: random.Random | None = None) -> None:
        self.ctx = ctx
        self.rng = rng or random.Random()
        self._lock = threading.Lock()
        self._cache: list[Fault] | None = None
        #: ids known to have fired their `times` (no store access for them until the next change)
        self._spent: set[str] = set()

    # --- reading ---------------------------------------------------------------------------
    def invalidate(self) -> None:
        with self._lock:
            self._cache = None
            self._spent = set()

    @property
    def loaded(self) -> bool:
        """Whether the list is cached (`in_force` then needs no store access)."""
        return self._cache is not None

    def in_force(self) -> list[Fault]:
        """Faults that can still fire now (oldest first)."""
        with self._lock:
            cache = self._cache
        if cache is None:
            with self.ctx.store.transaction() as db:
                cache = [Fault(row.id, FaultSpec.model_validate(row.spec), row.expires_at) for row in all_faults(db)]
            with self._lock:
                self._cache = cache
        now = self.ctx.clock.now()
        return [fault for fault in cache if fault.id not in self._spent and not fault.expired(now)]

    def listing(self) -> list[dict[str, Any]]:
        with self.ctx.store.transaction() as db:
            return [self.to_json(row) for row in all_faults(db)]

    def get(self, fault_id: str) -> dict[str, Any]:
        with self.ctx.store.transaction() as db:
            row = db.get(FaultRow, fault_id)
            if row is None:
                raise ClientError(404, f"No fault with id {fault_id!r}.", "not_found")
            return self.to_json(row)

    def to_json(self, row: FaultRow) -> dict[str, Any]:
        spec = dict(row.spec)
        spec.pop("expires_in", None)
        now = self.ctx.clock.now()
        times = spec.get("times")
        if row.expires_at is not None and row.expires_at <= now:
            state = "expired"
        elif times is not None and row.fired >= times:
            state = "spent"
        else:
            state = "active"
        return {
            "id": row.id,
            **spec,
            "state": state,
            "matched": row.matched,
            "fired": row.fired,
            "origin": row.origin,
            "preset": row.preset,
            "createdAt": isoformat_z(row.created_at),
            "expiresAt": isoformat_z(row.expires_at) if row.expires_at else None,
        }

    # --- changing --------------------------------------------------------------------------
    def create(
        self, specs: list[FaultSpec], *, origin: str = "api", preset: str | None = None, replace_origin: bool = False
    ) -> list[dict[str, Any]]:
        """Store new faults (all or none); with `replace_origin`, first remove the faults of that origin."""
        now = self.ctx.clock.now()
        with self.ctx.store.transaction() as db:
            if replace_origin:
                serialised(db, "faults.replace")  # workers starting at once: one replaces after the other
                delete_faults(db, origin=origin)
            seq = next_seq(db)
            rows = []
            for offset, spec in enumerate(specs):
                row = FaultRow(
                    id=new_id("flt", 20),
                    seq=seq + offset,
                    spec=spec.stored(),
                    origin=origin,
                    preset=preset,
                    matched=0,
                    fired=0,
                    created_at=now,
                    expires_at=now + timedelta(seconds=spec.expires_in) if spec.expires_in else None,
                )
                db.add(row)
                rows.append(row)
            db.flush()
            created = [self.to_json(row) for row in rows]
            shared_state(self.ctx).touch(db)  # other workers forget their list too
        self.invalidate()
        return created

    def delete(self, fault_id: str | None = None) -> int:
        with self.ctx.store.transaction() as db:
            count = delete_faults(db, fault_id=fault_id)
            if count:
                shared_state(self.ctx).touch(db)
        self.invalidate()
        if fault_id is not None and count == 0:
            raise ClientError(404, f"No fault with id {fault_id!r}.", "not_found")
        return count

    # --- firing ----------------------------------------------------------------------------
    def decide(self, fault: Fault) -> bool:
        """A request matched `fault`'s rules: count it, and say whether the action runs (`skip`, `times`,
        `probability`). One store transaction, so concurrent requests count exactly."""
        spec = fault.spec
        with self.ctx.store.transaction() as db:
            row = db.get(FaultRow, fault.id)
            if row is None:
                self.invalidate()
                return False
            if spec.times is not None and row.fired >= spec.times:
                self._spent.add(fault.id)
                return False
            row.matched += 1
            if row.matched <= spec.skip:
                return False
            if spec.probability < 1.0 and self.rng.random() >= spec.probability:
                return False
            row.fired += 1
            if spec.times is not None and row.fired >= spec.times:
                self._spent.add(fault.id)
            return True


def book(ctx: Context) -> FaultBook:
    """The app's fault book (one per context)."""
    existing = ctx.resources.get(RESOURCE_KEY)
    if existing is None:
        existing = ctx.resources.setdefault(RESOURCE_KEY, FaultBook(ctx))
        shared_state(ctx).on_change(existing.invalidate)  # another worker changed the faults or reset
    return existing
