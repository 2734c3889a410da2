"""Pytest plugin and in-process server for test suites (ours and our users').

Fixtures (available once mockfinra is installed):
- `mockfinra_settings`: `Settings.for_tests()` (memory store, cheap hashing); override the fixture to change it.
- `mockfinra_app`: a fresh app; `mockfinra_client`: a `TestClient` on it (lifespan run, seed loaded).
- `mockfinra_server`: a real uvicorn server on a free loopback port, in a thread; `.url` is its base URL.
- `mockfinra_tenant`: a world of the test's own on a shared server (docs/tenants.md): the server named by
  `MOCKFINRA_URL` (a CI fleet shares one instance), else one local server for the whole session. The tenant
  is created when the test starts and deleted when it ends (`--mockfinra-tenant-scope=worker`: one tenant per
  xdist worker, reset before each test). `.url` is the world's base URL (`{server}/t/{name}`), `.control()`
  calls its control plane. `mockfinra_url` is that base URL alone.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import socket
import threading
import time
from typing import Any, Iterator

import pytest

from mockfinra.settings import Settings


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MockfinraServer:
    """A real HTTP server on 127.0.0.1 in a background thread: `with MockfinraServer() as s: s.url`."""

    def __init__(self, settings: Settings | None = None, port: int | None = None) -> None:
        from mockfinra.app import create_app

        self.port = port or free_port()
        self.settings = (settings or Settings.for_tests()).model_copy(update={"port": self.port, "host": "127.0.0.1"})
        self.app = create_app(self.settings)
        self.url = f"{'https' if self.settings.tls_cert else 'http'}://127.0.0.1:{self.port}"
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def ctx(self) -> Any:
        return self.app.state.ctx

    def start(self, timeout: float = 20.0) -> "MockfinraServer":
        import uvicorn

        from mockfinra.http_server import uvicorn_options

        options = uvicorn_options(self.settings)  # parser, limits, timeouts; HTTPS when the settings say so
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on", **options)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="mockfinra-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("mockfinra server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        from mockfinra.tenants.registry import REGISTRY_KEY

        self.ctx.outbox.close()  # end open long-polls and event streams, which would hold shutdown up
        if REGISTRY_KEY in self.ctx.resources:
            self.ctx.resources[REGISTRY_KEY].close_outboxes()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> "MockfinraServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture
def mockfinra_settings() -> Settings:
    return Settings.for_tests()


@pytest.fixture
def mockfinra_app(mockfinra_settings: Settings) -> Any:
    from mockfinra.app import create_app

    return create_app(mockfinra_settings)


@pytest.fixture
def mockfinra_client(mockfinra_app: Any) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(mockfinra_app, base_url="http://127.0.0.1:8400") as client:
        yield client


@pytest.fixture
def mockfinra_server(mockfinra_settings: Settings) -> Iterator[MockfinraServer]:
    with MockfinraServer(mockfinra_settings) as server:
        yield server


# --- tenants on a shared server (docs/tenants.md) ---------------------------------------------------------

#: the shared server the tenant fixtures use (unset: one local server per test session)
URL_ENV = "MOCKFINRA_URL"
#: fixes the run part of tenant names (default: random per test session, so fleets never collide)
RUN_ENV = "MOCKFINRA_TENANT_RUN"


class MockfinraTenant:
    """One tenant of a mockfinra server: `url` is its base URL, `control()` its control plane."""

    def __init__(self, server_url: str, name: str, token: str | None = None) -> None:
        self.server_url = server_url.rstrip("/")
        self.name = name
        self.url = f"{self.server_url}/t/{name}"
        self.token = token if token is not None else os.environ.get("MOCKFINRA_ADMIN_TOKEN")

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """One JSON call to this tenant's control plane: `tenant.control("POST", "/_mock/users", {...})`."""
        from mockfinra.control_client import call

        return call(self.url, self.token or "", method, path, body)

    def create(self) -> "MockfinraTenant":
        from mockfinra.control_client import call

        call(self.server_url, self.token or "", "POST", "/_mock/tenants", {"name": self.name})
        return self

    def delete(self) -> None:
        from mockfinra.control_client import ControlPlaneError, call

        try:
            call(self.server_url, self.token or "", "DELETE", f"/_mock/tenants/{self.name}")
        except ControlPlaneError as error:
            if not str(error).startswith("404"):
                raise

    def reset(self) -> None:
        self.control("POST", "/_mock/reset")


def tenant_name(node_id: str, worker: str | None = None, run: str | None = None) -> str:
    """`{run}-{worker}-{hash of the test}`: unique per test session (run), xdist worker and test."""
    run = _slug(run or os.environ.get(RUN_ENV) or _session_run, 12)
    worker = _slug(worker or os.environ.get("PYTEST_XDIST_WORKER") or "main", 12)
    digest = hashlib.sha256(node_id.encode()).hexdigest()[:10]
    return f"{run}-{worker}-{digest}"


def _slug(text: str, length: int) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())[:length] or "x"


_session_run = secrets.token_hex(3)


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("mockfinra")
    help_text = "mockfinra tenants: 'test' (a tenant per test, deleted after it) or 'worker' (one per xdist worker, reset per test)"
    group.addoption("--mockfinra-tenant-scope", choices=("test", "worker"), default=None, help=help_text)
    parser.addini("mockfinra_tenant_scope", help_text, default="test")


def _tenant_scope(config: Any) -> str:
    return config.getoption("--mockfinra-tenant-scope") or config.getini("mockfinra_tenant_scope") or "test"


@pytest.fixture(scope="session")
def mockfinra_shared_url() -> Iterator[str]:
    """The server the tenant fixtures use: `MOCKFINRA_URL`, else a local one started for the session."""
    external = os.environ.get(URL_ENV, "").strip()
    if external:
        yield external.rstrip("/")
        return
    with MockfinraServer(Settings.for_tests()) as server:
        yield server.url


@pytest.fixture(scope="session")
def mockfinra_worker_tenant(mockfinra_shared_url: str) -> Iterator[MockfinraTenant]:
    """One tenant for this xdist worker (or this session), deleted at its end."""
    tenant = MockfinraTenant(mockfinra_shared_url, tenant_name("worker"))
    tenant.delete()
    tenant.create()
    yield tenant
    tenant.delete()


@pytest.fixture
def mockfinra_tenant(request: Any, mockfinra_shared_url: str) -> Iterator[MockfinraTenant]:
    """This test's own world on the shared server (see the module docstring)."""
    if _tenant_scope(request.config) == "worker":
        tenant = request.getfixturevalue("mockfinra_worker_tenant")
        tenant.reset()
        yield tenant
        return
    tenant = MockfinraTenant(mockfinra_shared_url, tenant_name(request.node.nodeid))
    tenant.delete()  # a leftover of an interrupted run with the same name starts over
    tenant.create()
    try:
        yield tenant
    finally:
        tenant.delete()


@pytest.fixture
def mockfinra_url(mockfinra_tenant: MockfinraTenant) -> str:
    """The base URL of this test's world: `{server}/t/{tenant}` (point the client's issuer at it)."""
    return mockfinra_tenant.url
