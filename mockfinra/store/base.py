"""The store: SQLAlchemy 2 on SQLite by default (a file, so state survives a restart), any URL works.

All writes go through `Store.transaction()`, which serialises access (a mock needs correctness far more
than write concurrency, and SQLite in memory is one shared connection) and rolls a failed request back.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import JSON, DateTime, MetaData, create_engine, event, inspect, text
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


def _sqlite_pragmas(engine: Engine, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


class Store:
    def __init__(self, url: str) -> None:
        _load_models()
        self.url = url
        if url.startswith("sqlite"):
            in_memory = url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url
            kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
            if in_memory:
                kwargs["poolclass"] = StaticPool
            self.engine = create_engine(url, **kwargs)
            _sqlite_pragmas(self.engine, in_memory)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._lock = threading.RLock()

    def create_all(self) -> None:
        Base.metadata.create_all(self.engine)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """A store file written by an older version lacks the nullable columns added since: add them, so
        that upgrading keeps the state (`create_all` only creates missing tables)."""
        inspector = inspect(self.engine)
        with self.engine.begin() as connection:
            for table in Base.metadata.sorted_tables:
                present = {column["name"] for column in inspector.get_columns(table.name)}
                for column in table.columns:
                    if column.name in present or not column.nullable:
                        continue
                    kind = column.type.compile(self.engine.dialect)
                    connection.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}'))

    def wipe(self) -> None:
        """Delete every row of every table (children first)."""
        with self.transaction() as db:
            for table in reversed(Base.metadata.sorted_tables):
                db.execute(table.delete())

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on error (unless the error says commit)."""
        with self._lock:
            session = self._sessions()
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
