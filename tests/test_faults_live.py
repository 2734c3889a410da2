"""Faults against a real server on a socket (`MockfinraServer`) and real clients: httpx with a retry loop,
raw sockets for drops, resets and cut bodies, the example download script (urllib) on a 503 and a
truncated body, and @okta/okta-auth-js on a 429 and a maintenance window."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockfinra.identity.oidc.refresh import issue_refresh_token
from mockfinra.store.users import find_user_by_login
from mockfinra.testing import MockfinraServer
from tests.download_support import HANDLER, access_token, download_settings, query

#: the shared test machine can be slow; a fault test must not fail on httpx's 5 s default
TIMEOUT = httpx.Timeout(60.0)
SCRIPT = Path(__file__).resolve().parent.parent / "examples" / "finra_refdata_download.py"
COMPAT_DIR = Path(__file__).parent / "compat"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[MockfinraServer]:
    with MockfinraServer(download_settings(tmp_path)) as live:
        yield live


def add(server: MockfinraServer, **fault: Any) -> dict[str, Any]:
    response = httpx.post(timeout=TIMEOUT, url=f"{server.url}/_mock/faults", json=fault)
    assert response.status_code == 201, response.text
    return response.json()


def journal(server: MockfinraServer, **params: Any) -> list[dict[str, Any]]:
    response = httpx.get(timeout=TIMEOUT, url=f"{server.url}/_mock/requests", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def raw_request(server: MockfinraServer, path: str, headers: str = "") -> tuple[bytes, BaseException | None]:
    """One HTTP/1.1 request on a plain socket: every byte that came back, and how the connection ended."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n{headers}Connection: close\r\n\r\n".encode())
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except OSError as error:
            return received, error
    return received, None


def get_with_retries(url: str, attempts: int = 4, **kwargs: Any) -> tuple[httpx.Response, list[str]]:
    """What a careful client does: retry 429/5xx (honouring Retry-After) and broken connections."""
    seen: list[str] = []
    for attempt in range(attempts):
        try:
            response = httpx.get(url, timeout=TIMEOUT, **kwargs)
        except (httpx.RemoteProtocolError, httpx.ReadError) as error:
            seen.append(type(error).__name__)
            continue
        seen.append(str(response.status_code))
        if response.status_code not in (429, 500, 502, 503, 504) or attempt == attempts - 1:
            return response, seen
        time.sleep(min(float(response.headers.get("retry-after", "0")), 2))
    raise AssertionError(f"no answer after {seen}")


def bearer(server: MockfinraServer, login: str = "trace@example.com") -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token(server.app, login)}"}


# --- drop, reset, truncate, slow, delay on a real socket --------------------------------------------


def test_drop_closes_without_a_response_and_the_journal_says_so(server: MockfinraServer) -> None:
    fault = add(server, site="mfa", path="/api/v1/authn", method="POST", drop=True)
    with pytest.raises(httpx.RemoteProtocolError, match="without sending"):
        httpx.post(timeout=TIMEOUT, url=f"{server.url}/api/v1/authn", json={"username": "trace@example.com", "password": "x"})
    received, ended = raw_request(server, "/api/v1/authn")  # a GET: not matched, answered
    assert received.startswith(b"HTTP/1.1 405") and ended is None
    [entry] = journal(server, path="/api/v1/authn", method="POST")
    assert entry["status"] == 0 and entry["fault"] == fault["id"] and entry["user"] == "trace@example.com"


def test_reset_aborts_the_connection(server: MockfinraServer) -> None:
    add(server, site="traqs", drop="reset")
    received, ended = raw_request(server, "/traqs/")
    assert received == b"" and isinstance(ended, ConnectionResetError)
    add(server, site="mfa", path="/login/*", drop="close")
    received, ended = raw_request(server, "/login/login.htm")
    assert received == b"" and ended is None  # a clean close: an empty reply


def test_truncate_sends_the_full_content_length_and_a_shorter_body(server: MockfinraServer) -> None:
    fault = add(server, site="apidownload", truncate_bytes=100)
    received, _ = raw_request(server, HANDLER + query(), f"Authorization: {bearer(server)['Authorization']}\r\n")
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    length = int(next(line.split(":", 1)[1] for line in lines if line.lower().startswith("content-length")))
    assert lines[0] == "HTTP/1.1 200 OK" and f"x-mock-fault: {fault['id']}".lower() in [line.lower() for line in lines]
    assert len(body) == 100 < length
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(timeout=TIMEOUT, url=f"{server.url}{HANDLER}{query()}", headers=bearer(server))
    entry = journal(server, fault=fault["id"], limit=1)[0]
    assert entry["status"] == 200 and entry["response"]["size"] == 100


def test_delay_and_slow_body(server: MockfinraServer) -> None:
    add(server, site="mfa", path="/api/v1/authn", delay_ms=400)
    started = time.perf_counter()
    response = httpx.post(timeout=TIMEOUT, url=f"{server.url}/api/v1/authn", json={"username": "trace@example.com", "password": "x"})
    assert response.status_code == 401 and time.perf_counter() - started >= 0.4
    assert journal(server, path="/api/v1/authn")[0]["latency_ms"] >= 400

    add(server, site="apidownload", slow={"chunk_bytes": 2000, "delay_ms": 40})
    plain = httpx.get(timeout=TIMEOUT, url=f"{server.url}{HANDLER}{query()}",
                      headers={**bearer(server), "Accept-Encoding": "identity"})
    chunks = len(plain.content) // 2000
    assert plain.status_code == 200 and chunks >= 3 and plain.headers["content-length"] == str(len(plain.content))
    entry = journal(server, site="apidownload", limit=1)[0]
    assert entry["latency_ms"] >= chunks * 40 * 0.9


def test_random_delay_range(server: MockfinraServer) -> None:
    add(server, site="traqs", delay_ms={"min": 100, "max": 200})
    started = time.perf_counter()
    httpx.get(timeout=TIMEOUT, url=f"{server.url}/traqs/")
    assert 0.1 <= time.perf_counter() - started < 5


# --- real clients ---------------------------------------------------------------------------------


def test_third_download_fails_with_503_the_client_retries_and_the_journal_shows_it(server: MockfinraServer) -> None:
    """The README's story, in these few lines."""
    add(server, site="apidownload", path="*/DownloadHandler.ashx", skip=2, times=1, status=503, retry_after=1)
    url, headers = f"{server.url}{HANDLER}{query()}", bearer(server)
    outcomes = [get_with_retries(url, headers=headers)[1] for _ in range(3)]
    assert outcomes == [["200"], ["200"], ["503", "200"]]
    calls = journal(server, path="*/DownloadHandler.ashx", count=4, wait=5)
    assert [c["status"] for c in reversed(calls)] == [200, 200, 503, 200]


def test_httpx_retries_through_a_drop_and_an_api_rate_limit(server: MockfinraServer) -> None:
    add(server, site="traqs", times=1, drop=True)
    response, seen = get_with_retries(f"{server.url}/traqs/")
    assert seen == ["RemoteProtocolError", "302"] and "/login/login.htm" in response.headers["location"]
    httpx.post(timeout=TIMEOUT, url=f"{server.url}/_mock/faults", json={"preset": "api-rate-limit", "retry_after": 1, "times": 1})
    response, seen = get_with_retries(f"{server.url}{HANDLER}{query()}", headers=bearer(server))
    assert seen == ["429", "200"] and response.text.startswith("FINRA_SCRTY_ID|")


def refresh_token(server: MockfinraServer, login: str = "trace@example.com") -> str:
    ctx = server.ctx
    with ctx.store.transaction() as db:
        user = find_user_by_login(db, login)
        assert user is not None
        token, _row = issue_refresh_token(ctx, db, user, "traqs-api", ["openid", "offline_access", "traqs.refdata"],
                                          source="test")
    return token


def run_script(server: MockfinraServer, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FINRA_TOKEN_URL": f"{server.url}/oauth2/default/v1/token",
        "FINRA_DOWNLOAD_URL": f"{server.url}{HANDLER}",
        "FINRA_USERNAME": "trace@example.com",
        "FINRA_REFRESH_TOKEN": refresh_token(server),
    }
    return subprocess.run([sys.executable, str(SCRIPT), "TRACE", "CAMASTER", "-o", str(out), *args],
                          env=env, capture_output=True, text=True, timeout=120)


def test_example_script_retries_a_503_and_gives_up_cleanly(server: MockfinraServer, tmp_path: Path) -> None:
    add(server, site="apidownload", times=1, status=503, retry_after=1)
    done = run_script(server, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "HTTP 503; retrying in 1 s" in done.stderr and Path(done.stdout.strip()).name.startswith("CAMASTER_")
    statuses = [e["status"] for e in reversed(journal(server, site="apidownload"))]
    assert statuses == [503, 200]

    add(server, site="apidownload", status=503, retry_after=0)
    failed = run_script(server, tmp_path / "none", "--retries", "2")
    assert failed.returncode == 1 and failed.stderr.strip().endswith("HTTP 503: Error 503: Service Unavailable")
    assert len(journal(server, site="apidownload", status="503")) == 4


def test_example_script_on_a_truncated_body_leaves_no_partial_file(server: MockfinraServer, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    fault = add(server, site="apidownload", truncate_bytes=500)
    failed = run_script(server, tmp_path, "--retries", "1")
    assert failed.returncode == 1 and "IncompleteRead" in failed.stderr, failed.stderr
    assert list(tmp_path.iterdir()) == []
    httpx.delete(timeout=TIMEOUT, url=f"{server.url}/_mock/faults/{fault['id']}")
    add(server, site="apidownload", truncate_bytes=500, times=1)
    done = run_script(server, tmp_path)
    assert done.returncode == 0 and "IncompleteRead; retrying" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == [Path(done.stdout.strip()).name]


@pytest.mark.compat
@pytest.mark.parametrize("scenario", ["rate-limited", "maintenance"])
def test_okta_auth_js_on_a_429_and_a_maintenance_window(server: MockfinraServer, scenario: str) -> None:
    node = shutil.which("node")
    if node is None or not (COMPAT_DIR / "node_modules" / "@okta" / "okta-auth-js").is_dir():
        pytest.fail("node and tests/compat/node_modules (npm ci) are needed for the okta-auth-js tests")
    done = subprocess.run([node, "fault-scenarios.mjs", server.url, scenario], cwd=COMPAT_DIR,
                          capture_output=True, text=True, timeout=90)
    steps = {s["step"]: s for s in map(json.loads, filter(None, done.stdout.splitlines()))}
    assert done.returncode == 0 and "done" in steps, done.stdout + done.stderr
    if scenario == "rate-limited":
        assert steps["refused"]["errorCode"] == "E0000047" and steps["refused"]["status"] == 429
        attempts = steps["retried"]["attempts"]
        assert [a["status"] for a in attempts] == [429, "MFA_REQUIRED"] and attempts[0]["retryAfter"] == "1"
        assert [e["status"] for e in journal(server, path="/api/v1/authn")] == [200, 429, 429]
    else:
        assert steps["refused"]["errorCode"] == "E0000010" and steps["back"]["errorCode"] == "E0000004"
