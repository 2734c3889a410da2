"""`create_app(settings)`: builds the sites, the host/prefix dispatch, error handling and the lifespan."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import anyio.to_thread
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
from mockfinra.flat_routes import add_flat
from mockfinra.journal.recorder import recorder
from mockfinra.links import SITE_PREFIXES
from mockfinra.middleware.cors import Cors
from mockfinra.middleware.cross_site import CrossSiteGuard
from mockfinra.middleware.faults import Faults
from mockfinra.middleware.health import HealthProbes
from mockfinra.middleware.host_allowlist import HostAllowList
from mockfinra.middleware.journal import Journal
from mockfinra.middleware.lazy_sections import LazySections
from mockfinra.middleware.mock_time import MockTimeHeader
from mockfinra.middleware.request_body import RequestBody
from mockfinra.middleware.request_head import RequestHeadLimits
from mockfinra.middleware.security_headers import SecurityHeaders
from mockfinra.middleware.shared_state import SharedStateRefresh
from mockfinra.middleware.site_dispatch import SiteDispatch
from mockfinra.middleware.unexpected_errors import UnexpectedErrors
from mockfinra.outbox.hub import OutboxHub
from mockfinra.outbox.wakeups import Wakeups
from mockfinra.sections import Section, add_lazy, ensure_all
from mockfinra.settings import TEMPLATES_DIR, Settings
from mockfinra.shared_state import shared_state
from mockfinra.store import Store
from mockfinra.sweeper import sweep_forever
from mockfinra.tenants.dispatch import TenantDispatch
from mockfinra.tenants.registry import close_tenants
from mockfinra.validation_responses import validation_response

log = logging.getLogger("mockfinra")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(MockfinraError)
    async def _mockfinra_error(request: Request, exc: MockfinraError) -> Response:
        return error_response(exc, surface_for(request.url.path), request.scope)

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
                return generic_error(surface, 405, message, "http_error", headers, scope=request.scope)
        else:
            message = str(exc.detail)
        headers = dict(exc.headers or {})
        return generic_error(surface, exc.status_code, message, "http_error", headers, scope=request.scope)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        surface = surface_for(request.url.path)
        return generic_error(surface, 500, OKTA_ERRORS["E0000009"][1], "server_error", scope=request.scope)


def build_context(settings: Settings) -> Context:
    start = parse_instant(settings.clock_start) if settings.clock_start else None
    clock = Clock(start=start, frozen=settings.clock_frozen)
    outbox = OutboxHub.from_settings(settings)
    return Context(settings=settings, clock=clock, store=Store(settings.db), outbox=outbox)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    ctx = build_context(settings)
    ctx.resources.setdefault("reset_hooks", []).append(_reload_faults)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from mockfinra.faults.config import load_configured_faults
        from mockfinra.seed import load_initial_state

        # the thread pool of sync endpoints and `run_in_threadpool` (anyio's default limiter, per event loop)
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        if not ctx.ready:  # `mockfinra serve` loads it before serving, to report a bad seed with exit 2
            load_initial_state(ctx)
        load_configured_faults(ctx)
        sweep = asyncio.create_task(sweep_forever(ctx))
        wakeups = Wakeups(ctx.store.engine, ctx.outbox) if settings.shares_state else None
        if wakeups is not None:
            wakeups.start()
        try:
            yield
        finally:
            sweep.cancel()
            recorder(ctx).flush()
            await close_tenants(ctx)
            if wakeups is not None:
                wakeups.stop()
            shared_state(ctx).close()
            ctx.store.dispose()

    app = FastAPI(
        title="mockfinra",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,  # served from the package by mockfinra/control/docs.py (offline)
        redoc_url=None,
        openapi_url="/_mock/openapi.json",
    )
    app.state.settings = settings
    app.state.ctx = ctx
    install_error_handlers(app)
    include_routers(app)
    _install_openapi_lazily(app)
    app.mount("/static", StaticFiles(directory=TEMPLATES_DIR / "static"), name="static")

    # add_middleware wraps: the last added runs first. So: the time header and the security headers on every
    # response (refusals and faults included), the health probes (on the event loop, before any host rule),
    # CORS (preflights answered, untrusted origins refused), the header count and target length, the Host
    # allow-list, dispatch by host (so the journal and the faults see a site's path in one form), the journal
    # (it records what the client got: a fault's status, a cut body, a drop, the latency with a fault's
    # delay), the faults, the cross-site refusal (on the dispatched path), one bounded read of the body (size
    # limit and JSON text; a fault fires whatever the body), and innermost the 500 that keeps the connection.
    app.add_middleware(LazySections, owner=app)
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(RequestBody, max_bytes=settings.max_body_bytes)
    app.add_middleware(CrossSiteGuard)
    app.add_middleware(Faults, ctx=ctx, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(Journal, ctx=ctx)
    app.add_middleware(SiteDispatch, settings=settings)
    app.add_middleware(HostAllowList, settings=settings)
    app.add_middleware(
        RequestHeadLimits, max_header_count=settings.max_header_count, max_target_bytes=settings.max_request_line_bytes
    )
    app.add_middleware(Cors, ctx=ctx)
    app.add_middleware(HealthProbes, is_ready=lambda: ctx.ready)
    app.add_middleware(SecurityHeaders, settings=settings)
    app.add_middleware(MockTimeHeader, clock=ctx.clock)
    if settings.shares_state:  # the one per-request hook of several workers (docs/workers.md)
        app.add_middleware(SharedStateRefresh, shared=shared_state(ctx))
    # Outermost: a request for a tenant (`/t/{name}/...`, `X-Mock-Tenant`) goes to that tenant's whole app, which
    # has its own shared-state refresh.
    app.add_middleware(TenantDispatch, ctx=ctx)
    return app


def _install_openapi_lazily(app: FastAPI) -> None:
    """`app.openapi` builds the published document (mockfinra/openapi) on first use: its modules are not
    imported on the way to serving."""

    def openapi() -> dict[str, Any]:
        from mockfinra.openapi import install

        ensure_all(app)
        install(app)
        return app.openapi()

    app.openapi = openapi  # type: ignore[method-assign]


def _reload_faults(ctx: Context) -> None:
    """`POST /_mock/reset` wiped the faults with everything else: forget the cached list, reload the file."""
    from mockfinra.faults.book import book
    from mockfinra.faults.config import load_configured_faults

    book(ctx).invalidate()
    load_configured_faults(ctx)


def include_routers(app: FastAPI) -> None:
    """Every site's routers, flat on the app's router (mockfinra/flat_routes.py). Each module owns one area
    and exposes `router`. The MFA service's are built now; the others when first asked (mockfinra/sections.py)."""
    from mockfinra.identity import routes as identity

    add_flat(app, identity.router)
    add_lazy(app, Section("control", ("/_mock", "/favicon.ico"), _install_control))
    add_lazy(app, Section("traqs", (SITE_PREFIXES["traqs"],), _install_traqs))
    download = (SITE_PREFIXES["apidownload"], SITE_PREFIXES["download"])
    add_lazy(app, Section("download", download, _install_download))


def _install_control(app: FastAPI) -> None:
    from mockfinra.control import routes as control

    add_flat(app, control.router, prefix="/_mock")
    add_flat(app, control.root_router)


def _install_traqs(app: FastAPI) -> None:
    from mockfinra.traqs import routes as traqs

    add_flat(app, traqs.router, prefix=SITE_PREFIXES["traqs"])


def _install_download(app: FastAPI) -> None:
    from mockfinra.download import routes as download

    add_flat(app, download.apidownload_router, prefix=SITE_PREFIXES["apidownload"])
    add_flat(app, download.legacy_router, prefix=SITE_PREFIXES["download"])


def app_factory() -> Any:
    """For `uvicorn --factory mockfinra.app:app_factory` (settings from the environment)."""
    return create_app(Settings())
