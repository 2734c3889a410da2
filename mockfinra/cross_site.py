"""The one rule for cross-site requests: does a browser request come from a page of another site?

Used by `middleware/cross_site.py` for the control plane and the HTML forms. Browsers say where a request
comes from (`Sec-Fetch-Site`, and `Origin` on every POST); clients that are not browsers (curl, the CLI,
SDKs, the pytest plugin) send neither and are not affected. A page of another site, or one reached by DNS
rebinding, must not reset the mock, read codes or submit forms in the signed-in user's name.
"""

from __future__ import annotations

from typing import Iterable


def is_cross_site(
    origin: str, fetch_site: str, own_origin: str, trusted_origins: Iterable[str] = ()
) -> bool:
    """True when the request came from a page that is not this origin (nor one of `trusted_origins`).

    `origin` and `fetch_site` are the `Origin` and `Sec-Fetch-Site` header values ('' when absent),
    `own_origin` is `scheme://host[:port]` as the request addressed the server.
    """
    origin = origin.strip().rstrip("/").lower()
    if origin:
        if origin == own_origin.lower():
            return False
        return origin not in {trusted.rstrip("/").lower() for trusted in trusted_origins}
    # No Origin: an old browser or not a browser. Sec-Fetch-Site still tells: `none` is a typed-in URL.
    return fetch_site.strip().lower() in ("cross-site", "same-site")
