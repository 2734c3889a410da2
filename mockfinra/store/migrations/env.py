"""Alembic environment: run on the connection `mockfinra.store.upgrade` hands over (config attribute)."""

from __future__ import annotations

from alembic import context

from mockfinra.store.base import Base, _load_models

_load_models()
connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters a table by copying it
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
