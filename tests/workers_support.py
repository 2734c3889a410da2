"""`mockfinra serve --workers N` for the tests, on a SQLite file or on PostgreSQL.

PostgreSQL: the session's server when the suite runs on it (`MOCKFINRA_TEST_DB=postgresql`), else one started
here for the session from Debian's binaries (as tests/postgres_support.py does); skipped without them.
Every server gets a new schema of its own.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from mockfinra.scratch_db import TEST_POSTGRES_URL_ENV
from tests.conftest import TEST_DATA
from tests.postgres_support import PG_BIN, start_server
from tests.test_serve_process import ServeProcess, clean_env

SEED = TEST_DATA / "seed-minimal.toml"
#: several Python processes start on two shared cores
READY_TIMEOUT = 120.0


@pytest.fixture(scope="session")
def postgres_base() -> Iterator[str]:
    """A PostgreSQL server URL (the session's, or one started for these tests)."""
    existing = os.environ.get(TEST_POSTGRES_URL_ENV)
    if existing:
        yield existing
        return
    if not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN} (MOCKFINRA_PG_BIN)")
    executor, workdir, url = start_server()
    try:
        yield url
    finally:
        executor.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_workers(postgres_base: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    """`mockfinra serve --workers 4` on a new PostgreSQL schema, shared by the test files of a session (each
    start costs several seconds of CPU per worker): tests make their own users and leave the clock running."""
    with serving(tmp_path_factory.mktemp("pg-workers"), new_schema(postgres_base), 4) as server:
        yield server


def new_schema(base: str) -> str:
    """A URL whose search_path is a new, empty schema on the server `base`."""
    import psycopg

    schema = f"w_{uuid.uuid4().hex[:16]}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with psycopg.connect(
                base.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True
            ) as connection:
                connection.execute(f'CREATE SCHEMA "{schema}"')
            break
        except psycopg.OperationalError:  # "the database system is starting up" right after pg_ctl start
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    return f"{base}?options={quote(f'-csearch_path={schema}')}"


@contextmanager
def serving(tmp_path: Path, db: str, workers: int = 4, *args: str, **env: str) -> Iterator[ServeProcess]:
    """`mockfinra serve --workers N --db DB` (the small test seed), ready; stopped afterwards."""
    extra = {"MOCKFINRA_HASH_COST": "4", "MOCKFINRA_ALLOWED_HOSTS": "testserver", **env}
    process = ServeProcess(
        tmp_path, "--quiet", "--workers", str(workers), "--db", db, "--seed", str(SEED), *args, env=clean_env(**extra)
    )
    try:
        process.wait_ready(READY_TIMEOUT)
        wait_for_workers(process, workers)
        yield process
    finally:
        process.stop()


#: one client for every test (making an httpx client costs milliseconds of CPU); `Connection: close` gives each
#: request a new connection, which the kernel hands to any worker (a kept-alive one stays with one worker)
_CLIENT = httpx.Client(timeout=60, headers={"Connection": "close"})


def fresh(url: str, method: str, path: str, **kwargs: object) -> httpx.Response:
    """One request on a new connection."""
    return _CLIENT.request(method, f"{url}{path}", **kwargs)  # type: ignore[arg-type]


def wait_for_workers(process: ServeProcess, workers: int, timeout: float = READY_TIMEOUT) -> None:
    """Ready means one worker answers; wait until `workers` different ones have (each starts on its own)."""
    seen: set[str] = set()
    deadline = time.monotonic() + timeout
    while len(seen) < workers:
        if time.monotonic() > deadline:
            pytest.fail(f"only workers {sorted(seen)} answered within {timeout} s\n{process.output()}")
        seen.add(worker_of(fresh(process.url, "GET", "/_mock/health")))


def worker_of(response: httpx.Response) -> str:
    return response.headers["x-mock-worker"]
