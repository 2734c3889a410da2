"""Only known Host names are served: loopback, the configured NTF names and bind address, `allowed_hosts`.

Every link the server emits is built from the Host header, and with no admin token the control plane trusts
whoever reaches it. A name that resolves to 127.0.0.1 only by DNS rebinding (an attacker's page whose name
now points here) would otherwise get the mock's answers in that page's origin. Refused with 400 in the
surface's own format. `allowed_hosts = *` turns the check off (a mock behind a proxy that keeps the Host).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from mockfinra.error_responses import generic_error
from mockfinra.errors import surface_for
from mockfinra.links import site_hosts
from mockfinra.middleware.headers import header as _header
from mockfinra.settings import Settings

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
WILDCARD_BINDS = frozenset({"", "0.0.0.0", "::", "[::]"})


def allowed_host_names(settings: Settings) -> frozenset[str] | None:
    """The Host names served (lower case, no port), or None when any is (`allowed_hosts` holds `*`)."""
    extra = [name.strip().lower() for name in settings.allowed_hosts]
    if "*" in extra:
        return None
    names = set(LOOPBACK_NAMES) | set(extra)
    names |= {host.lower() for hosts in site_hosts(settings).values() for host in hosts}
    if settings.host.lower() not in WILDCARD_BINDS:
        names.add(settings.host.lower())
    public_url = getattr(settings, "public_url", None)  # when a public URL setting is configured
    if public_url:
        names.add((urlsplit(str(public_url)).hostname or "").lower())
    return frozenset(name for name in names if name)


def host_name(value: str) -> str:
    """The name part of a Host header (`[::1]:8400` → `[::1]`, `Example.org.:80` → `example.org`)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value.split("]", 1)[0] + "]"
    return value.rsplit(":", 1)[0].rstrip(".") if ":" in value else value.rstrip(".")


def is_allowed(name: str, allowed: frozenset[str]) -> bool:
    """A listed name, a `*.localhost` name (browsers resolve those to loopback themselves) or a loopback address."""
    if name in allowed or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


class HostAllowList:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.allowed = allowed_host_names(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.allowed is not None and scope["type"] in ("http", "websocket"):
            given = _header(scope, b"host")
            if given and not is_allowed(host_name(given), self.allowed):
                message = (
                    f"The Host {host_name(given)!r} is not served here. Use 127.0.0.1 or localhost, a configured NTF "
                    "host name, or add the name to MOCKFINRA_ALLOWED_HOSTS ('*' accepts any)."
                )
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                refusal = generic_error(surface_for(scope["path"]), 400, message, "bad_host", scope=scope)
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)
