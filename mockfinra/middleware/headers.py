"""Reading request headers straight from an ASGI scope (the middleware never builds a `Request`)."""

from __future__ import annotations

from starlette.types import Scope


def header(scope: Scope, name: bytes) -> str:
    """The first value of header `name` (lower-case bytes), or ''."""
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""
