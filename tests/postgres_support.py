"""PostgreSQL for the suite: with `MOCKFINRA_TEST_DB=postgresql`, one throwaway server per test session
(per xdist worker), started by pytest-postgresql's executor from Debian's binaries; every
`Settings.for_tests()` then gets its own schema on it (mockfinra/scratch_db.py). The server starts when
the session starts, before collection, so that modules building their app at import (test_robustness)
get a schema too; under xdist only the workers start one, not the controller.

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
from typing import Any

import pytest

from mockfinra.scratch_db import TEST_POSTGRES_URL_ENV, wants_postgres
from mockfinra.testing import free_port


def _default_pg_bin() -> Path:
    """Debian's binaries of the newest installed PostgreSQL (15 on bookworm)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name or 0))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = Path(os.environ["MOCKFINRA_PG_BIN"]) if os.environ.get("MOCKFINRA_PG_BIN") else _default_pg_bin()


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


_SERVERS: dict[int, Any] = {}


def _is_xdist_controller(config: pytest.Config) -> bool:
    """The xdist controller runs no tests, so it needs no server (each worker starts its own)."""
    if hasattr(config, "workerinput"):
        return False
    try:
        return config.getoption("dist", "no") != "no" and bool(config.getoption("numprocesses", None))
    except ValueError:
        return False


def start_server() -> tuple[Any, Path, str]:
    """A throwaway server from Debian's binaries: (executor, its work directory, the URL of its database)."""
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
    return executor, workdir, f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not wants_postgres() or _is_xdist_controller(session.config):
        return
    executor, workdir, url = start_server()
    _SERVERS[id(session)] = (executor, workdir)
    os.environ[TEST_POSTGRES_URL_ENV] = url


def pytest_sessionfinish(session: pytest.Session) -> None:
    server = _SERVERS.pop(id(session), None)
    if server is None:
        return
    executor, workdir = server
    os.environ.pop(TEST_POSTGRES_URL_ENV, None)
    executor.stop()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> str | None:
    """The server's URL when the suite runs on PostgreSQL, else None."""
    return os.environ.get(TEST_POSTGRES_URL_ENV) if wants_postgres() else None
