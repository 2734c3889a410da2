"""One bounded read of the request body (size limit, JSON that can be text), then a replay to the app."""

from __future__ import annotations

import json
import re

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockfinra.error_responses import generic_error
from mockfinra.errors import surface_for
from mockfinra.middleware.headers import header as _header
from mockfinra.validation_responses import validation_response

#: a JSON escape of a UTF-16 surrogate (`\ud800`-`\udfff`); paired ones are fine, lone ones are not text
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class RequestBody:
    """One bounded read of the request body, then a replay of it to the app.

    - Bodies over `max_bytes` (declared, or counted while chunks arrive) get 413 in the surface's format.
    - A JSON body whose strings escape a lone UTF-16 surrogate (`"\\ud800"`) is malformed JSON: Python's `json`
      accepts it (pydantic's parser does not), but no text can hold it, so hashing, storing or echoing such a
      string would fail far from the request. Only bodies holding such an escape are parsed here.
    Bodies of other types with a declared length stream straight through.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length.isdigit() and int(length) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        is_json = _is_json(_header(scope, b"content-type"))
        if length and not is_json:
            await self.app(scope, receive, send)
            return
        chunks: list[Message] = []
        parts: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            part = message.get("body", b"")
            parts.append(part)
            total += len(part)
            if total > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(parts)
        if is_json and SURROGATE_ESCAPE.search(body) and _holds_lone_surrogate(body):
            error = {"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error: a lone UTF-16 surrogate"}
            await validation_response(Request(scope), RequestValidationError([error]))(scope, receive, send)
            return

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"Request body is larger than {self.max_bytes} bytes."
        response = generic_error(surface_for(scope["path"]), 413, message, "payload_too_large", scope=scope)
        await response(scope, receive, send)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _holds_lone_surrogate(body: bytes) -> bool:
    """True when the body is JSON and one of its strings keeps a surrogate that pairs with nothing."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return False  # not JSON at all: the route reports that itself
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except (ValueError, RecursionError):
        return False
    return False
