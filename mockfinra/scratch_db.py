"""Throwaway PostgreSQL schemas for test suites: `MOCKFINRA_TEST_DB=postgresql` makes
`Settings.for_tests()` hand every app its own schema on the server named by `MOCKFINRA_TEST_POSTGRES_URL`
(set by the test session that started the server; see tests/postgres_support.py).

A schema per app (not a database) keeps the cost of one test's isolation to one `CREATE SCHEMA`, and xdist
workers stay independent because no two apps ever share a schema.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import quote

TEST_DB_ENV = "MOCKFINRA_TEST_DB"
TEST_POSTGRES_URL_ENV = "MOCKFINRA_TEST_POSTGRES_URL"


def wants_postgres() -> bool:
    """True when the test session asks every test store to live on PostgreSQL."""
    return os.environ.get(TEST_DB_ENV, "").strip().lower() in ("postgresql", "postgres", "pg")


def scratch_schema_url() -> str:
    """A SQLAlchemy URL whose search_path is a new, empty schema on the test server."""
    import psycopg

    base = os.environ.get(TEST_POSTGRES_URL_ENV)
    if not base:
        raise RuntimeError(
            f"{TEST_DB_ENV}=postgresql needs a running server: {TEST_POSTGRES_URL_ENV} is unset "
            "(the test session sets it when it starts PostgreSQL)"
        )
    schema = f"t_{uuid.uuid4().hex[:16]}"
    libpq = base.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
