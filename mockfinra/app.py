"""`create_app(settings)`: builds the sites, the host/prefix dispatch, error handling and the lifespan."""

from __future__ import annotations

import logging
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
from mockfinra.errors import (
    MockfinraError,
    OKTA_ERRORS,
    OktaError,
    generic_error,
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


class SiteDispatch:
    """Serve a site at `/` when the request's Host is one of its real NTF host names."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.hosts = {
            host.lower(): site for site, hosts in site_hosts(settings).items() for host in hosts
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
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


class BodyLimit:
    """Refuse request bodies over `max_bytes` with 413 in the surface's own format."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        if length:
            await self.app(scope, receive, send)
            return
        # No declared length (chunked): read up to the limit, then replay what was read.
        chunks: list[Message] = []
        total = 0
        while True:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            total += len(message.get("body", b""))
            if total > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"Request body is larger than {self.max_bytes} bytes."
        response = generic_error(surface_for(scope["path"]), 413, message, "payload_too_large")
        await response(scope, receive, send)


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
            return OktaError("E0000003").response(surface)
        return validation_error(", ".join(dict.fromkeys(fields)), causes).response(surface)
    if surface == "oauth":
        return generic_error(surface, 400, "; ".join(causes), "invalid_request")
    message = "The request body is not valid JSON." if malformed else "; ".join(causes)
    return generic_error(surface, 400, message, "invalid_request")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(MockfinraError)
    async def _mockfinra_error(request: Request, exc: MockfinraError) -> Response:
        return exc.response(surface_for(request.url.path))

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

    # Outermost first: dispatch by host, then the size limit, then the time header on every response.
    app.add_middleware(MockTimeHeader, clock=ctx.clock)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SiteDispatch, settings=settings)
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
