"""Every site's routes on the app's own router, in one flat list, instead of `include_router`.

FastAPI (0.16x) keeps an included router as a branch that is matched at request time: every request walks
the branches twice (`matches`, then `handle`), and each level re-matches the routes below it, so a
sign-in spent more time finding its route (some 170 path checks) than in the store. Added flat, a request
meets each route's path pattern at most once, in the same order as before (the first full match wins, a
method mismatch is kept as the 405 candidate), and the OpenAPI document is built from the same routes.

`add_flat(app, router, prefix)` does what `app.include_router(router, prefix=prefix)` did for the options
this project uses: a prefix, and a router's `include_in_schema=False` (tags and dependencies are the routes'
own, merged in by their `APIRouter`); any other inclusion option is refused at start.
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.datastructures import DefaultPlaceholder
from fastapi.routing import APIRoute, APIRouter, request_response, wrap_app_with_body_limit
from fastapi.utils import create_model_field
from starlette.routing import BaseRoute, Mount, Route, compile_path


def add_flat(app: FastAPI, router: APIRouter, prefix: str = "", in_schema: bool = True) -> None:
    for route in router.routes:
        _add(app, route, prefix, in_schema and getattr(router, "include_in_schema", True))


def _add(app: FastAPI, route: BaseRoute, prefix: str, in_schema: bool) -> None:
    branch: APIRouter | None = getattr(route, "original_router", None)
    if branch is not None:  # a router included into this one: its prefix joins ours
        context: Any = getattr(route, "include_context", None)
        extra = getattr(context, "prefix", "") or ""
        if _has_options(context):
            raise TypeError(f"add_flat: include options other than a prefix are not supported ({context!r})")
        add_flat(app, branch, prefix + extra, in_schema and getattr(context, "include_in_schema", True) is not False)
        return
    if isinstance(route, APIRoute) and not prefix:
        # the route as its router built it (its path, ids and models stay valid): only the handler is
        # rebuilt, so that the app's dependency overrides apply as they did through include_router
        if in_schema is False:
            route.include_in_schema = False
        route.dependency_overrides_provider = app.router.dependency_overrides_provider
        route.app = wrap_app_with_body_limit(request_response(route.get_route_handler()), route.max_body_size)
        app.router.routes.append(route)
        return
    if isinstance(route, APIRoute) and _movable(route):
        _add(app, _moved(route, prefix), "", in_schema)
        return
    if isinstance(route, APIRoute):  # a model named after the id: built anew, as include_router did
        app.router.add_api_route(
            prefix + route.path,
            route.endpoint,
            response_model=route.response_model,
            status_code=route.status_code,
            tags=list(route.tags or []),
            dependencies=list(route.dependencies or []),
            summary=route.summary,
            description=route.description,
            response_description=route.response_description,
            responses=dict(route.responses or {}),
            deprecated=route.deprecated,
            methods=sorted(route.methods or []),
            operation_id=route.operation_id,
            response_model_include=route.response_model_include,
            response_model_exclude=route.response_model_exclude,
            response_model_by_alias=route.response_model_by_alias,
            response_model_exclude_unset=route.response_model_exclude_unset,
            response_model_exclude_defaults=route.response_model_exclude_defaults,
            response_model_exclude_none=route.response_model_exclude_none,
            include_in_schema=route.include_in_schema and in_schema,
            response_class=route.response_class,
            name=route.name,
            callbacks=route.callbacks,
            openapi_extra=route.openapi_extra,
            generate_unique_id_function=route.generate_unique_id_function,
        )
        return
    if isinstance(route, Route):
        app.router.add_route(
            prefix + route.path,
            route.endpoint,
            methods=sorted(route.methods or []) or None,
            name=route.name,
            include_in_schema=route.include_in_schema and in_schema,
        )
        return
    if isinstance(route, Mount):
        mounted = copy.copy(route)
        mounted.path = (prefix + route.path).rstrip("/")
        mounted.path_regex, mounted.path_format, mounted.param_convertors = compile_path(mounted.path + "/{path:path}")
        app.router.routes.append(mounted)
        return
    raise TypeError(f"add_flat: unsupported route {route!r}")


def _movable(route: APIRoute) -> bool:
    """Whether a prefix changes only the route's path, its id and its response model's name: no other model
    is named after the id (an embedded body, the models of other responses, a stream's items)."""
    return not route._embed_body_fields and not route.response_fields and route.stream_item_field is None


def _moved(route: APIRoute, prefix: str) -> APIRoute:
    """The route under `prefix`, its dependencies as its router analysed them: a copy with the path, the id
    and the response model's name set again costs a fraction of the ~2 ms a rebuild takes per route."""
    moved = copy.copy(route)
    moved.path = prefix + route.path
    moved.path_regex, moved.path_format, moved.param_convertors = compile_path(moved.path)
    generate = route.generate_unique_id_function
    moved.unique_id = route.operation_id or (generate.value if isinstance(generate, DefaultPlaceholder) else generate)(moved)
    if route.response_field is not None:
        moved.response_field = create_model_field(
            name="Response_" + moved.unique_id, type_=route.response_model, mode="serialization"
        )
    return moved


def _has_options(context: Any) -> bool:
    """Whether an inclusion set anything but its prefix (tags, dependencies, responses, ...)."""
    if context is None:
        return False
    for name in ("tags", "dependencies", "responses", "callbacks"):
        if getattr(context, name, None):
            return True
    return getattr(context, "deprecated", None) is True
