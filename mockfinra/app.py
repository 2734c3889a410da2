"""`create_app(settings)`: builds the sites, the host/prefix dispatch, error handling and the lifespan."""

from __future__ import annotations

import json
import logging
import re
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockfinra import __version__
from mockfinra.clock import Clock, isoformat_z, parse_instant
from mockfinra.context import Context
from mockfinra.error_responses import error_response, generic_error
from mockfinra.errors import (
    OKTA_ERRORS,
    MockfinraError,
    OktaError,
    surface_for,
    validation_error,
)
from mockfinra.links import SITE_HOST_SCOPE_KEY, SITE_PREFIXES, site_hosts
from mockfinra.outbox.hub import OutboxHub
from mockfinra.settings import TEMPLATES_DIR, Settings
from mockfinra.store import Store

log = logging.getLogger("mockfinra")

#: paths that every site answers itself, whatever host a request came on
SHARED_PREFIXES = ("/_mock", "/static")


#: a Host header: a name, an IPv4 address or a bracketed IPv6 address, and an optional port (RFC 9110 §7.2)
VALID_HOST = re.compile(r"(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>[0-9]{1,5}))?")
#: a JSON escape of a UTF-16 surrogate (`\ud800`-`\udfff`); paired ones are fine, lone ones are not text
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class SiteDispatch:
    """Serve a site at `/` when the request's Host is one of its real NTF host names.

    A Host header that is not a host name (every link the server emits is built from it) gets 400.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.hosts = {
            host.lower(): site for site, hosts in site_hosts(settings).items() for host in hosts
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = _header(scope, b"host")
            if given and not _valid_host(given):
                message = f"The Host header {given!r} is not a host name with an optional port."
                response = generic_error(surface_for(scope["path"]), 400, message, "bad_host")
                await response(scope, receive, send)
                return
        if scope["type"] in ("http", "websocket") and self.hosts:
            host = _header(scope, b"host").rsplit(":", 1)[0].lower()
            site = self.hosts.get(host)
            if site is not None:
                scope = dict(scope)
                scope[SITE_HOST_SCOPE_KEY] = site
                prefix = SITE_PREFIXES[site]
                path = scope["path"]
                if prefix and not path.startswith(SHARED_PREFIXES):
                    scope["path"] = prefix + path
                    scope["raw_path"] = (prefix + path).encode()
        await self.app(scope, receive, send)


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
            await _validation_response(Request(scope), RequestValidationError([error]))(scope, receive, send)
            return

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"Request body is larger than {self.max_bytes} bytes."
        response = generic_error(surface_for(scope["path"]), 413, message, "payload_too_large")
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


class MockTimeHeader:
    """Every response carries `X-Mock-Time`: the mock clock's time when the response started."""

    def __init__(self, app: ASGIApp, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_time(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-mock-time", isoformat_z(self.clock.now()).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_time)


def _valid_host(value: str) -> bool:
    match = VALID_HOST.fullmatch(value)
    return match is not None and int(match["port"] or 0) <= 65535


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def _validation_response(request: Request, exc: RequestValidationError) -> Response:
    surface = surface_for(request.url.path)
    errors = exc.errors()
    malformed = any(
        e.get("type") == "json_invalid" or (e.get("type") == "missing" and tuple(e.get("loc", ())) == ("body",))
        for e in errors
    )
    causes = []
    fields = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "header", "form")]
        field = ".".join(loc) or "body"
        fields.append(field)
        causes.append(f"{field}: {error.get('msg', 'invalid value')}")
    if surface == "okta":
        if malformed:
            return error_response(OktaError("E0000003"), surface)
        return error_response(validation_error(", ".join(dict.fromkeys(fields)), causes), surface)
    if surface == "oauth":
        return generic_error(surface, 400, "; ".join(causes), "invalid_request")
    message = "The request body is not valid JSON." if malformed else "; ".join(causes)
    return generic_error(surface, 400, message, "invalid_request")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(MockfinraError)
    async def _mockfinra_error(request: Request, exc: MockfinraError) -> Response:
        return error_response(exc, surface_for(request.url.path))

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return _validation_response(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        surface = surface_for(request.url.path)
        if exc.status_code == 404:
            message = f"Not found: {request.url.path}"
        elif exc.status_code == 405:
            message = f"The endpoint does not support the HTTP method {request.method}."
        else:
            message = str(exc.detail)
        return generic_error(surface, exc.status_code, message, "http_error", dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        surface = surface_for(request.url.path)
        return generic_error(surface, 500, OKTA_ERRORS["E0000009"][1], "server_error")


def build_context(settings: Settings) -> Context:
    start = parse_instant(settings.clock_start) if settings.clock_start else None
    clock = Clock(start=start, frozen=settings.clock_frozen)
    outbox = OutboxHub.from_settings(settings)
    return Context(settings=settings, clock=clock, store=Store(settings.db), outbox=outbox)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    ctx = build_context(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from mockfinra.seed import load_initial_state

        if not ctx.ready:  # `mockfinra serve` loads it before serving, to report a bad seed with exit 2
            load_initial_state(ctx)
        try:
            yield
        finally:
            ctx.store.dispose()

    app = FastAPI(
        title="mockfinra",
        version=__version__,
        lifespan=lifespan,
        docs_url="/_mock/docs",
        redoc_url=None,
        openapi_url="/_mock/openapi.json",
    )
    app.state.settings = settings
    app.state.ctx = ctx
    install_error_handlers(app)
    include_routers(app)
    app.mount("/static", StaticFiles(directory=TEMPLATES_DIR / "static"), name="static")

    # add_middleware wraps: the last added runs first. So: the time header on every response (refusals
    # included), then dispatch by host, then one bounded read of the body (size limit and JSON text).
    app.add_middleware(RequestBody, max_bytes=settings.max_body_bytes)
    app.add_middleware(SiteDispatch, settings=settings)
    app.add_middleware(MockTimeHeader, clock=ctx.clock)
    return app


def include_routers(app: FastAPI) -> None:
    """Every site's routers. Each module owns one area and exposes `router`."""
    from mockfinra.control import routes as control
    from mockfinra.download import routes as download
    from mockfinra.identity import routes as identity
    from mockfinra.traqs import routes as traqs

    app.include_router(control.router, prefix="/_mock")
    app.include_router(identity.router)
    app.include_router(traqs.router, prefix=SITE_PREFIXES["traqs"])
    app.include_router(download.apidownload_router, prefix=SITE_PREFIXES["apidownload"])
    app.include_router(download.legacy_router, prefix=SITE_PREFIXES["download"])


def app_factory() -> Any:
    """For `uvicorn --factory mockfinra.app:app_factory` (settings from the environment)."""
    return create_app(Settings())
