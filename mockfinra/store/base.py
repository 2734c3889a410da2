"""The store: SQLAlchemy 2 on SQLite by default (a file, so state survives a restart), or PostgreSQL
(`postgresql+psycopg://...`, psycopg 3) for an instance shared by several workers or hosts.

Every unit of work goes through `Store.transaction()`, which commits on success and rolls a failed request
back. Correctness comes from the database's own transactions, not from a lock in Python:
- PostgreSQL: READ COMMITTED, and everything that must happen once (a sessionToken, an authorization or
  interaction code, a refresh token, a stateToken step, a TOTP step, a lockout counter, a push answer, a
  one-time recovery or activation token) is read with `SELECT ... FOR UPDATE` (`locked`/`get_locked`), so
  a concurrent second attempt waits and then sees the first one's result.
- SQLite file: every transaction starts with `BEGIN IMMEDIATE` (with a busy timeout), so writers are
  serialised by SQLite itself, across threads and processes alike; WAL lets readers of committed state on.
  Within one process the writers also queue on a lock first (see `Store._lock`): it changes no outcome, since
  every transaction here is a writer, but a waiter wakes when the holder commits instead of sleeping in
  SQLite's busy handler.
- SQLite in memory: one shared connection (StaticPool) cannot hold two transactions at once, so there, and
  only there, a process-wide lock remains (an in-memory store is one process anyway).
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import JSON, DateTime, MetaData, Select, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

from mockfinra.errors import MockfinraError

STATE_VERSION = 1


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC datetimes (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


JsonDict = MutableDict.as_mutable(JSON)
JsonList = MutableList.as_mutable(JSON)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    #: key under which `GET /_mock/state` lists rows of this model (None: not listed)
    __state_key__: str | None = None
    #: columns never shown by `GET /_mock/state` (hashes, digests, secrets)
    __state_exclude__: tuple[str, ...] = ()


def _load_models() -> None:
    """Import every module of this package so all tables are registered on `Base.metadata`."""
    package = __name__.rpartition(".")[0]
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        importlib.import_module(f"{package}.{module.name}")


#: how long a SQLite writer waits for another one's transaction before giving up
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(engine: Engine, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling would BEGIN (deferred) lazily; take it over (see "begin").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes SQLite's write lock up front: two transactions never both read a row and then
        # both write it (a deferred one would fail with "database is locked" on upgrading instead).
        connection.exec_driver_sql("BEGIN IMMEDIATE" if not in_memory else "BEGIN")


#: what a NUL character in a bound string becomes on PostgreSQL (U+FFFD, the replacement character)
NUL_REPLACEMENT = "\ufffd"


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", NUL_REPLACEMENT) if "\x00" in value else value
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_without_nul(item) for item in value)
    return value


def _postgres_text_guard(engine: Engine) -> None:
    """PostgreSQL's text types cannot hold NUL, which SQLite stores and compares like any character: a bound
    string with one (a login of "%00" in a path, a journalled query) would fail the statement with a 500.
    Replaced by U+FFFD, a lookup simply finds nothing and the journal keeps a visible mark."""

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _replace_nul(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> Any:
        return statement, _without_nul(parameters)


def locked(statement: Select[Any], of: Any = None) -> Select[Any]:
    """`statement` as `SELECT ... FOR UPDATE` (PostgreSQL; SQLite serialises writers itself), reloading rows
    the session already holds, so a check made after the lock sees what the previous holder committed. `of`
    narrows the lock to one table's rows (`FOR UPDATE OF`), as a statement with an outer join needs."""
    return statement.with_for_update(of=of).execution_options(populate_existing=True)


def get_locked(db: Session, model: type[Any], key: Any) -> Any:
    """`db.get` under a row lock (see `locked`)."""
    return db.get(model, key, with_for_update=True, populate_existing=True)


def serialised(db: Session, name: str) -> None:
    """Make this transaction wait for any other one serialised on `name`, in any process, until it ends.

    PostgreSQL: a transaction-scoped advisory lock (keyed by `name` and the database URL, so throwaway schemas
    on one server do not wait for each other). SQLite: nothing to do, `BEGIN IMMEDIATE` serialises every writer.
    """
    bind = db.get_bind()
    if bind.dialect.name == "postgresql":
        digest = hashlib.sha256(f"{name}|{bind.engine.url}".encode()).digest()
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int.from_bytes(digest[:8], "big", signed=True)})


class Store:
    def __init__(self, url: str) -> None:
        _load_models()
        self.url = url
        self.in_memory = False
        if url.startswith("sqlite"):
            self.in_memory = url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url
            kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
            if self.in_memory:
                kwargs["poolclass"] = StaticPool
            else:
                kwargs["connect_args"]["timeout"] = SQLITE_BUSY_TIMEOUT_MS / 1000
                kwargs["pool_size"] = 16
                kwargs["max_overflow"] = 48
            self.engine = create_engine(url, **kwargs)
            _sqlite_pragmas(self.engine, self.in_memory)
        else:
            # as many connections as the server's thread pool runs requests (anyio: 40), and then some
            self.engine = create_engine(url, pool_pre_ping=True, pool_size=16, max_overflow=48, pool_timeout=60)
            if self.engine.dialect.name == "postgresql":
                _postgres_text_guard(self.engine)
        self.dialect = self.engine.dialect.name
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        #: SQLite: the one shared connection of an in-memory store needs a lock in Python (see the docstring);
        #: a file's writers are serialised by BEGIN IMMEDIATE anyway, and this process's writers queue here
        #: first, woken when the holder commits, instead of in SQLite's busy handler, which sleeps and retries
        #: (1 ms growing to 100 ms per try): under 32 clients that sleep, not the work, set the rate.
        self._lock: threading.RLock | None = threading.RLock() if self.dialect == "sqlite" else None
        #: the session of the transaction open in this thread: a nested `transaction()` joins it
        self._local = threading.local()

    def create_all(self, upgrade: bool = True) -> str:
        """Bring the schema to the current version (mockfinra/store/schema.py): create a new database's
        tables, or migrate an older one with Alembic unless `upgrade` is False (then an older one is refused)."""
        from mockfinra.store.schema import bring_to_head

        return bring_to_head(self.engine, upgrade=upgrade)

    def wipe(self) -> None:
        """Delete every row of every table (children first), but the `meta` facts that outlive a reset."""
        from sqlalchemy import and_, not_

        from mockfinra.store.meta import SURVIVES_RESET, SURVIVES_RESET_PREFIXES

        with self.transaction() as db:
            for table in reversed(Base.metadata.sorted_tables):
                statement = table.delete()
                if table.name == "meta":
                    kept = [table.c.key.not_in(SURVIVES_RESET)]
                    kept += [not_(table.c.key.startswith(prefix)) for prefix in SURVIVES_RESET_PREFIXES]
                    statement = statement.where(and_(*kept))
                db.execute(statement)

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on error (unless the error says commit).

        A `transaction()` opened while this thread already has one joins it (the outer one commits): a
        second connection would wait for the first one's lock forever on SQLite."""
        current: Session | None = getattr(self._local, "session", None)
        if current is not None:
            yield current
            return
        if self._lock is None:
            yield from self._unit_of_work()
            return
        with self._lock:
            yield from self._unit_of_work()

    def _unit_of_work(self) -> Iterator[Session]:
        session = self._sessions()
        self._local.session = session
        try:
            yield session
            session.commit()
        except MockfinraError as error:
            if error.commit:
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            self._local.session = None
            session.close()

    def dump(self) -> dict[str, Any]:
        """Rows of every model that declares a `__state_key__`, for `GET /_mock/state`."""
        from mockfinra.clock import isoformat_z

        out: dict[str, Any] = {}
        with self.transaction() as db:
            for mapper in sorted(Base.registry.mappers, key=lambda m: m.class_.__name__):
                model = mapper.class_
                if not model.__state_key__:
                    continue
                rows = []
                for row in db.query(model).all():
                    item: dict[str, Any] = {}
                    for column in mapper.columns:
                        if column.key in model.__state_exclude__:
                            continue
                        value = getattr(row, column.key)
                        if isinstance(value, datetime):
                            value = isoformat_z(value)
                        elif isinstance(value, (MutableDict, MutableList)):
                            value = value.copy()
                        item[column.key] = value
                    rows.append(item)
                out[model.__state_key__] = rows
        return out
