"""Limits on the request head the parser leaves to the app: the header count and the request-target length.

The size of the whole head is bounded by the parser (`max_header_bytes`, see `mockfinra/http_server.py`);
within it, more than `max_header_count` fields get 431 and a target longer than `max_request_line_bytes`
gets 414, in the surface's own format.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from mockfinra.error_responses import generic_error
from mockfinra.errors import surface_for


class RequestHeadLimits:
    def __init__(self, app: ASGIApp, max_header_count: int, max_target_bytes: int) -> None:
        self.app = app
        self.max_header_count = max_header_count
        self.max_target_bytes = max_target_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            surface = surface_for(scope["path"])
            target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            if target > self.max_target_bytes:
                message = f"The request target is longer than {self.max_target_bytes} bytes."
                await generic_error(surface, 414, message, "uri_too_long", scope=scope)(scope, receive, send)
                return
            if len(scope.get("headers", [])) > self.max_header_count:
                message = f"The request has more than {self.max_header_count} header fields."
                await generic_error(surface, 431, message, "header_fields_too_large", scope=scope)(scope, receive, send)
                return
        await self.app(scope, receive, send)
