"""Does a request match a fault's rules? Two steps, so the body is read only when a rule needs it:
`route_matches` (site, method, path) on the request line, then `request_matches` (parameters, user)."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from mockfinra.faults.spec import FaultSpec


@dataclass(frozen=True)
class Route:
    """The request line as the faults see it: `path` as served (site prefix included), `site_path` within
    the site (`/DownloadHandler.ashx` for `/apidownload/DownloadHandler.ashx`)."""

    site: str
    method: str
    path: str
    site_path: str


def route_matches(spec: FaultSpec, route: Route) -> bool:
    if spec.site != "any" and spec.site != route.site:
        return False
    if spec.method is not None and route.method.upper() not in spec.method:
        return False
    if spec.path is not None:
        return fnmatchcase(route.path, spec.path) or fnmatchcase(route.site_path, spec.path)
    return True


def request_matches(spec: FaultSpec, params: dict[str, list[str]], user: str | None) -> bool:
    """`params`: query and form parameters together; `user`: the login the request names, if any."""
    for name, value in spec.params.items():
        if value not in params.get(name, ()):
            return False
    if spec.user is not None and (user is None or user.casefold() != spec.user.casefold()):
        return False
    return True
