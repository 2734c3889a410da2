"""Shared fixtures: each test gets its own app and in-memory store (see mockfinra.testing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockfinra.settings import Settings

TEST_DATA = Path(__file__).parent / "data"

#: the browser fixtures (`browser`, `page`) for every browser test; PostgreSQL when MOCKFINRA_TEST_DB=postgresql
pytest_plugins = ["browser_support", "postgres_support"]


@pytest.fixture
def minimal_seed_settings() -> Settings:
    return Settings.for_tests(seed=TEST_DATA / "seed-minimal.toml")
