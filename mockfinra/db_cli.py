"""`mockfinra db ...`: the store's schema (Alembic revisions in mockfinra/store/migrations)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import typer

if TYPE_CHECKING:
    from mockfinra.store import Store

db_app = typer.Typer(help="The store's schema: show its version, upgrade an older database.", no_args_is_help=True)

DB_OPTION = typer.Option(None, "--db", help="SQLAlchemy URL [env MOCKFINRA_DB, default sqlite:///mockfinra.db].")


def _store(db: Optional[str]) -> "Store":
    from mockfinra.server_address import settings_from
    from mockfinra.store import Store

    return Store(settings_from(db=db).db)


@db_app.command("upgrade")
def upgrade_command(db: Optional[str] = DB_OPTION) -> None:
    """Bring the database to the current schema (users, factors and tokens are kept)."""
    from sqlalchemy.exc import SQLAlchemyError

    store = _store(db)
    try:
        outcome = store.create_all(upgrade=True)
    except SQLAlchemyError as error:
        typer.echo(f"mockfinra: cannot upgrade {store.engine.url.render_as_string()}: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        store.dispose()
    typer.echo(f"{outcome}: the schema is at {_head()}")


@db_app.command("version")
def version_command(db: Optional[str] = DB_OPTION) -> None:
    """Print the database's schema revision (and the one this version needs)."""
    from mockfinra.store.schema import current_revision

    store = _store(db)
    try:
        with store.engine.connect() as connection:
            revision = current_revision(connection)
    finally:
        store.dispose()
    typer.echo(f"database: {revision or '(unversioned)'}; this version: {_head()}")


def _head() -> str:
    from mockfinra.store.migrations import HEAD

    return HEAD
