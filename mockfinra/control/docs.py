"""The API docs from the package (Swagger UI at `/_mock/docs`, ReDoc at `/_mock/redoc`) and the favicon.

The Swagger UI and ReDoc bundles are vendored under `templates/static/vendor/` (see its README), so the
docs render with no internet. Swagger UI starts from an external script (`static/swagger-init.js`) rather
than FastAPI's inline one, so a Content-Security-Policy of `script-src 'self'` allows it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import FileResponse, HTMLResponse

from mockfinra.links import Links
from mockfinra.middleware.security_headers import page_policy
from mockfinra.pages import render
from mockfinra.resources import TEMPLATES_DIR

router = APIRouter(tags=["docs"], include_in_schema=False)
#: served at the root of every site (see `SHARED_PREFIXES` in middleware/site_dispatch.py)
favicon_router = APIRouter(include_in_schema=False)

VENDOR = "/static/vendor"
FAVICON = TEMPLATES_DIR / "static" / "favicon.svg"


def _openapi_url(request: Request) -> str:
    return Links(request).origin() + request.app.openapi_url


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    return render(request, "mock/swagger.html", title=f"{request.app.title} · control plane and APIs",
                  openapi_url=_openapi_url(request))


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    origin = Links(request).origin()
    page = get_redoc_html(
        openapi_url=_openapi_url(request),
        title=f"{request.app.title} · API reference",
        redoc_js_url=f"{origin}{VENDOR}/redoc/redoc.standalone.js",
        redoc_favicon_url=f"{origin}/favicon.ico",
        with_google_fonts=False,
    )
    html = page.body.decode("utf-8").replace("<html>", '<html lang="en">', 1)
    # ReDoc (styled-components) injects its styles at run time and may start a blob: worker: its own policy,
    # otherwise the pages' one ('self' only, no framing).
    policy = page_policy(request.app.state.settings).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    policy += "; worker-src 'self' blob:"
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "Content-Security-Policy": policy})


@favicon_router.get("/favicon.ico", response_class=FileResponse)
def favicon() -> FileResponse:
    """An SVG (every browser in use takes one at /favicon.ico when the type says so)."""
    return FileResponse(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
