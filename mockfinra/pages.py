"""The one Jinja2 environment for HTML pages (MFA sign-in, TRAQS, the virtual phone)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi.responses import HTMLResponse
from starlette.requests import Request

from mockfinra import __version__
from mockfinra.links import Links
from mockfinra.settings import TEMPLATES_DIR


@lru_cache(maxsize=1)
def environment() -> Any:
    """Built on first use (jinja2 is imported lazily to keep start-up fast)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return env


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `templates/<name>` with `links` (absolute URL builder) and `settings` in scope."""
    links = Links(request)
    html = environment().get_template(name).render(
        request=request, links=links, settings=request.app.state.settings, **context
    )
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})
