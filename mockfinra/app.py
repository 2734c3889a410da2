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

from mockfinra import __version__
from mockfinra.allowed_methods import allowed_methods
from mockfinra.clock import Clock, parse_instant
from mockfinra.context import Context
from mockfinra.error_responses import error_response, generic_error
from mockfinra.errors import OKTA_ERRORS, MockfinraError, surface_for
from mockfinra.links import SITE_PREFIXES
from mockfinra.middleware.mock_time import MockTimeHeader
from mockfinra.middleware.request_body import RequestBody
from mockfinra.middleware.site_dispatch import SiteDispatch
from mockfinra.openapi import install as install_openapi
from mockfinra.outbox.hub import OutboxHub
from mockfinra.settings import TEMPLATES_DIR, Settings
from mockfinra.store import Store
from mockfinra.validation_responses import validation_response

log = logging.getLogger("mockfinra")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(MockfinraError)
    async def _mockfinra_error(request: Request, exc: MockfinraError) -> Response:
        return error_response(exc, surface_for(request.url.path))

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return validation_response(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        surface = surface_for(request.url.path)
        if exc.status_code == 404:
            message = f"Not found: {request.url.path}"
        elif exc.status_code == 405:
            message = f"The endpoint does not support the HTTP method {request.method}."
            allowed = allowed_methods(request.app.routes, request.url.path)
            if allowed:
                headers = {**dict(exc.headers or {}), "Allow": ", ".join(allowed)}
                return generic_error(surface, 405, message, "http_error", headers)
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
    install_openapi(app)
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
