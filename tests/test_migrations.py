"""Schema migrations (Alembic, mockfinra/store/migrations): a database made by the first released schema
(commit 03225e6; tests/data/store-03225e6.sqlite, made by tests/data/make_store_03225e6.py) is brought to
the current schema with its users, factors and refresh tokens; the models and the head revision agree."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from mockfinra.app import create_app
from mockfinra.cli import app as cli
from mockfinra.settings import Settings
from mockfinra.store.base import Base, _load_models
from mockfinra.store.migrations import FIRST_RELEASE, HEAD
from mockfinra.store.schema import alembic_config, bring_to_head, current_revision
from tests.conftest import TEST_DATA

OLD = TEST_DATA / "store-03225e6.sqlite"


def _old_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "old.db"
    shutil.copy(OLD, copy)
    return copy


def test_db_upgrade_brings_the_first_released_schema_to_the_head(tmp_path: Path) -> None:
    db = _old_copy(tmp_path)
    result = CliRunner().invoke(cli, ["db", "upgrade", "--db", f"sqlite:///{db}"])
    assert result.exit_code == 0, result.output
    assert f"upgraded: the schema is at {HEAD}" in result.output
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        assert connection.execute("SELECT login FROM users").fetchall() == [("old.user@example.com",)]
        assert connection.execute("SELECT factor_type FROM factors").fetchall() == [("question",)]
        assert connection.execute("SELECT label, prefix FROM oauth_refresh_tokens").fetchall() == [("old token", None)]
    again = CliRunner().invoke(cli, ["db", "upgrade", "--db", f"sqlite:///{db}"])
    assert again.exit_code == 0 and "current:" in again.output
    version = CliRunner().invoke(cli, ["db", "version", "--db", f"sqlite:///{db}"])
    assert f"database: {HEAD}" in version.output


def test_the_app_upgrades_an_old_database_on_start_and_serves_its_state(tmp_path: Path) -> None:
    db = _old_copy(tmp_path)
    settings = Settings.for_tests(db=f"sqlite:///{db}", seed=TEST_DATA / "seed-minimal.toml")
    with TestClient(create_app(settings)) as client:
        state = client.get("/_mock/state").json()
        user = client.get("/api/v1/users/old.user@example.com").json()
    assert "old.user@example.com" in [row["login"] for row in state["users"]]
    assert [row["factor_type"] for row in state["factors"] if row["user_id"] == "00uoldschema0000001"] == ["question"]
    assert [row["label"] for row in state["refreshTokens"]] == ["old token"]
    assert user["profile"]["firstName"] == "Old" and user["status"] == "ACTIVE"


def test_with_upgrade_on_start_off_serve_refuses_an_old_database(tmp_path: Path) -> None:
    db = _old_copy(tmp_path)
    env = {"MOCKFINRA_DB_UPGRADE_ON_START": "false"}
    result = CliRunner().invoke(cli, ["serve", "--db", f"sqlite:///{db}", "--port", "1", "-q"], env=env)
    assert result.exit_code == 2
    assert "mockfinra db upgrade" in result.output
    with sqlite3.connect(db) as connection:  # untouched
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "alembic_version" not in tables and "signin_events" not in tables


def test_an_unversioned_database_from_a_later_create_all_is_upgraded_too(tmp_path: Path) -> None:
    """Before migrations, `create_all` added new tables to old files: the revisions make only what is missing."""
    db = tmp_path / "later.db"
    settings = Settings.for_tests(db=f"sqlite:///{db}", seed=TEST_DATA / "seed-minimal.toml")
    with TestClient(create_app(settings)) as client:
        assert client.get("/_mock/state").json()["users"]
    with sqlite3.connect(db) as connection:  # as that older version left it: no version, no prefix column
        connection.execute("DROP TABLE alembic_version")
        connection.execute("ALTER TABLE oauth_refresh_tokens DROP COLUMN prefix")
    with TestClient(create_app(settings)) as client:
        assert [u["login"] for u in client.get("/_mock/state").json()["users"]][0] == "solo.user@example.com"
    with sqlite3.connect(db) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(oauth_refresh_tokens)")}
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
    assert "prefix" in columns


def test_revisions_from_the_first_release_keep_rows_on_this_backend() -> None:
    """On the suite's backend (SQLite, or PostgreSQL with MOCKFINRA_TEST_DB=postgresql)."""
    engine = create_engine(_fresh_url())
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), FIRST_RELEASE)
            connection.execute(
                text(
                    "INSERT INTO users (id, login, login_key, email, first_name, last_name, status, entitlements,"
                    " profile_extra, failed_password_attempts, failed_factor_attempts, created_at, last_updated_at)"
                    " VALUES ('00u1', 'a@example.com', 'a@example.com', 'a@example.com', 'A', 'B', 'ACTIVE', '[]',"
                    " '{}', 0, 0, '2026-03-02 14:30:00', '2026-03-02 14:30:00')"
                )
            )
        assert bring_to_head(engine) == "upgraded"
        with engine.connect() as connection:
            assert current_revision(connection) == HEAD
            assert connection.execute(text("SELECT login FROM users")).scalars().all() == ["a@example.com"]
    finally:
        engine.dispose()


def test_the_models_and_the_head_revision_agree() -> None:
    """A table or column added to the models without a revision fails here (see docs/store.md)."""
    _load_models()
    engine = create_engine(_fresh_url())
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
    script = ScriptDirectory.from_config(alembic_config(None))  # type: ignore[arg-type]
    assert script.get_current_head() == HEAD


def _fresh_url() -> str:
    """An empty database: a throwaway PostgreSQL schema when the suite runs there, else a SQLite file."""
    url = Settings.for_tests().db
    if url.startswith("sqlite"):
        import tempfile

        url = f"sqlite:///{tempfile.mkdtemp(prefix='mockfinra-migrate-')}/fresh.db"
    return url
