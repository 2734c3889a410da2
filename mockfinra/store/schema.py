"""The schema's version: a new database gets the tables at once, an older one is upgraded by Alembic.

- empty database: `create_all` from the models, stamped with `HEAD` (the models and the head agree: a test
  compares them with Alembic's autogenerate);
- a database without `alembic_version` but with tables: written by a release before migrations, whose
  schema was the first release's or a later `create_all`'s; stamped `0001_first_release`, then upgraded
  (the revisions after it tolerate what a later `create_all` already made);
- a versioned database: upgraded to the head.

Several processes may start on one database at once: the check-and-create runs in one transaction, under
`BEGIN IMMEDIATE` on SQLite and an advisory lock on PostgreSQL, so the second one finds the first's work.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, inspect, text
from sqlalchemy.engine import Connection

from mockfinra.store.base import Base
from mockfinra.store.migrations import FIRST_RELEASE, HEAD, SCRIPT_LOCATION

VERSION_TABLE = "alembic_version"
#: an arbitrary constant: the advisory lock all starting processes take on PostgreSQL
_PG_SCHEMA_LOCK = 0x6D6F636B


class SchemaBehind(RuntimeError):
    """The database predates this version and upgrading on start is off."""


def _version_table() -> Table:
    return Table(
        VERSION_TABLE,
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
    )


def alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    if VERSION_TABLE not in inspect(connection).get_table_names():
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def bring_to_head(engine: Any, upgrade: bool = True) -> str:
    """Make the schema current; what was done: 'created', 'upgraded' or 'current'."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_SCHEMA_LOCK})
        tables = set(inspect(connection).get_table_names()) - {VERSION_TABLE}
        if not tables:
            Base.metadata.create_all(connection)
            version = _version_table()
            version.create(connection, checkfirst=True)
            connection.execute(version.delete())
            connection.execute(version.insert().values(version_num=HEAD))
            return "created"
        revision = current_revision(connection)
        if revision == HEAD:
            return "current"
        if not upgrade:
            raise SchemaBehind(
                f"the database schema is at {revision or 'a release before migrations'}, this version needs "
                f"{HEAD}: run `mockfinra db upgrade` (or start with MOCKFINRA_DB_UPGRADE_ON_START=true)"
            )
        from alembic import command

        config = alembic_config(connection)
        if revision is None:
            command.stamp(config, FIRST_RELEASE)
        command.upgrade(config, "head")
        return "upgraded"
