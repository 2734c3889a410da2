"""Where a tenant's store lives, derived from the default store's URL, and how it is made and dropped.

| default store | a tenant's store |
|---|---|
| SQLite file `mockfinra.db` | the sibling file `mockfinra.tenants/<name>.db` |
| SQLite in memory | its own in-memory store (gone with the process, like the default world) |
| PostgreSQL | its own schema in the same database: `tenant_<name>`, or `<schema>_<name>` when the default |
|  | URL sets a `search_path` (a hash keeps the name under 63 characters) |
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from mockfinra.settings import MEMORY_DB

#: PostgreSQL's limit on identifiers
MAX_IDENTIFIER = 63
_SEARCH_PATH = re.compile(r"-c\s*search_path\s*=\s*([^\s,]+)[^\s]*")


class UnsupportedStore(ValueError):
    """The default store's backend has no way to give a tenant a store of its own."""


def tenant_db_url(default_url: str, name: str) -> str:
    """The SQLAlchemy URL of tenant `name`'s store."""
    url = make_url(default_url)
    if url.drivername.startswith("sqlite"):
        database = url.database or ""
        if database in ("", ":memory:") or url.query.get("mode") == "memory":
            return MEMORY_DB
        path = Path(database)
        return url.set(database=str(tenants_dir(path) / f"{name}.db")).render_as_string(hide_password=False)
    if url.drivername.startswith("postgresql"):
        options = str(url.query.get("options", ""))
        match = _SEARCH_PATH.search(options)
        schema = schema_name(match.group(1) if match else None, name)
        rest = _SEARCH_PATH.sub("", options).strip()
        new_options = f"{rest} -csearch_path={schema}".strip()
        return url.update_query_dict({"options": new_options}).render_as_string(hide_password=False)
    raise UnsupportedStore(f"tenants need a SQLite or PostgreSQL store, not {url.drivername}")


def tenants_dir(default_file: Path) -> Path:
    """`mockfinra.db` → `mockfinra.tenants/` beside it."""
    return default_file.with_name(default_file.stem + ".tenants")


def schema_name(base_schema: str | None, name: str) -> str:
    if not base_schema:
        return f"tenant_{name}".replace("-", "_")
    schema = f"{base_schema}_{name}".replace("-", "_")
    if len(schema) > MAX_IDENTIFIER:
        digest = hashlib.sha256(schema.encode()).hexdigest()[:12]
        schema = f"{schema[: MAX_IDENTIFIER - 13]}_{digest}"
    return schema


def _schema_of(tenant_url: str) -> str | None:
    match = _SEARCH_PATH.search(str(make_url(tenant_url).query.get("options", "")))
    return match.group(1) if match else None


def prepare(tenant_url: str, default_engine: Engine) -> None:
    """Make the place the tenant's store needs (the folder of its file, its schema); idempotent."""
    url = make_url(tenant_url)
    if url.drivername.startswith("sqlite"):
        if tenant_url != MEMORY_DB and url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        return
    schema = _schema_of(tenant_url)
    if schema:
        with default_engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            )


def drop(tenant_url: str, default_engine: Engine) -> None:
    """Remove the tenant's store as a whole (its file, or its schema with every table); idempotent."""
    url = make_url(tenant_url)
    if url.drivername.startswith("sqlite"):
        if tenant_url == MEMORY_DB or not url.database:
            return  # an in-memory store goes with its engine
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(url.database + suffix).unlink(missing_ok=True)
        return
    schema = _schema_of(tenant_url)
    if schema:
        with default_engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            )
