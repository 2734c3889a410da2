"""Speed, side by side in one run: every goal of the speed issue as a ratio to a bare FastAPI app.

    python bench/speed.py                       # 5 s per load, 32 connections, SQLite file store
    python bench/speed.py --seconds 10 --workers 4 --db postgresql+psycopg://...
    python bench/speed.py --populate            # also with 1,000 users and 10,000 refresh tokens stored
    python bench/speed.py --json bench/results/speed.json

Load comes from `wrk` (Debian's package: `apt-get install wrk`), the same tool the issue measured with.
Server CPU per request is read from /proc (the server process and its workers), which is far less noisy
than wall time on a shared machine. Pairs measured back to back in this run:
- hello: `GET /health` of bench/_bare_app.py under uvicorn (the floor of any FastAPI service);
- health: mockfinra `GET /_mock/health` (the middleware stack);
- authn: `POST /api/v1/authn` of a seeded user (password → MFA_REQUIRED);
- authn (created): the same for a user made through `POST /_mock/users` with default settings;
- sign-in CPU: sequential full sign-ins (password + security question), CPU per sign-in;
- download: the CAMASTER file (20,000 rows, 2.2 MB) from `DownloadHandler.ashx` against the same bytes from
  Starlette's StaticFiles in the bare app, and the same for a 100,000-row CAMASTER (a second server with
  `MOCKFINRA_REFDATA_SCALE=5`);
- cold start: spawn → first answered `POST /api/v1/authn` against the bare app's spawn → first 200.
"""

from __future__ import annotations

import argparse
import base64
import compileall
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SEEDED = "trace.analyst@example.com"
ANSWER = "brussels sprouts"
PASSWORD = "Ntf-Demo-2026"
CLIENT_ID = "traqs-api"
REDIRECT = "http://127.0.0.1:8765/callback"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CODE = REPO  # the checkout whose mockfinra is measured (--repo); the bench and the bare app stay this one's


def mockfinra_command() -> list[str]:
    """`python -m mockfinra.cli` from CODE (the venv's console script may point at another checkout)."""
    return [sys.executable, "-m", "mockfinra.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MOCKFINRA_")}
    env["PYTHONPATH"] = os.pathsep.join([str(CODE), str(REPO)])
    env.update(extra)
    return env


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its live descendants (uvicorn workers)."""
    total = 0.0
    for one in _descendants(pid):
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _answers(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        return connection.getresponse().status
    except OSError:
        return 0
    finally:
        connection.close()


def start(
    argv: list[str],
    port: int,
    env: dict[str, str],
    probe: tuple[str, str, bytes | None, dict[str, str]],
    timeout: float = 60,
) -> tuple[Server, float]:
    """Spawn, wait for the probe request to answer 200; (server, seconds from spawn to that answer)."""
    began = time.perf_counter()
    process = subprocess.Popen(argv, cwd=CODE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Server(process, port)
    while True:
        if _answers(port, *probe) == 200:
            return server, time.perf_counter() - began
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"{' '.join(argv)} exited with {process.returncode}:\n{error[-2000:]}")
        if time.perf_counter() - began > timeout:
            server.stop()
            raise RuntimeError(f"{' '.join(argv)} did not answer within {timeout} s")
        time.sleep(0.005)


def bare(port: int, static_dir: Path) -> tuple[Server, float]:
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench._bare_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    return start(argv, port, clean_env(BENCH_STATIC_DIR=str(static_dir)), ("GET", "/health", None, {}))


AUTHN_BODY = json.dumps({"username": SEEDED, "password": PASSWORD}).encode()
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def mockfinra(port: int, db: str, workers: int, **env: str) -> tuple[Server, float]:
    argv = [*mockfinra_command(), "serve", "--quiet", "--port", str(port), "--db", db]
    if workers > 1:
        env["MOCKFINRA_WORKERS"] = str(workers)
    return start(argv, port, clean_env(**env), ("POST", "/api/v1/authn", AUTHN_BODY, JSON))


# --- load ------------------------------------------------------------------------------------------------


@dataclass
class Load:
    name: str
    rps: float
    errors: int
    cpu_ms: float  # server CPU per request
    bytes_per_s: float = 0.0
    #: of `errors`, the answers that were not 2xx/3xx (the rest are socket errors: timeouts under load)
    status_errors: int = 0


def wrk(
    server: Server,
    name: str,
    path: str,
    seconds: float,
    connections: int,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Load:
    script = ["wrk.method = " + json.dumps(method)]
    if body is not None:
        script.append("wrk.body = " + json.dumps(body.decode()))
    for key, value in (headers or {}).items():
        script.append(f"wrk.headers[{json.dumps(key)}] = {json.dumps(value)}")
    script.append(
        "done = function(summary, latency, requests)\n"
        "  io.write(string.format('RESULT %d %d %d %d %d\\n', summary.requests, summary.bytes,"
        " summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,"
        " summary.errors.status, summary.duration))\nend"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write("\n".join(script))
    try:
        before = server.cpu()
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", handle.name, server.url + path],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        used = server.cpu() - before
    finally:
        os.unlink(handle.name)
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    requests, size, socket_errors, status_errors, micros = map(int, match.groups())
    duration = micros / 1e6
    return Load(
        name,
        requests / duration,
        socket_errors + status_errors,
        1000 * used / max(requests, 1),
        size / duration,
        status_errors,
    )


# --- clients --------------------------------------------------------------------------------------------


def call(
    port: int,
    method: str,
    path: str,
    body: Any = None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = dict(headers or {})
    data: bytes | None = None
    if body is not None:
        data = json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def full_sign_in(port: int, login: str = SEEDED, answer: str = ANSWER) -> str:
    """Password, then the security question: the sessionToken."""
    status, _, raw = call(port, "POST", "/api/v1/authn", {"username": login, "password": PASSWORD})
    tx = json.loads(raw)
    if tx.get("status") != "MFA_REQUIRED":
        raise RuntimeError(f"sign-in of {login}: {status} {tx}")
    factor = next(f for f in tx["_embedded"]["factors"] if f["factorType"] == "question")
    verify = urllib.parse.urlsplit(factor["_links"]["verify"]["href"]).path
    _, _, raw = call(port, "POST", verify, {"stateToken": tx["stateToken"], "answer": answer})
    done = json.loads(raw)
    if done.get("status") != "SUCCESS":
        raise RuntimeError(f"question of {login}: {done}")
    return done["sessionToken"]


def access_token(port: int) -> str:
    session_token = full_sign_in(port)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode(
        {
            "client_id": CLIENT_ID,
            "response_type": "code",
            "scope": "openid offline_access traqs.refdata",
            "redirect_uri": REDIRECT,
            "state": "s",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "sessionToken": session_token,
        }
    )
    status, headers, _ = call(port, "GET", f"/oauth2/default/v1/authorize?{query}")
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(headers.get("location", "")).query).get("code", [""])[0]
    if not code:
        raise RuntimeError(f"authorize gave {status} {headers}")
    _, _, raw = call(
        port,
        "POST",
        "/oauth2/default/v1/token",
        form={
            "grant_type": "authorization_code",
            "client_id": CLIENT_ID,
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
    )
    return json.loads(raw)["access_token"]


def make_user(port: int, login: str) -> None:
    body = {
        "login": login,
        "password": PASSWORD,
        "firstName": "Bench",
        "lastName": "User",
        "entitlements": ["TRACE"],
        "factors": [{"factorType": "question", "question": "disliked_food", "answer": ANSWER}],
    }
    status, _, raw = call(port, "POST", "/_mock/users", body)
    if status != 201:
        raise RuntimeError(f"POST /_mock/users: {status} {raw[:300]!r}")


def populate(db_url: str, users: int, tokens: int) -> None:
    """Fill the store directly, in a child process that imports CODE's mockfinra."""
    subprocess.run(
        [sys.executable, __file__, "--populate-into", db_url, str(users), str(tokens)],
        env=clean_env(),
        cwd=CODE,
        check=True,
    )


def populate_here(db_url: str, users: int, tokens: int) -> None:
    """Fill the store directly (bench fixture, not a client path): users and issued refresh tokens."""
    from mockfinra.app import build_context
    from mockfinra.identity.core.provisioning import UserSpec, provision_user
    from mockfinra.identity.oidc.refresh import issue_refresh_token
    from mockfinra.settings import Settings

    ctx = build_context(Settings(db=db_url, hash_cost=4))
    ctx.store.create_all()
    with ctx.store.transaction() as db:
        made = [
            provision_user(
                ctx,
                db,
                UserSpec.model_validate(
                    {
                        "login": f"pop.u{i:04d}@example.com",
                        "password": PASSWORD,
                        "firstName": "Pop",
                        "lastName": f"User{i}",
                    }
                ),
            )["user"]
            for i in range(users)
        ]
        scopes = ["openid", "offline_access", "traqs.refdata"]
        for i in range(tokens):
            issue_refresh_token(
                ctx, db, made[i % len(made)], CLIENT_ID, scopes, source="authorize", auth_time=ctx.clock.now()
            )
    ctx.store.dispose()


def download_path(file: str = "CAMASTER", facility: str = "TRACE") -> str:
    return f"/apidownload/DownloadHandler.ashx?action=DOWNLOAD&facility={facility}&file={file}"


# --- the run --------------------------------------------------------------------------------------------


def sequential_cpu(server: Server, runs: int, action: Any) -> float:
    before = server.cpu()
    for _ in range(runs):
        action()
    return 1000 * (server.cpu() - before) / runs


GOALS = ("health", "authn", "created", "signin", "download", "cold")


def moto_server(port: int) -> tuple[Server, float] | None:
    """moto_server from the bench's venv (`pip install 'moto[server]'`), spawn → first 200; None without it."""
    script = Path(sys.executable).parent / "moto_server"
    if not script.exists():
        return None
    argv = [str(script), "-H", "127.0.0.1", "-p", str(port)]
    return start(argv, port, clean_env(), ("GET", "/moto-api/data.json", None, {}))


def compile_code() -> None:
    """Byte-compile the measured checkout, as `pip install` does for an installed mockfinra: with
    PYTHONDONTWRITEBYTECODE set (as on these machines) a source checkout would otherwise be compiled again at
    every start, some 0.2 s that no installed copy pays (FastAPI, uvicorn and moto come compiled)."""
    compileall.compile_dir(str(CODE / "mockfinra"), quiet=1)


def run(args: argparse.Namespace) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("bench/speed.py needs wrk (apt-get install wrk)")
    goals = set(args.only or GOALS)
    compile_code()
    results: dict[str, Any] = {
        "seconds": args.seconds,
        "connections": args.connections,
        "workers": args.workers,
        "code": str(CODE),
        "goals": sorted(goals),
        "populated": args.populate,
    }
    loads: list[Load] = []
    seeded_cpu = created_cpu = 0.0
    colds: list[tuple[float, float, float | None]] = []
    needs_servers = goals - {"cold"}
    with tempfile.TemporaryDirectory(prefix="mockfinra-speed-") as tmp_name:
        tmp = Path(tmp_name)
        db = args.db or f"sqlite:///{tmp / 'speed.db'}"
        if args.populate:
            populate(db, 1000, 10_000)
        static = tmp / "static"
        static.mkdir()
        if needs_servers:
            m_port, b_port = free_port(), free_port()
            mock, _ = mockfinra(m_port, db, args.workers)
            hello, _ = bare(b_port, static)
            try:
                for _ in range(3):  # warm both
                    wrk(hello, "warm", "/health", 1, args.connections)
                    wrk(mock, "warm", "/_mock/health", 1, args.connections)
                loads.append(wrk(hello, "hello", "/health", args.seconds, args.connections))
                if "health" in goals:
                    loads.append(wrk(mock, "health", "/_mock/health", args.seconds, args.connections))
                if "authn" in goals:
                    loads.append(
                        wrk(mock, "authn", "/api/v1/authn", args.seconds, args.connections, "POST", AUTHN_BODY, JSON)
                    )
                if "created" in goals:
                    make_user(m_port, "bench.created@example.com")
                    created_body = json.dumps({"username": "bench.created@example.com", "password": PASSWORD})
                    if "authn" not in goals:
                        loads.append(
                            wrk(
                                mock, "authn", "/api/v1/authn", args.seconds, args.connections, "POST", AUTHN_BODY, JSON
                            )
                        )
                    loads.append(
                        wrk(
                            mock,
                            "authn (created user)",
                            "/api/v1/authn",
                            args.seconds,
                            args.connections,
                            "POST",
                            created_body.encode(),
                            JSON,
                        )
                    )
                loads.append(wrk(hello, "hello again", "/health", args.seconds, args.connections))
                if "download" in goals:
                    auth = {"Authorization": f"Bearer {access_token(m_port)}"}
                    big_port = free_port()
                    big_server, _ = mockfinra(big_port, f"sqlite:///{tmp / 'big.db'}", 1, MOCKFINRA_REFDATA_SCALE="5")
                    try:
                        big_auth = {"Authorization": f"Bearer {access_token(big_port)}"}
                        for name, port, headers in (("CAMASTER", m_port, auth), ("CAMASTER-100k", big_port, big_auth)):
                            status, _, raw = call(port, "GET", download_path(), headers=headers)
                            if status != 200:
                                raise RuntimeError(f"download {name}: {status} {raw[:200]!r}")
                            (static / f"{name}.txt").write_bytes(raw)
                            results.setdefault("file_bytes", {})[name] = len(raw)
                        loads += [
                            wrk(hello, "static CAMASTER", "/static-files/CAMASTER.txt", args.seconds, 8),
                            wrk(mock, "download CAMASTER", download_path(), args.seconds, 8, headers=auth),
                            wrk(hello, "static CAMASTER-100k", "/static-files/CAMASTER-100k.txt", args.seconds, 8),
                            wrk(
                                big_server, "download CAMASTER-100k", download_path(), args.seconds, 8, headers=big_auth
                            ),
                        ]
                    finally:
                        big_server.stop()
                if "signin" in goals:
                    if "created" not in goals:
                        make_user(m_port, "bench.created@example.com")
                    seeded_cpu = sequential_cpu(mock, args.signins, lambda: full_sign_in(m_port))
                    created_cpu = sequential_cpu(
                        mock, args.signins, lambda: full_sign_in(m_port, "bench.created@example.com")
                    )
            finally:
                mock.stop()
                hello.stop()
        if "cold" in goals:
            for _ in range(args.cold_rounds):
                port = free_port()
                server, seconds = mockfinra(port, f"sqlite:///{tmp / f'cold-{port}.db'}", 1)
                server.stop()
                port = free_port()
                server, bare_seconds = bare(port, static)
                server.stop()
                port = free_port()
                moto = moto_server(port)
                if moto is not None:
                    moto[0].stop()
                colds.append((seconds, bare_seconds, moto[1] if moto else None))
    by = {load.name: load for load in loads}
    ratios: dict[str, float] = {}
    if loads:
        hello_rps = statistics.mean([by["hello"].rps, by["hello again"].rps])
        hello_cpu = statistics.mean([by["hello"].cpu_ms, by["hello again"].cpu_ms])
        results["hello_cpu_ms"] = hello_cpu
    if "health" in by:
        ratios["health rps / hello (goal >= 0.85)"] = by["health"].rps / hello_rps
        ratios["health cpu / hello cpu"] = by["health"].cpu_ms / hello_cpu
    if "authn" in by:
        ratios["authn rps / hello (goal >= 0.25)"] = by["authn"].rps / hello_rps
        ratios["authn cpu / hello cpu (goal <= 4)"] = by["authn"].cpu_ms / hello_cpu
    if "authn (created user)" in by:
        ratios["created-user authn cpu / seeded (goal <= 2)"] = by["authn (created user)"].cpu_ms / by["authn"].cpu_ms
    if seeded_cpu:
        ratios["full sign-in cpu, created / seeded (goal <= 2)"] = created_cpu / seeded_cpu
        results["sign_in_cpu_ms"] = {"seeded": seeded_cpu, "created": created_cpu}
    if "download CAMASTER" in by:
        ratios["download CAMASTER / static (goal >= 0.9)"] = (
            by["download CAMASTER"].bytes_per_s / by["static CAMASTER"].bytes_per_s
        )
        ratios["download 100k rows / static (goal >= 0.9)"] = (
            by["download CAMASTER-100k"].bytes_per_s / by["static CAMASTER-100k"].bytes_per_s
        )
    if colds:
        cold_mock = statistics.median(c[0] for c in colds)
        cold_bare = statistics.median(c[1] for c in colds)
        motos = [c[2] for c in colds if c[2] is not None]
        ratios["cold start to first authn / bare first 200 (goal <= 1.5)"] = cold_mock / cold_bare
        results["cold_start_s"] = {"mockfinra_first_authn": cold_mock, "bare_first_200": cold_bare}
        if motos:
            results["cold_start_s"]["moto_server_ready"] = statistics.median(motos)
            ratios["cold start to first authn / moto_server ready (goal <= 1)"] = cold_mock / statistics.median(motos)
    results["loads"] = [load.__dict__ for load in loads]
    results["ratios"] = ratios
    results["errors"] = sum(load.errors for load in loads)
    return results


def report(results: dict[str, Any]) -> str:
    lines = [f"code: {results['code']}  populated: {results['populated']}  goals: {', '.join(results['goals'])}"]
    lines.append(f"{'load':<28}{'req/s':>10}{'MB/s':>9}{'cpu ms/req':>12}{'errors':>8}{'non-2xx':>9}")
    for load in results["loads"]:
        lines.append(
            f"{load['name']:<28}{load['rps']:>10.0f}{load['bytes_per_s'] / 1e6:>9.1f}"
            f"{load['cpu_ms']:>12.3f}{load['errors']:>8}{load.get('status_errors', 0):>9}"
        )
    lines.append("")
    for name, value in results["ratios"].items():
        lines.append(f"{value:8.2f}  {name}")
    if "sign_in_cpu_ms" in results:
        cpu = results["sign_in_cpu_ms"]
        lines.append(f"full sign-in CPU: seeded {cpu['seeded']:.2f} ms, created {cpu['created']:.2f} ms")
    if "cold_start_s" in results:
        cold = results["cold_start_s"]
        lines.append("cold start (s): " + ", ".join(f"{k} {v:.2f}" for k, v in cold.items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--db", default=None, help="store URL (default: a fresh SQLite file)")
    parser.add_argument("--populate", action="store_true", help="1,000 users and 10,000 refresh tokens first")
    parser.add_argument("--signins", type=int, default=100, help="sequential full sign-ins for the CPU figure")
    parser.add_argument("--cold-rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--only", action="append", choices=GOALS, help="measure only these goals (repeatable)")
    parser.add_argument("--repo", type=Path, default=None, help="measure another checkout's mockfinra (e.g. main)")
    parser.add_argument("--populate-into", nargs=3, metavar=("DB", "USERS", "TOKENS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate_into:
        db_url, users, tokens = args.populate_into
        populate_here(db_url, int(users), int(tokens))
        return
    if args.repo:
        global CODE
        CODE = args.repo.resolve()
    results = run(args)
    print(report(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
