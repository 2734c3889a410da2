"""PostgreSQL for the suite: with `MOCKFINRA_TEST_DB=postgresql`, one throwaway server per test session
(per xdist worker), started by pytest-postgresql's executor from Debian's binaries; every
`Settings.for_tests()` then gets its own schema on it (mockfinra/scratch_db.py).

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user through a small
`runuser` wrapper around pg_ctl, with its data directory in a temporary directory that user owns.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from mockfinra.scratch_db import TEST_POSTGRES_URL_ENV, wants_postgres
from mockfinra.testing import free_port

PG_BIN = Path(os.environ.get("MOCKFINRA_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _pg_ctl(workdir: Path) -> str:
    pg_ctl = PG_BIN / "pg_ctl"
    if not pg_ctl.exists():
        raise RuntimeError(f"{pg_ctl} not found: install Debian's postgresql package (scripts/test.sh does as root)")
    if os.geteuid() != 0:
        return str(pg_ctl)
    wrapper = workdir / "pg_ctl"
    wrapper.write_text(f'#!/bin/sh\nexec runuser -u postgres -- "{pg_ctl}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(wrapper)


@pytest.fixture(scope="session", autouse=True)
def postgres_server() -> Iterator[str | None]:
    """The server's URL when the suite runs on PostgreSQL, else None (and nothing is started)."""
    if not wants_postgres():
        yield None
        return
    from pytest_postgresql.executors import PostgreSQLExecutor

    workdir = Path(tempfile.mkdtemp(prefix="mockfinra-pg-"))
    workdir.chmod(0o755)
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(workdir, account.pw_uid, account.pw_gid)
    port = free_port()
    executor = PostgreSQLExecutor(
        executable=_pg_ctl(workdir),
        host="127.0.0.1",
        port=port,
        datadir=str(workdir / "data"),
        unixsocketdir=str(workdir),
        logfile=str(workdir / "postgresql.log"),
        startparams="-w",
        dbname="mockfinra",
        user="postgres",
        postgres_options="-c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
    )
    executor.start()
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        os.environ[TEST_POSTGRES_URL_ENV] = url
        yield url
    finally:
        os.environ.pop(TEST_POSTGRES_URL_ENV, None)
        executor.stop()
        shutil.rmtree(workdir, ignore_errors=True)
