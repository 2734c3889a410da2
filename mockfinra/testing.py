"""Pytest plugin and in-process server for test suites (ours and our users').

Fixtures (available once mockfinra is installed):
- `mockfinra_settings`: `Settings.for_tests()` (memory store, cheap hashing); override the fixture to change it.
- `mockfinra_app`: a fresh app; `mockfinra_client`: a `TestClient` on it (lifespan run, seed loaded).
- `mockfinra_server`: a real uvicorn server on a free loopback port, in a thread; `.url` is its base URL.
"""

from __future__ import annotations

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
        self.ctx.outbox.close()  # end open long-polls and event streams, which would hold shutdown up
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
