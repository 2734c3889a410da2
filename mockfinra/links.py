"""The one place that builds links. Every href the server emits is absolute and built from the request.

A request that arrived on a configured real NTF host name (see `Settings.*_hosts`) is served that site at
`/`; links to the same site then carry no prefix, and links to another site use that site's first real
host name on the same scheme and port. Otherwise every site lives under its prefix on the request's host.

A request for a tenant chosen by the path (`/t/{name}/...`) gets links under the same `/t/{name}` prefix,
on every site and host (docs/tenants.md).
"""

from __future__ import annotations

from typing import Any, Literal

from starlette.requests import HTTPConnection

Site = Literal["mfa", "traqs", "apidownload", "download"]

SITE_PREFIXES: dict[Site, str] = {"mfa": "", "traqs": "/traqs", "apidownload": "/apidownload", "download": "/download"}
SITE_HOST_SCOPE_KEY = "mockfinra.site_host"
#: `/t/{name}` when a tenant was chosen by the path (mockfinra/tenants/dispatch.py): every link follows it
TENANT_PREFIX_SCOPE_KEY = "mockfinra.tenant_prefix"


def home_path(scope: Any = None) -> str:
    """The path of this world's sign-in page: `/t/{name}/` for a tenant chosen by the path, else `/` (for
    pages that link home relatively, such as the generic HTML error page)."""
    return (scope or {}).get(TENANT_PREFIX_SCOPE_KEY, "") + "/"


def site_hosts(settings: Any, era: Any = None) -> dict[Site, list[str]]:
    """Each site's real host names; with an era, that era's host of a site first (links go to it)."""
    hosts: dict[Site, list[str]] = {
        "mfa": list(settings.mfa_hosts),
        "traqs": list(settings.traqs_hosts),
        "apidownload": list(settings.apidownload_hosts),
        "download": list(settings.download_hosts),
    }
    if era is not None:
        for site, first in (("traqs", era.traqs_host), ("apidownload", era.apidownload_host)):
            if first in hosts[site]:
                hosts[site].remove(first)
                hosts[site].insert(0, first)
    return hosts


class Links:
    """Absolute URLs and HAL links for one request."""

    def __init__(self, request: HTTPConnection) -> None:
        self.request = request
        self.scheme = request.url.scheme
        self.netloc = request.headers.get("host") or request.url.netloc
        self.served_site: Site | None = request.scope.get(SITE_HOST_SCOPE_KEY)
        #: `/t/{name}` for a tenant chosen by the path, else ''
        self.tenant_prefix: str = request.scope.get(TENANT_PREFIX_SCOPE_KEY, "")

    def base(self, site: Site = "mfa") -> str:
        tenant = self.tenant_prefix
        if self.served_site is None:
            return f"{self.scheme}://{self.netloc}{tenant}{SITE_PREFIXES[site]}"
        if site == self.served_site:
            return f"{self.scheme}://{self.netloc}{tenant}"
        state = self.request.app.state
        hosts = site_hosts(state.settings, state.ctx.era)[site]
        if not hosts:
            return f"{self.scheme}://{self.netloc}{tenant}{SITE_PREFIXES[site]}"
        # That site's real host serves it at '/', so its links carry no site prefix.
        port = self.netloc.rsplit(":", 1)[1] if ":" in self.netloc else ""
        return f"{self.scheme}://{hosts[0]}{':' + port if port else ''}{tenant}"

    def url(self, path: str, site: Site = "mfa") -> str:
        """`links.url("/api/v1/authn")` → `http://127.0.0.1:8400/api/v1/authn`."""
        return self.base(site) + path

    def origin(self) -> str:
        """`scheme://host[:port]` of the request (an origin: no tenant prefix; see `root`)."""
        return f"{self.scheme}://{self.netloc}"

    def root(self) -> str:
        """The origin and, for a tenant chosen by the path, its `/t/{name}` prefix: the root of this world."""
        return f"{self.scheme}://{self.netloc}{self.tenant_prefix}"

    def cookie_path(self) -> str:
        """`Path` of the cookies this world sets: `/t/{name}/` for a path tenant (a browser keeps each
        tenant's session apart), else `/`."""
        return self.tenant_prefix + "/"

    def hal(
        self,
        path: str,
        method: str | None = "POST",
        name: str | None = None,
        site: Site = "mfa",
        **extra: Any,
    ) -> dict[str, Any]:
        """A HAL link `{"href", "hints": {"allow": [method]}}`, optionally named; exactly one method."""
        link: dict[str, Any] = {}
        if name is not None:
            link["name"] = name
        link["href"] = self.url(path, site)
        if method is not None:
            link["hints"] = {"allow": [method]}
        link.update(extra)
        return link
