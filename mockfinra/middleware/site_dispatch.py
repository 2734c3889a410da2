"""Host dispatch: a site answers at `/` when the request's Host is one of its real NTF host names."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

from mockfinra.error_responses import generic_error
from mockfinra.errors import surface_for
from mockfinra.links import SITE_HOST_SCOPE_KEY, SITE_PREFIXES, site_hosts
from mockfinra.middleware.headers import header as _header
from mockfinra.settings import Settings

#: paths that every site answers itself, whatever host a request came on
SHARED_PREFIXES = ("/_mock", "/static", "/favicon.ico")


#: a Host header: a name, an IPv4 address or a bracketed IPv6 address, and an optional port (RFC 9110 §7.2)
VALID_HOST = re.compile(r"(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>[0-9]{1,5}))?")

class SiteDispatch:
    """Serve a site at `/` when the request's Host is one of its real NTF host names.

    A Host header that is not a host name (every link the server emits is built from it) gets 400.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.hosts = {
            host.lower(): site for site, hosts in site_hosts(settings).items() for host in hosts
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = _header(scope, b"host")
            if given and not _valid_host(given):
                message = f"The Host header {given!r} is not a host name with an optional port."
                response = generic_error(surface_for(scope["path"]), 400, message, "bad_host", scope=scope)
                await response(scope, receive, send)
                return
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


def _valid_host(value: str) -> bool:
    match = VALID_HOST.fullmatch(value)
    return match is not None and int(match["port"] or 0) <= 65535
