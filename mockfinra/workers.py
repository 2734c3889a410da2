"""`mockfinra serve --workers N`: N uvicorn worker processes on one port (docs/workers.md).

uvicorn starts its workers with `spawn` and hands each the server configuration, so the app and the HTTP
protocol are named by import strings and built in the worker: `worker_app()` builds the app from the settings
the command resolved (passed in the environment as JSON), and `HttpProtocol` is the same guarded h11 protocol
(timeouts, TLS scope) one process uses (mockfinra/http_server.py).

The command itself creates the tables, loads the seed and publishes the configured clock before the workers
start (a bad seed still ends it with exit 2); the workers then find the seeded store.
"""

from __future__ import annotations

import gc
import inspect
import json
import os
import signal
import threading
from functools import cache
from typing import Any

from mockfinra.settings import Settings

#: the resolved settings, as JSON, for the worker processes (not a setting: no MOCKFINRA_ prefix)
SETTINGS_ENV = "_MOCKFINRA_WORKER_SETTINGS"
APP = "mockfinra.workers:worker_app"
HTTP_PROTOCOL = "mockfinra.workers:HttpProtocol"
#: how long a worker may take to answer the supervisor's ping before it is replaced
HEALTHCHECK_SECONDS = 30


@cache
def worker_settings() -> Settings:
    raw = os.environ.get(SETTINGS_ENV)
    return Settings(**json.loads(raw)) if raw else Settings()


def worker_app() -> Any:
    """The app of one worker process (uvicorn's factory)."""
    from mockfinra.app import create_app

    application = create_app(worker_settings())
    _close_hub_on_exit(application.state.ctx.outbox)
    gc.freeze()  # as `mockfinra serve` does: the startup objects leave the collector's generations
    return application


def __getattr__(name: str) -> Any:
    if name == "HttpProtocol":  # built in each worker from its settings (a class made at runtime)
        from mockfinra.http_server import uvicorn_options

        return uvicorn_options(worker_settings())["http"]
    raise AttributeError(name)


def _close_hub_on_exit(hub: Any) -> None:
    """A stop signal first ends the open event streams and long-polls (as `outbox.serving.run_uvicorn` does
    for one process), then lets uvicorn shut down. uvicorn has installed its handlers before calling us."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(sig)
        if not callable(previous):
            continue

        def handler(signum: int, frame: Any, previous: Any = previous) -> None:
            hub.close()
            previous(signum, frame)

        signal.signal(sig, handler)


def run_workers(settings: Settings, options: dict[str, Any]) -> None:
    """Serve with `settings.workers` processes; `options` from `http_server.uvicorn_options(settings)`."""
    import uvicorn

    os.environ[SETTINGS_ENV] = settings.model_dump_json()
    if not isinstance(options.get("http"), str):
        options = {**options, "http": HTTP_PROTOCOL}
    if "timeout_worker_healthcheck" in inspect.signature(uvicorn.Config).parameters:  # uvicorn >= 0.30
        # uvicorn replaces a worker that does not answer its ping within 5 s: on a busy machine a starting
        # worker (imports, seed check) can take longer, and would be killed and started again and again
        options = {**options, "timeout_worker_healthcheck": HEALTHCHECK_SECONDS}
    uvicorn.run(
        APP,
        factory=True,
        workers=settings.workers,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        **options,
    )
