"""Build the document: FastAPI's own over every route, then the surfaces' errors and the table's specifics."""

from __future__ import annotations

import re
from typing import Any, Iterator

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from mockfinra.errors import surface_for
from mockfinra.openapi import objects, surfaces, table
from mockfinra.openapi.downloads import SECURITY_SCHEMES
from mockfinra.openapi.schemas import COMPONENTS

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
#: FastAPI's placeholder error models, never sent by this app
UNUSED_SCHEMAS = ("HTTPValidationError", "ValidationError")
#: catch-all routes (`/{path:path}`) are documented through `table.EXTRA_PATHS` instead
CATCH_ALL = re.compile(r"\{[^}]+:path\}")


def install(app: FastAPI) -> None:
    """Publish the truthful document at the app's `openapi_url` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def api_routes(app: FastAPI) -> Iterator[Any]:
    """Every `APIRoute` with its full path (through included routers), pages and hidden ones included."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before route contexts: routes are flat
        yield from (route for route in app.routes if isinstance(route, APIRoute))
        return
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            yield context


def _shown(route: Any) -> Any:
    """The route as FastAPI's generator should see it: in the schema (pages are documented too)."""
    if isinstance(route, APIRoute):
        import copy

        shown = copy.copy(route)
        shown.include_in_schema = True
        return shown
    from fastapi.routing import RouteContext

    class Shown(RouteContext):
        include_in_schema = True

    return Shown(route.route, route._route_context)


def documented(app: FastAPI) -> list[Any]:
    return [_shown(route) for route in api_routes(app) if not CATCH_ALL.search(route.path)]


def build(app: FastAPI) -> dict[str, Any]:
    routes = documented(app)
    doc = get_openapi(
        title=app.title,
        version=app.version,
        description=DESCRIPTION,
        routes=routes,
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name in UNUSED_SCHEMAS:
        schemas.pop(name, None)
    schemas.update(COMPONENTS)
    schemas.update(objects.COMPONENTS)
    for model in table.MODELS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    doc["components"].setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    by_key = {(method, route.path_format): route for route in routes for method in route.methods}
    paths = doc.setdefault("paths", {})
    for path, extra in table.EXTRA_PATHS.items():
        paths.setdefault(path, {}).update(extra())
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            route = by_key.get((method.upper(), path))
            table.apply(operation, method, path)  # first: the surfaces only fill in what it left open
            objects.apply(operation, method, path)
            surfaces.apply(operation, method, path, surface_for(path), route)
    return doc


DESCRIPTION = """\
mockfinra: a local emulator of FINRA's NTF environment. One process serves the NASDAQ MFA service (an
Okta-compatible Authentication API, Users API, Sessions API, OIDC authorization server and Identity Engine),
the TRAQS portal pages, the reference-data download hosts (`DownloadHandler.ashx`) and the `/_mock` control plane.

Errors come in the format of the surface they hit: Okta error JSON (`OktaError`) under `/api`, OAuth 2.0 error
JSON (`OAuthError`) under `/oauth2`, Identity Engine messages (`IdxError`) under `/idp`, control-plane JSON
(`MockError`) under `/_mock`, plain text on the download hosts and an HTML page elsewhere. Request validation
errors are 400 (never 422). When `MOCKFINRA_ADMIN_TOKEN` is set, the control plane and the Users API need it
(`Authorization: SSWS <token>`, `Authorization: Bearer <token>` or `X-Mock-Token`).
"""
