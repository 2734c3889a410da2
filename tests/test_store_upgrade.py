"""A store file written by an older version (a column added since is missing) keeps working: the column is
added at start-up and the state survives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.settings import Settings
from tests.conftest import TEST_DATA


def test_a_missing_nullable_column_is_added_and_rows_survive(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    settings = Settings.for_tests(db=f"sqlite:///{db}", seed=TEST_DATA / "seed-minimal.toml")
    with TestClient(create_app(settings)) as client:
        assert client.get("/_mock/state").json()["users"]
    with sqlite3.connect(db) as connection:  # what an older version wrote: no refresh-token prefix
        connection.execute("ALTER TABLE oauth_refresh_tokens DROP COLUMN prefix")
    with TestClient(create_app(settings)) as client:
        state = client.get("/_mock/state").json()
        assert [u["login"] for u in state["users"]][0] == "solo.user@example.com" and state["refreshTokens"] == []
    with sqlite3.connect(db) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(oauth_refresh_tokens)")}
    assert "prefix" in columns
