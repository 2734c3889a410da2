"""The outermost middleware: a request for a tenant goes to that tenant's own app.

`/t/{name}/rest` is served as `/rest` by tenant `name`'s app, and the links it is sent carry the `/t/{name}`
prefix (`mockfinra.links`); a request with `X-Mock-Tenant: name` is served the same way without a prefix in
its links. Both at once must agree. Anything else reaches the default world untouched: the cost there is one
string check and one header scan.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mockfinra.context import Context
from mockfinra.error_responses import generic_error
from mockfinra.errors import surface_for
from mockfinra.links import TENANT_PREFIX_SCOPE_KEY
from mockfinra.middleware.headers import header
from mockfinra.middleware.site_dispatch import VALID_HOST
from mockfinra.seed import SeedError
from mockfinra.tenants.names import HEADER, PATH_PREFIX, BadTenantName, check_name
from mockfinra.tenants.registry import TenantLimitReached, TenantRegistry, TenantsOff
from mockfinra.tenants.storage import UnsupportedStore

log = logging.getLogger(__name__)

#: scope key: the tenant a request is served by (set once: a tenant's own app never dispatches again)
TENANT_SCOPE_KEY = "mockfinra.tenant"


class TenantDispatch:
    def __init__(self, app: ASGIApp, ctx: Context) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or TENANT_SCOPE_KEY in scope:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        by_path = path.startswith(PATH_PREFIX)
        by_header = ""
        for key, value in scope["headers"]:
            if key == HEADER:
                by_header = value.decode("latin-1")
                break
        if not by_path and not by_header:
            await self.app(scope, receive, send)
            return
        rest = path
        name = by_header.strip()
        if by_path:
            name, _, tail = path[len(PATH_PREFIX) :].partition("/")
            rest = "/" + tail
        try:
            check_name(name)
            if by_path and by_header and by_header.strip() != name:
                raise BadTenantName(
                    f"The path chooses tenant {name!r} but X-Mock-Tenant says {by_header.strip()!r}: send one, or both alike."
                )
        except BadTenantName as problem:
            await self._refuse(scope, receive, send, rest, 400, str(problem), "bad_tenant")
            return
        try:
            app = await TenantRegistry.of(self.ctx).app_for(name, self._base_url(scope, name))
        except TenantsOff:
            message = "Tenants are turned off on this server (MOCKFINRA_MAX_TENANTS=0)."
            await self._refuse(scope, receive, send, rest, 404, message, "tenants_off")
            return
        except TenantLimitReached:
            message = (
                f"There are {self.ctx.settings.max_tenants} tenants already (MOCKFINRA_MAX_TENANTS): "
                "delete one (DELETE /_mock/tenants/{name}) first."
            )
            await self._refuse(scope, receive, send, rest, 409, message, "too_many_tenants")
            return
        except UnsupportedStore as problem:
            await self._refuse(scope, receive, send, rest, 501, str(problem), "tenants_unsupported")
            return
        except SeedError as problem:
            await self._refuse(
                scope, receive, send, rest, 503, f"The tenant's seed cannot be loaded: {problem}", "seed"
            )
            return
        except Exception:  # noqa: BLE001 - its store cannot be reached, say: the client gets a clear 503
            log.exception("tenant %s cannot be started", name)
            message = f"Tenant {name!r} cannot be started (see the server log); try again."
            await self._refuse(scope, receive, send, rest, 503, message, "tenant_unavailable")
            return
        tenant_scope = dict(scope)
        tenant_scope[TENANT_SCOPE_KEY] = name
        tenant_scope[TENANT_PREFIX_SCOPE_KEY] = f"/t/{name}" if by_path else ""
        if by_path:
            tenant_scope["path"] = rest
            raw: bytes = scope.get("raw_path") or path.encode()
            prefix = f"/t/{name}".encode()
            tenant_scope["raw_path"] = raw[len(prefix) :] or b"/" if raw.startswith(prefix) else rest.encode()
        await app(tenant_scope, receive, send)

    @staticmethod
    def _base_url(scope: Scope, name: str) -> str:
        """The tenant's MFA service on this request's host (the seed's invitation links: path-style, so they
        work from an email client too)."""
        scheme = {"ws": "http", "wss": "https"}.get(scope.get("scheme", "http"), scope.get("scheme", "http"))
        host = header(scope, b"host")
        if not VALID_HOST.fullmatch(host):  # the tenant's own app refuses such a Host; no link is built on it
            host = "%s:%s" % tuple(scope.get("server") or ("127.0.0.1", 8400))
        return f"{scheme}://{host}/t/{name}"

    @staticmethod
    async def _refuse(
        scope: Scope, receive: Receive, send: Send, rest: str, status: int, message: str, error: str
    ) -> None:
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1008})
            return
        response: Any = generic_error(surface_for(rest), status, message, error)
        await response(scope, receive, send)
