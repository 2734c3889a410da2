"""What every operation on a surface can answer, whatever route it is (new routes get these too).

- 400 in the surface's error format: request validation (this app answers 400, never FastAPI's 422), a bad
  Host header, and the domain's own checks;
- 413 where the operation takes a body (the request-body limit, `MOCKFINRA_MAX_BODY_BYTES`);
- 401 with `WWW-Authenticate` where a dependency guards the route with a token (the admin token);
- 404 where a path parameter names something that may not exist;
- pages (routes on the HTML surface without their own response class) answer `text/html`.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from fastapi.responses import JSONResponse

from mockfinra.errors import Surface
from mockfinra.openapi import responses as r
from mockfinra.openapi.schemas import HTML


def _guards() -> tuple[Callable[..., Any], ...]:
    from mockfinra.admin import require_admin
    from mockfinra.identity.classic.users_routes import require_api_token

    return (require_admin, require_api_token)


def _calls(dependant: Any) -> Iterator[Callable[..., Any]]:
    for sub in getattr(dependant, "dependencies", ()):
        yield sub.call
        yield from _calls(sub)


def guarded(route: Any) -> bool:
    """True when a token dependency guards the route (directly or through its router)."""
    guards = _guards()
    return any(call in guards for call in _calls(route.dependant))


def is_page(route: Any, surface: Surface) -> bool:
    """A route of the HTML surface that did not declare another response class renders a page."""
    if surface != "html":
        return False
    declared = getattr(route.response_class, "value", route.response_class)
    return declared is JSONResponse or getattr(declared, "media_type", None) == "text/html"


def apply(operation: dict[str, Any], method: str, path: str, surface: Surface, route: Any | None) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)
    if route is not None and is_page(route, surface):
        for status, response in responses.items():
            if status.startswith("2"):
                response.pop("content", None)
                response["content"] = {HTML: {"schema": {"type": "string"}}}
                response["description"] = response.get("description") or "An HTML page"
    responses.setdefault("400", r.error(surface, 400, "The request is not valid (the message says what to fix)"))
    if "requestBody" in operation:
        responses.setdefault("413", r.error(surface, 413, "The request body is over the size limit"))
    if route is not None and guarded(route):
        responses.setdefault("401", r.error(surface, 401, "The admin token is missing or wrong", r.CHALLENGE))
    if any(p.get("in") == "path" for p in operation.get("parameters", [])) or "{" in path:
        responses.setdefault("404", r.error(surface, 404, "Nothing has this id or name"))


