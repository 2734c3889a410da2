"""The state several worker processes share (`MOCKFINRA_WORKERS` > 1, docs/workers.md).

Each process keeps its own copy of the mock clock, the era override and the caches a reset invalidates (the
fault list); the truth is one row of the store's `meta` table (`shared`):
`{"generation": n, "clock": Clock.state(), "era": ...}`. Every change (the clock, the era, a reset, a fault
created or deleted) is made under that row's lock, from the stored state, and bumps the generation. Before
each request a process reads the row once (a primary-key SELECT on a connection of its own, autocommit: no
lock, no `BEGIN IMMEDIATE`) and, when the generation is newer than the one it has, takes the clock and the era
over and runs the change hooks (cache invalidations).

With one process (the default) none of this runs: `refresh` returns at once and `changing` is an empty block,
so a single process is exactly as fast as before. One `SharedState` per `Context` (a tenant's context has its
own, on its own store).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.store.base import get_locked
from mockfinra.store.meta import OUTBOX_SEQ, SHARED_STATE, Meta

log = logging.getLogger("mockfinra")

RESOURCE_KEY = "shared_state"
_READ = f"SELECT value FROM meta WHERE key = '{SHARED_STATE}'"


class SharedState:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.enabled = ctx.settings.shares_state
        #: the generation this process has taken over (0: none yet)
        self.generation = 0
        self._lock = threading.Lock()
        self._reader: Any = None  # a DBAPI connection of its own, in autocommit
        self._hooks: list[Callable[[], None]] = []

    def on_change(self, hook: Callable[[], None]) -> None:
        """Run `hook` when another process changed the shared state (for example: forget a cache)."""
        self._hooks.append(hook)

    # --- reading -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Take over what another process changed since the last look (one primary-key read)."""
        if not self.enabled:
            return
        try:
            raw = self._read()
        except Exception as error:  # noqa: BLE001 - the database is away: serve on with the state we have
            log.warning("could not read the shared state: %s", error)
            self._close_reader()
            return
        if raw is not None:
            self._take(json.loads(raw))

    def _read(self) -> str | None:
        with self._lock:
            if self._reader is None:
                self._reader = _autocommit_connection(self.ctx)
            cursor = self._reader.cursor()
            try:
                cursor.execute(_READ)
                row = cursor.fetchone()
            finally:
                cursor.close()
        return row[0] if row else None

    def _close_reader(self) -> None:
        with self._lock:
            reader, self._reader = self._reader, None
        if reader is not None:
            try:
                reader.close()
            except Exception:  # noqa: BLE001, S110 - it is broken already
                pass

    def _take(self, data: dict[str, Any]) -> None:
        with self._lock:
            if data["generation"] <= self.generation:
                return
            self.generation = data["generation"]
            self.ctx.clock.load(data["clock"])
            self.ctx.era_override = data.get("era")
            hooks = list(self._hooks)
        for hook in hooks:
            hook()

    # --- changing ----------------------------------------------------------------------------------
    @contextmanager
    def changing(self) -> Iterator[None]:
        """Change the clock and/or the era inside this block. With several workers: in one transaction
        holding the shared row's lock, starting from the stored state, published with a new generation."""
        if not self.enabled:
            yield
            return
        with self.ctx.store.transaction() as db:
            row = self._locked(db)
            self._take(json.loads(row.value))
            yield
            row.value = self._encode(json.loads(row.value)["generation"] + 1)

    def touch(self, db: Session) -> None:
        """In the caller's transaction: tell the other processes that something they cache has changed."""
        if not self.enabled:
            return
        row = self._locked(db)
        data = json.loads(row.value)
        row.value = json.dumps({**data, "generation": data["generation"] + 1})

    def start(self) -> None:
        """At server start (`mockfinra serve`, before the workers): the configured clock and era, published
        (a restart begins at the configured time, as one process does)."""
        with self.changing():
            self.ctx.clock.reset()
            self.ctx.era_override = None

    def join(self, db: Session) -> None:
        """A worker starting: take over the stored state, or store this one's if there is none yet (call it
        where creation is serialised: `seed.load_initial_state`)."""
        if not self.enabled:
            return
        row = db.get(Meta, SHARED_STATE)
        if row is None:
            db.add(Meta(key=SHARED_STATE, value=self._encode(1)))
        else:
            self._take(json.loads(row.value))
        if db.get(Meta, OUTBOX_SEQ) is None:  # the outbox's counter (mockfinra/store/meta.py), made here too
            db.add(Meta(key=OUTBOX_SEQ, value="0"))
        db.flush()

    def _locked(self, db: Session) -> Meta:
        row = get_locked(db, Meta, SHARED_STATE)
        if row is None:  # not joined (a store made without `load_initial_state`)
            row = Meta(key=SHARED_STATE, value=self._encode(0))
            db.add(row)
            db.flush()
        return row

    def _encode(self, generation: int) -> str:
        return json.dumps({"generation": generation, "clock": self.ctx.clock.state(), "era": self.ctx.era_override})

    def close(self) -> None:
        self._close_reader()


def _autocommit_connection(ctx: Context) -> Any:
    """A DBAPI connection outside the pool that reads without a transaction (see the module docstring)."""
    pooled = ctx.store.engine.raw_connection()
    connection = pooled.dbapi_connection
    pooled.detach()
    if ctx.store.dialect == "postgresql":
        connection.rollback()
        connection.autocommit = True
    return connection  # SQLite: isolation_level None already (mockfinra/store/base.py)


def shared_state(ctx: Context) -> SharedState:
    """The context's shared state (one per context)."""
    existing = ctx.resources.get(RESOURCE_KEY)
    if existing is None:
        existing = ctx.resources.setdefault(RESOURCE_KEY, SharedState(ctx))
    return existing
