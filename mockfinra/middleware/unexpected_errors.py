"""An unexpected exception becomes a 500 in the surface's format, and the keep-alive connection survives.

Starlette's outermost `ServerErrorMiddleware` sends its 500 and then re-raises, so that the server logs it;
uvicorn, seeing an exception after the response started, closes the connection without `Connection: close`
and the client's next pooled request fails. This middleware, the innermost of ours, catches the exception
first: it logs it, answers 500 (Okta error JSON, OAuth JSON, HTML or plain text, by path) when nothing was
sent yet, and returns normally, so the connection stays usable. An exception after the response started
cannot be answered any more: it propagates and the connection closes (the response is cut anyway).
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockfinra.error_responses import generic_error
from mockfinra.errors import OKTA_ERRORS, surface_for

log = logging.getLogger("mockfinra")


class UnexpectedErrors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if started:
                raise
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            message = OKTA_ERRORS["E0000009"][1]
            response = generic_error(surface_for(scope["path"]), 500, message, "server_error", scope=scope)
            await response(scope, receive, send)
