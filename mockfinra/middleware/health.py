"""`/_mock/health` and `/_mock/ready` answered on the event loop, before anything else runs.

The routes in `control/system.py` are sync FastAPI endpoints: under load they queue behind sign-ins for a
worker thread (each a slow scrypt check), and a probe that waits seconds makes an orchestrator restart a
healthy, busy mock. This middleware, the outermost layer, answers both paths itself: no thread pool, no
database, no host check (an orchestrator probes by container name or pod address). It reads only
`ctx.ready`, which the seed loader sets.
"""

from __future__ import annotations

import json
from typing import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from mockfinra import __version__

HEALTH_PATH = "/_mock/health"
READY_PATH = "/_mock/ready"


class HealthProbes:
    """Answer `GET|HEAD /_mock/health` (alive: 200) and `/_mock/ready` (200 once the seed is loaded, else 503)."""

    def __init__(self, app: ASGIApp, is_ready: Callable[[], bool]) -> None:
        self.app = app
        self.is_ready = is_ready

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path") if scope["type"] == "http" else None
        if path not in (HEALTH_PATH, READY_PATH) or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if path == HEALTH_PATH:
            status, payload = 200, {"status": "ok", "version": __version__}
        elif self.is_ready():
            status, payload = 200, {"ready": True}
        else:
            status, payload = 503, {"ready": False, "message": "loading the seed"}
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
