"""What the faults and the journal read from a request, straight from the ASGI scope and body bytes: its
site, its path within the site, its parameters and the user it names."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import parse_qs

from starlette.types import Scope

from mockfinra.links import SITE_HOST_SCOPE_KEY, SITE_PREFIXES
from mockfinra.middleware.headers import header

#: paths every site answers for the mock itself: never faulted, never journaled
OWN_PREFIXES = ("/_mock", "/static")


def is_own(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in OWN_PREFIXES)


def site_of(scope: Scope) -> tuple[str, str]:
    """`(site, path within the site)` of a request as served (after `SiteDispatch`)."""
    path: str = scope["path"]
    for site, prefix in SITE_PREFIXES.items():
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            return site, path[len(prefix):] or "/"
    return scope.get(SITE_HOST_SCOPE_KEY) or "mfa", path


def query_params(scope: Scope) -> dict[str, list[str]]:
    return parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def body_params(content_type: str, body: bytes) -> dict[str, list[str]]:
    """Form fields, or the top-level string fields of a JSON object."""
    media = media_type(content_type)
    if media == "application/x-www-form-urlencoded":
        return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    if media == "application/json" or media.endswith("+json"):
        data = _json_object(body)
        return {key: [value] for key, value in data.items() if isinstance(value, str)}
    return {}


def all_params(scope: Scope, body: bytes) -> dict[str, list[str]]:
    params = query_params(scope)
    for key, values in body_params(header(scope, b"content-type"), body).items():
        params.setdefault(key, []).extend(values)
    return params


def named_user(scope: Scope, body: bytes = b"") -> str | None:
    """The login a request names: a Basic auth user, a bearer JWT's `sub`, or a `username` in the body
    (authn, the download form). The JWT is read, not verified: this only labels the request."""
    scheme, _, credential = header(scope, b"authorization").partition(" ")
    credential = credential.strip()
    if scheme.lower() == "basic" and credential:
        try:
            user, _, _password = base64.b64decode(credential, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user = ""
        if user:
            return user
    if scheme.lower() == "bearer" and credential.count(".") == 2:
        claims = _json_object(_b64url(credential.split(".")[1]))
        if isinstance(claims.get("sub"), str):
            return claims["sub"]
    if body:
        values = body_params(header(scope, b"content-type"), body).get("username")
        if values and values[0]:
            return values[0]
    return None


def _b64url(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        return b""


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}
