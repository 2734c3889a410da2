"""Errors as HTTP responses: the adaptor between `mockfinra.errors` (pure envelopes) and Starlette.

Given the request's `scope`, an HTML error page links back to the sign-in page of the world it was served in
(a tenant chosen by the path keeps its `/t/{name}` prefix); without it, to `/`.
"""

from __future__ import annotations

from typing import Iterable

from starlette.responses import Response
from starlette.types import Scope

from mockfinra.errors import Envelope, MockfinraError, Surface, error_envelope
from mockfinra.links import home_path


def envelope_response(envelope: Envelope) -> Response:
    return Response(envelope.body, envelope.status, headers=envelope.headers, media_type=envelope.media_type)


def error_response(error: MockfinraError, surface: Surface, scope: Scope | None = None) -> Response:
    """The response for a raised error, in the format of the surface it hit."""
    return envelope_response(error.envelope(surface, home_path(scope)))


def generic_error(
    surface: Surface,
    status: int,
    message: str,
    error: str = "error",
    headers: dict[str, str] | None = None,
    causes: Iterable[str] = (),
    scope: Scope | None = None,
) -> Response:
    """A status, a message and its causes as a response in the surface's own format."""
    return envelope_response(error_envelope(surface, status, message, error, headers, causes, home_path(scope)))
