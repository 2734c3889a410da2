"""Builders of OpenAPI response objects: an error on a surface, a redirect, a page, plain text, nothing."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from mockfinra.errors import Surface
from mockfinra.openapi.schemas import HTML, PLAIN, error_content

Response = dict[str, Any]

#: response headers, by name
LOCATION = {"Location": {"description": "where to go next (absolute URL)", "schema": {"type": "string"}, "required": True}}
CHALLENGE = {"WWW-Authenticate": {"description": "the authentication scheme expected", "schema": {"type": "string"}}}
ALLOW = {"Allow": {"description": "the methods the resource supports", "schema": {"type": "string"}}}


def _reason(status: int) -> str:
    return HTTPStatus(status).phrase


def error(surface: Surface, status: int, description: str | None = None, headers: dict[str, Any] | None = None) -> Response:
    """An error response in the surface's own format."""
    out: Response = {"description": description or _reason(status), "content": error_content(surface)}
    if headers:
        out["headers"] = dict(headers)
    return out


def redirect(status: int = 303, description: str | None = None) -> Response:
    """A redirect: a `Location` header and no body to read."""
    return {"description": description or _reason(status), "headers": dict(LOCATION)}


def page(status: int = 200, description: str | None = None) -> Response:
    return {"description": description or "An HTML page", "content": {HTML: {"schema": {"type": "string"}}}}


def plain(status: int = 200, description: str | None = None) -> Response:
    return {"description": description or _reason(status), "content": {PLAIN: {"schema": {"type": "string"}}}}


def empty(status: int, description: str | None = None, headers: dict[str, Any] | None = None) -> Response:
    out: Response = {"description": description or _reason(status)}
    if headers:
        out["headers"] = dict(headers)
    return out


def json(description: str = "OK", schema: dict[str, Any] | None = None, media_type: str = "application/json") -> Response:
    return {"description": description, "content": {media_type: {"schema": schema or {"type": "object"}}}}
