"""Issue 11 against a real server: health under load, header floods, slow clients, keep-alive after errors."""

from __future__ import annotations

import asyncio
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.http_server import uvicorn_options
from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer, free_port

REPO = Path(__file__).resolve().parent.parent


def get(port: int, path: str, timeout: float = 10.0) -> tuple[int, float]:
    """Status and seconds of one GET on a fresh connection."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        status = connection.getresponse().status
    finally:
        connection.close()
    return status, time.perf_counter() - started


async def sign_in_load(port: int, concurrency: int, stop: threading.Event, counts: dict[str, int]) -> None:
    """`concurrency` keep-alive clients posting wrong passwords to /api/v1/authn until `stop` (raw HTTP: cheap)."""
    body = b'{"username":"trace.analyst@example.com","password":"Wrong-Pass-1"}'
    request = (
        b"POST /api/v1/authn HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )

    async def one() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while not stop.is_set():
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
                await reader.readexactly(length)
                status = head.split(b" ", 2)[1].decode()
                counts[status] = counts.get(status, 0) + 1
        except (OSError, asyncio.IncompleteReadError) as error:
            counts[type(error).__name__] = counts.get(type(error).__name__, 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(one() for _ in range(concurrency)))


@pytest.mark.serve
def test_healthcheck_passes_under_200_concurrent_sign_ins(tmp_path: Path) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("MOCKFINRA_")}
    env.update(PYTHONPATH=str(REPO), MOCKFINRA_HASH_COST="14", MOCKFINRA_LOCKOUT_THRESHOLD="0", MOCKFINRA_PORT=str(port))
    command = [sys.executable, "-m", "mockfinra.cli"]
    server = subprocess.Popen([*command, "serve", "--db", "memory", "--quiet"], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(port, "/_mock/ready", timeout=1)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "server did not start"
            time.sleep(0.1)
        stop, counts = threading.Event(), {}
        load = threading.Thread(target=lambda: asyncio.run(sign_in_load(port, 200, stop, counts)), daemon=True)
        load.start()
        time.sleep(1.5)  # 200 sign-ins in flight: the thread pool is saturated
        try:
            probes = [get(port, path) for _ in range(10) for path in ("/_mock/health", "/_mock/ready")]
            check = subprocess.run([*command, "healthcheck"], env=env, capture_output=True, text=True, timeout=60)
        finally:
            stop.set()
            load.join(timeout=60)
        assert sum(v for k, v in counts.items() if k == "401") > 0, counts  # the load was real
        assert check.returncode == 0, check.stdout + check.stderr
        assert all(status == 200 for status, _ in probes)
        # queued behind the sign-ins for a worker thread, probes took 5-10 s each; on the event loop they wait
        # only for the process to get the CPU (on a shared, oversubscribed 2-core machine: a rare second or more)
        typical = statistics.median(seconds for _, seconds in probes)
        assert typical < 1.0, f"median probe {typical:.2f} s under load: {sorted(s for _, s in probes)}"
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_serve_options_choose_h11_limits_and_a_long_keep_alive() -> None:
    options = uvicorn_options(Settings())
    assert options["timeout_keep_alive"] >= 15  # above httpx (5 s), aiohttp (15 s) and Node's pool expiry
    assert options["h11_max_incomplete_event_size"] == 65536
    assert options["http"].__name__ == "GuardedH11Protocol"


@pytest.fixture
def server() -> MockfinraServer:
    settings = Settings.for_tests(header_timeout_seconds=1.0, body_timeout_seconds=1.0, keep_alive_timeout_seconds=2.0)
    with MockfinraServer(settings) as running:
        yield running


def test_a_64_mib_header_is_refused_without_stalling_others(server: MockfinraServer) -> None:
    result: dict[str, object] = {}

    def flood() -> None:
        started = time.perf_counter()
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            try:
                sock.sendall(b"GET /_mock/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Flood: ")
                chunk = b"a" * (1 << 20)
                for _ in range(64):
                    sock.sendall(chunk)
                sock.sendall(b"\r\n\r\n")
                result["answer"] = sock.recv(200)
            except OSError as error:  # refused and closed while still sending
                result["answer"] = type(error).__name__
        result["seconds"] = time.perf_counter() - started

    flooder = threading.Thread(target=flood)
    flooder.start()
    time.sleep(0.05)
    others = [get(server.port, "/_mock/clock") for _ in range(5)]
    flooder.join(timeout=30)
    assert all(status == 200 for status, _ in others)
    assert max(seconds for _, seconds in others) < 1.0, others
    assert result["seconds"] < 3.0, result["seconds"]
    answer = result["answer"]
    assert isinstance(answer, str) or answer.startswith(b"HTTP/1.1 400") or answer == b"", answer


def test_a_client_that_never_finishes_its_headers_gets_408(server: MockfinraServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        started = time.perf_counter()
        sock.sendall(b"GET /_mock/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        answer = sock.recv(200)
        assert answer.startswith(b"HTTP/1.1 408") and b"connection: close" in answer.lower()
        assert sock.recv(200) == b""  # closed
        assert 0.8 < time.perf_counter() - started < 4


def test_a_stalled_body_and_a_silent_connection_are_closed(server: MockfinraServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        started = time.perf_counter()
        sock.sendall(b"POST /_mock/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        while sock.recv(1000):
            pass
        assert time.perf_counter() - started < 5
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        started = time.perf_counter()
        assert sock.recv(100) == b""  # a connection that sends nothing: closed after the keep-alive timeout
        assert 1.5 < time.perf_counter() - started < 6


def test_an_unexpected_error_keeps_the_keep_alive_connection(server: MockfinraServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from mockfinra.control import system

    def broken(ctx: object) -> dict[str, object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(system, "isoformat_z", broken)  # GET /_mock/state now fails inside the app
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", "/_mock/state")
        failed = connection.getresponse()
        body = failed.read()
        assert failed.status == 500 and failed.getheader("connection") != "close", body
        assert b"errorSummary" in body or b"message" in body
        connection.request("GET", "/_mock/clock")  # the same connection
        again = connection.getresponse()
        again.read()
        assert again.status == 200
    finally:
        connection.close()


def test_requests_run_in_as_many_threads_as_worker_threads_says() -> None:
    """`worker_threads` sizes the thread pool of sync endpoints (bench/health_under_load.py: fewer threads
    keep the health probes fast under a flood of sign-ins)."""
    with TestClient(create_app(Settings.for_tests(worker_threads=3))) as client:
        assert client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens) == 3
        assert client.get("/_mock/ready").status_code == 200
