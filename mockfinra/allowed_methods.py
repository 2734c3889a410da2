"""The `Allow` header of a 405: every method some route serves at the path, not only the first route's.

Starlette answers 405 from the first route whose path matches; a path served by several routes (GET and
DELETE on `/api/v1/sessions/me`) would then advertise only one of its methods.
"""

from __future__ import annotations

from typing import Any, Iterator

from starlette.routing import BaseRoute


def _routes(routes: list[BaseRoute]) -> Iterator[Any]:
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before route contexts: routes are flat
        yield from routes
        return
    yield from iter_route_contexts(routes)


def allowed_methods(routes: list[BaseRoute], path: str) -> list[str]:
    """The methods served at `path`, sorted (HEAD with GET where a route answers it).

    Only the most literal templates count: `/factors/catalog` is its own resource, although the template
    `/factors/{factorId}` matches it too."""
    by_params: dict[int, set[str]] = {}
    for route in _routes(routes):
        regex = getattr(route, "path_regex", None)
        served = getattr(route, "methods", None)
        if regex is not None and served and regex.match(path):
            by_params.setdefault(len(getattr(route, "param_convertors", {}) or {}), set()).update(served)
    return sorted(by_params[min(by_params)]) if by_params else []
