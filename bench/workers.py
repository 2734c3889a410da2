"""Sign-in throughput with one and with four worker processes, on a SQLite file and on PostgreSQL, side by side.

    python bench/workers.py                          # 5 s per load, 32 connections
    python bench/workers.py --seconds 10 --workers 1,2,4 --postgresql postgresql+psycopg://u@h/db
    python bench/workers.py --json bench/results/workers.json

The load is `POST /api/v1/authn` (password → MFA_REQUIRED) from `wrk` (bench/speed.py's helpers start the
servers and run it): of one seeded user, and of `--users` users made through `POST /_mock/users` in turn
(one user's sign-ins wait for each other on that user's row, which holds the lockout counters).
Without `--postgresql` a throwaway PostgreSQL server is started from
Debian's binaries (`/usr/lib/postgresql/15/bin`, or `MOCKFINRA_PG_BIN`; as root it runs as `postgres`); the
PostgreSQL rows are left out when there are none. Each server is measured after every one of its workers has
answered (a worker starts on its own) and a short warm-up.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))

from contextlib import contextmanager  # noqa: E402

from speed import AUTHN_BODY, JSON, PASSWORD, Load, clean_env, free_port, make_user, mockfinra_command, start, wrk  # noqa: E402

PG_BIN = Path(os.environ.get("MOCKFINRA_PG_BIN", "/usr/lib/postgresql/15/bin"))


@contextmanager
def throwaway_postgres() -> Iterator[str | None]:
    """A PostgreSQL server for the run (None without Debian's binaries)."""
    if not (PG_BIN / "pg_ctl").exists():
        yield None
        return
    workdir = Path(tempfile.mkdtemp(prefix="mockfinra-bench-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data = workdir / "data"
    subprocess.run(
        [*run_as, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {workdir} -c max_connections=400 -c fsync=off -c synchronous_commit=off"
    subprocess.run(
        [*run_as, str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(workdir / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


def new_schema(base: str) -> str:
    import uuid
    from urllib.parse import quote

    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    return f"{base}?options={quote(f'-csearch_path={schema}')}"


def wait_for_workers(port: int, workers: int, timeout: float = 120) -> None:
    """Until `workers` different processes have answered (`X-Mock-Worker`), on new connections."""
    seen: set[str] = set()
    deadline = time.monotonic() + timeout
    while workers > 1 and len(seen) < workers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(seen)} of {workers} workers answered within {timeout} s")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/_mock/health", headers={"Connection": "close"})
            seen.add(connection.getresponse().getheader("x-mock-worker", ""))
        finally:
            connection.close()


def wrk_many(server: Any, logins: list[str], seconds: float, connections: int) -> Load:
    """Like speed.wrk for `POST /api/v1/authn`, each request signing in the next of `logins` (one user's
    sign-ins wait for each other on the user's row: lockout counters)."""
    bodies = ", ".join(json.dumps(json.dumps({"username": login, "password": PASSWORD})) for login in logins)
    script = f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
local bodies = {{{bodies}}}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.bytes,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration))
end
"""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        before = server.cpu()
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "-s",
                handle.name,
                server.url + "/api/v1/authn",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        used = server.cpu() - before
    finally:
        os.unlink(handle.name)
    requests, size, socket_errors, status_errors, micros = map(int, out.rsplit("RESULT ", 1)[1].split())
    return Load(
        "authn (many users)", requests / (micros / 1e6), socket_errors + status_errors, 1000 * used / max(requests, 1)
    )


def measure(db: str, label: str, workers: int, seconds: float, connections: int, users: int) -> dict[str, Any]:
    port = free_port()
    argv = [*mockfinra_command(), "serve", "--quiet", "--port", str(port), "--db", db, "--workers", str(workers)]
    # as bench/speed.py starts mockfinra, with more patience: several processes start on a busy machine
    server, started = start(argv, port, clean_env(), ("POST", "/api/v1/authn", AUTHN_BODY, JSON), timeout=300)
    try:
        wait_for_workers(port, workers)
        wrk(server, "warm-up", "/api/v1/authn", 1, connections, "POST", AUTHN_BODY, JSON)
        load = wrk(server, "authn", "/api/v1/authn", seconds, connections, "POST", AUTHN_BODY, JSON)
        logins = [f"bench.{index}@example.com" for index in range(users)]
        for login in logins:
            make_user(port, login)
        many = wrk_many(server, logins, seconds, connections)
    finally:
        server.stop()
    return {
        "store": label,
        "workers": workers,
        "rps": load.rps,
        "errors": load.errors,
        "cpu_ms": load.cpu_ms,
        "many_users_rps": many.rps,
        "many_users_errors": many.errors,
        "many_users_cpu_ms": many.cpu_ms,
        "start_s": started,
    }


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    if shutil.which("wrk") is None:
        raise SystemExit("bench/workers.py needs wrk (apt-get install wrk)")
    counts = [int(part) for part in args.workers.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="mockfinra-workers-") as tmp, throwaway_postgres() as started_pg:
        postgres = args.postgresql or started_pg
        for workers in counts:
            db = f"sqlite:///{Path(tmp) / f'w{workers}.db'}"
            rows.append(measure(db, "SQLite file", workers, args.seconds, args.connections, args.users))
            if postgres:
                rows.append(
                    measure(new_schema(postgres), "PostgreSQL", workers, args.seconds, args.connections, args.users)
                )
    return rows


def report(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{'':<22}{'one seeded user':^30}{'many users':^30}",
        f"{'store':<14}{'workers':>8}" + f"{'req/s':>10}{'cpu ms/req':>12}{'errors':>8}" * 2,
    ]
    for row in rows:
        lines.append(
            f"{row['store']:<14}{row['workers']:>8}{row['rps']:>10.0f}{row['cpu_ms']:>12.2f}{row['errors']:>8}"
            f"{row['many_users_rps']:>10.0f}{row['many_users_cpu_ms']:>12.2f}{row['many_users_errors']:>8}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", default="1,4", help="worker counts, comma-separated")
    parser.add_argument("--postgresql", default=None, help="a PostgreSQL server URL (default: a throwaway one)")
    parser.add_argument("--users", type=int, default=32, help="users for the many-users load")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rows = run(args)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
    print(report(rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
