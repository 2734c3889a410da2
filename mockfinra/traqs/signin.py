"""How a TRAQS page without a signed-in user sends the browser to sign in.

Under `/traqs` the MFA service's `sid` cookie is visible, so the browser goes to its sign-in page with
`fromURI` pointing back. On a real TRAQS host name the MFA service's cookie is not visible (another host),
so there the portal signs in through the authorization server as the confidential client `traqs-portal`
and keeps its own `sid` cookie on the TRAQS host.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from mockfinra.identity.oidc.authorize import signin_url
from mockfinra.identity.oidc.clients import PORTAL_CALLBACK_PATH, PORTAL_CLIENT_ID
from mockfinra.identity.oidc.tokens import AUTH_SERVER_PATH
from mockfinra.links import SITE_PREFIXES, Links

STATE_COOKIE = "traqs_login"


def here(request: Request) -> str:
    """This page's absolute URL on the TRAQS site (the request path carries the `/traqs` prefix either way)."""
    relative = request.url.path.removeprefix(SITE_PREFIXES["traqs"])
    return Links(request).url(relative or "/", site="traqs")


def redirect_status(request: Request) -> int:
    return 303 if request.method == "POST" else 302


def sign_in(request: Request, return_to: str) -> Response:
    links = Links(request)
    if links.served_site != "traqs":
        return RedirectResponse(signin_url(links, return_to), status_code=redirect_status(request))
    state = secrets.token_urlsafe(24)
    query = urlencode(
        {
            "client_id": PORTAL_CLIENT_ID,
            "response_type": "code",
            "scope": "openid profile",
            "redirect_uri": links.url(PORTAL_CALLBACK_PATH, site="traqs"),
            "state": state,
        }
    )
    response = RedirectResponse(links.url(f"{AUTH_SERVER_PATH}/v1/authorize?{query}"), status_code=redirect_status(request))
    response.set_cookie(
        STATE_COOKIE, f"{state} {return_to}", path=links.cookie_path(), httponly=True, samesite="lax", secure=links.scheme == "https", max_age=600
    )
    return response
