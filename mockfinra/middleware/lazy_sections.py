"""Install the route section a request needs before the router looks for its route (mockfinra/sections.py)."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from mockfinra.sections import ensure_for


class LazySections:
    def __init__(self, app: ASGIApp, owner: FastAPI) -> None:
        self.app = app
        self.owner = owner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            ensure_for(self.owner, scope["path"])
        await self.app(scope, receive, send)
