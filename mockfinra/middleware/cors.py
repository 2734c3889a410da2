"""CORS for the APIs a browser app calls across origins, as Okta allows it for its trusted origins.

Covered paths (Okta marks these APIs "CORS"): `/api/v1/authn*`, `/api/v1/sessions/me*`, `/api/v1/users/me*`,
`/oauth2/*` (interact, authorize, token, keys, userinfo, discovery), `/idp/idx/*` (the Identity Engine),
`/.well-known/okta-organization` and `/.well-known/openid-configuration`.

- A request whose `Origin` is the mock's own (its host, or one of the configured real NTF host names on the
  same scheme and port) is not cross-origin: it passes untouched.
- An origin trusted with the `CORS` scope (`mockfinra.identity.core.trusted_origins`) gets its preflight
  answered (200, no body) and every response, errors included, carries `Access-Control-Allow-Origin: <origin>`
  and `Access-Control-Allow-Credentials: true`.
- Any other origin gets 403 in the surface's own format (`E0000006` on `/api`, `access_denied` on `/oauth2`,
  an IDX message on `/idp`) and no CORS header, preflight or not. ASSUMPTION: Okta answers an untrusted
  origin's preflight with 403 (what browsers' consoles show); the body, and refusing the request itself as
  well rather than only leaving the headers out, are this mock's choice (the browser blocks it either way).
- A cross-origin request with an API token (`Authorization: SSWS ...`) is refused the same way: Okta never
  allows CORS with an API token. ASSUMPTION: the status and body.
Every response on a covered path carries `Vary: Origin`.
"""

from __future__ import annotations

from typing import Iterable

import anyio.to_thread
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockfinra.context import Context
from mockfinra.error_responses import generic_error
from mockfinra.errors import surface_for
from mockfinra.identity.core.trusted_origins import is_trusted
from mockfinra.links import site_hosts
from mockfinra.middleware.headers import header as _header
from mockfinra.origins import normalise_origin

#: exact paths, and prefixes (ending in '/') of the APIs that answer cross-origin requests
CORS_PATHS = (
    "/api/v1/authn",
    "/api/v1/sessions/me",
    "/api/v1/users/me",
    "/.well-known/okta-organization",
    "/.well-known/openid-configuration",
)
CORS_PREFIXES = ("/api/v1/authn/", "/api/v1/sessions/me/", "/api/v1/users/me/", "/oauth2/", "/idp/idx/")
ALLOWED_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
#: what okta-auth-js and the Sign-In Widget send (and a few more clients do), besides the safelisted ones
ALLOWED_HEADERS = (
    "Accept",
    "Accept-Language",
    "Authorization",
    "Cache-Control",
    "Content-Language",
    "Content-Type",
    "DPoP",
    "Okta-Version",
    "Pragma",
    "X-Device-Fingerprint",
    "X-Mock-Tenant",  # a browser app choosing a tenant by header (docs/tenants.md)
    "X-Okta-User-Agent-Extended",
    "X-Okta-XsrfToken",
    "X-Requested-With",
)
EXPOSED_HEADERS = "WWW-Authenticate, X-Mock-Time"


def covered(path: str) -> bool:
    return path in CORS_PATHS or path.startswith(CORS_PREFIXES)


class Cors:
    """Preflight and actual-request CORS for trusted origins on the covered paths (see the module)."""

    def __init__(self, app: ASGIApp, ctx: Context) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not covered(scope["path"]):
            await self.app(scope, receive, send)
            return
        origin = _header(scope, b"origin")
        if not origin or self._own(scope, origin):
            await self.app(scope, receive, _with_headers(send, [(b"vary", b"Origin")]))
            return
        preflight = scope["method"] == "OPTIONS" and bool(_header(scope, b"access-control-request-method"))
        trusted = await anyio.to_thread.run_sync(self._trusted, origin)
        if not trusted:
            await self._refuse(scope, receive, send, _untrusted_message(origin))
            return
        cors = [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-credentials", b"true"),
            (b"vary", b"Origin"),
        ]
        if preflight:
            cors += [
                (b"access-control-allow-methods", ALLOWED_METHODS.encode()),
                (b"access-control-allow-headers", ", ".join(ALLOWED_HEADERS).encode()),
            ]
            await Response(status_code=200, headers={k.decode(): v.decode("latin-1") for k, v in cors})(
                scope, receive, send
            )
            return
        if _header(scope, b"authorization").lstrip().lower().startswith("ssws"):
            await self._refuse(
                scope, receive, send,
                "Cross-origin requests with an API token (Authorization: SSWS) are not allowed: an API token "
                "belongs on a server, never in a browser.",
            )
            return
        cors.append((b"access-control-expose-headers", EXPOSED_HEADERS.encode()))
        await self.app(scope, receive, _with_headers(send, cors))

    def _own(self, scope: Scope, origin: str) -> bool:
        scheme = scope.get("scheme", "http")
        host = _header(scope, b"host")
        port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
        own = {f"{scheme}://{host}"}
        for names in site_hosts(self.ctx.settings, self.ctx.era).values():
            own.update(f"{scheme}://{name}{':' + port if port else ''}" for name in names)
        try:
            given = normalise_origin(origin)
            return given in {normalise_origin(candidate) for candidate in own if candidate}
        except ValueError:
            return False

    def _trusted(self, origin: str) -> bool:
        with self.ctx.store.transaction() as db:
            return is_trusted(self.ctx, db, origin, "CORS")

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, message: str) -> None:
        surface = surface_for(scope["path"])
        response = generic_error(surface, 403, message, "access_denied", {"Vary": "Origin"}, scope=scope)
        await response(scope, receive, send)


def _untrusted_message(origin: str) -> str:
    return (
        f"The origin {origin} is not a trusted origin for CORS. Add it with the CORS scope "
        "(MOCKFINRA_TRUSTED_ORIGINS, or POST /_mock/trusted-origins) to call this API from a page there."
    )


def _with_headers(send: Send, extra: Iterable[tuple[bytes, bytes]]) -> Send:
    """`send`, adding `extra` to the response's headers (a `Vary` value joins an existing one)."""
    extra = list(extra)

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            for name, value in extra:
                if name == b"vary":
                    headers = _join_vary(headers, value)
                else:
                    headers.append((name, value))
            message = {**message, "headers": headers}
        await send(message)

    return sending


def _join_vary(headers: list[tuple[bytes, bytes]], value: bytes) -> list[tuple[bytes, bytes]]:
    for index, (name, existing) in enumerate(headers):
        if name.lower() == b"vary":
            present = {part.strip().lower() for part in existing.split(b",")}
            if value.lower() not in present:
                headers[index] = (name, existing + b", " + value)
            return headers
    return [*headers, (b"vary", value)]
