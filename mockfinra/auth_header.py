"""The one parser of `Authorization` headers: `<scheme><optional whitespace><credentials>`.

Okta accepts `SSWS <token>` and also `SSWS<token>` (the `okta` Python SDK 3.x sends no space), so every
place that reads a token (the admin token, bearer access tokens, Basic credentials) parses it here.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import HTTPConnection

SSWS = "ssws"
BEARER = "bearer"
BASIC = "basic"


def parse(header: str | None, schemes: Iterable[str]) -> tuple[str, str] | None:
    """`(scheme, credentials)` when `header` starts with one of `schemes` (case-insensitive), followed by
    optional whitespace and non-empty credentials without inner whitespace; None otherwise."""
    text = (header or "").strip()
    lowered = text.lower()
    for scheme in sorted((s.lower() for s in schemes), key=len, reverse=True):
        if not lowered.startswith(scheme):
            continue
        value = text[len(scheme):].strip()
        if value and not any(ch.isspace() for ch in value):
            return scheme, value
        return None
    return None


def credentials(request: HTTPConnection, *schemes: str) -> str | None:
    """The credentials of the request's `Authorization` header in one of `schemes`, or None."""
    found = parse(request.headers.get("authorization"), schemes)
    return found[1] if found else None
