"""Cross-site writes refused on the control plane and the HTML pages, and JSON-only writes on `/_mock`.

With no admin token (the default) the control plane trusts whoever can reach it: a web page the developer
happens to visit could otherwise reset the mock or approve pushes with a plain form POST. Two rules, for
every method that can change state (not GET, HEAD, OPTIONS):

- on `/_mock/*` and the HTML pages, a request from a page of another site (`mockfinra.cross_site`) is 403;
- on `/_mock/*`, a body must be JSON (`application/json`): a form or `text/plain` body, which a page of any
  site can send without a CORS preflight, is 415.

The Okta APIs, OAuth endpoints and downloads are left to their own rules (tokens, CORS).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from mockfinra.cross_site import is_cross_site
from mockfinra.error_responses import generic_error
from mockfinra.errors import surface_for
from mockfinra.middleware.headers import header as _header
from mockfinra.middleware.request_body import _is_json

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
GUARDED_SURFACES = ("mock", "html")


class CrossSiteGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        surface = surface_for(scope["path"])
        if surface not in GUARDED_SURFACES or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        own = f"{scope.get('scheme', 'http')}://{_header(scope, b'host')}"
        if is_cross_site(_header(scope, b"origin"), _header(scope, b"sec-fetch-site"), own):
            message = "Cross-site request refused: this endpoint only accepts requests from its own pages or from non-browser clients."
            await generic_error(surface, 403, message, "cross_site", scope=scope)(scope, receive, send)
            return
        content_type = _header(scope, b"content-type")
        has_body = _header(scope, b"content-length") not in ("", "0") or bool(_header(scope, b"transfer-encoding"))
        if surface == "mock" and (content_type or has_body) and not _is_json(content_type):
            given = content_type.split(";")[0] or "a body without a type"
            message = f"The control plane accepts JSON bodies only (Content-Type: application/json), not {given!r}."
            await generic_error(surface, 415, message, "unsupported_media_type", scope=scope)(scope, receive, send)
            return
        await self.app(scope, receive, send)
