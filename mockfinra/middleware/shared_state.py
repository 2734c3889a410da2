"""With several workers only: each request first brings this process's copy of the shared state up to date
(mockfinra/shared_state.py: one primary-key read) and its response names the worker that served it.

`X-Mock-Worker: <pid>` is a diagnostic header (which process answered; tests use it to reach every worker).
One process (the default) does not install this middleware, so it costs nothing there.
"""

from __future__ import annotations

import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockfinra.shared_state import SharedState


class SharedStateRefresh:
    def __init__(self, app: ASGIApp, shared: SharedState) -> None:
        self.app = app
        self.shared = shared
        self.worker = str(os.getpid()).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.shared.refresh()
        worker = self.worker

        async def send_with_worker(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"x-mock-worker", worker)]}
            await send(message)

        await self.app(scope, receive, send_with_worker)
