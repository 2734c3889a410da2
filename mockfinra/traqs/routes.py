"""TRAQS portal pages (`/traqs`, or `/` on www-ntf.finratraqs.org): home, API access, sign-out.

A page needs a signed-in user (the `sid` cookie). Without one, the browser goes to the MFA service's sign-in
page with `fromURI` pointing back here. On a real TRAQS host name the MFA service's cookie is not visible
(another host), so there the portal signs in through the authorization server as the confidential client
`traqs-portal` and keeps its own `sid` cookie on the TRAQS host.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import ClientError, OAuthError
from mockfinra.identity.oidc.authorize import signin_url
from mockfinra.identity.oidc.clients import (
    API_CLIENT_ID,
    PORTAL_CALLBACK_PATH,
    PORTAL_CLIENT_ID,
    find_client,
)
from mockfinra.identity.oidc.grants import redeem_code
from mockfinra.identity.oidc.responses import SID_COOKIE, set_sid_cookie
from mockfinra.identity.oidc.tokens import AUTH_SERVER_PATH
from mockfinra.identity.core.sessions import close_session, create_session
from mockfinra.links import SITE_PREFIXES, Links
from mockfinra.pages import render
from mockfinra.security import constant_time_equals
from mockfinra.traqs import portal

router = APIRouter(include_in_schema=False)

STATE_COOKIE = "traqs_login"


def _here(request: Request) -> str:
    """This page's absolute URL on the TRAQS site (the request path carries the `/traqs` prefix either way)."""
    relative = request.url.path.removeprefix(SITE_PREFIXES["traqs"])
    return Links(request).url(relative or "/", site="traqs")


def _redirect_status(request: Request) -> int:
    return 303 if request.method == "POST" else 302


def _sign_in(request: Request, return_to: str) -> Response:
    links = Links(request)
    if links.served_site != "traqs":
        return RedirectResponse(signin_url(links, return_to), status_code=_redirect_status(request))
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
    response = RedirectResponse(links.url(f"{AUTH_SERVER_PATH}/v1/authorize?{query}"), status_code=_redirect_status(request))
    response.set_cookie(
        STATE_COOKIE, f"{state} {return_to}", path="/", httponly=True, samesite="lax", secure=links.scheme == "https", max_age=600
    )
    return response


def _view(who: portal.SignedIn) -> dict[str, Any]:
    user = who.user
    return {
        "login": user.login,
        "name": f"{user.first_name} {user.last_name}".strip() or user.login,
        "entitlements": list(user.entitlements),
    }


@router.get("/")
def home(request: Request, ctx: Context = Depends(get_context)) -> Response:
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is None:
            return _sign_in(request, _here(request))
        csrf = portal.csrf_token(db, who.session.id)
        expires = who.session.expires_at.strftime("%H:%M UTC")
        user = _view(who)
    return render(request, "traqs/home.html", page="home", user=user, csrf=csrf, session_expires=expires)


def _api_access_page(
    request: Request, ctx: Context, who: portal.SignedIn, db: Any, new_token: str | None = None, notice: str | None = None, status: int = 200
) -> Response:
    links = Links(request)
    facility, file_code = portal.example_file(list(who.user.entitlements))
    context = {
        "page": "api",
        "user": _view(who),
        "csrf": portal.csrf_token(db, who.session.id),
        "tokens": portal.token_views(ctx, db, who.user),
        "new_token": new_token,
        "token_value": new_token or "<your refresh token>",
        "notice": notice,
        "client_id": API_CLIENT_ID,
        "scopes": f"openid offline_access {ctx.settings.oauth_data_scope}",
        "token_url": links.url(f"{AUTH_SERVER_PATH}/v1/token"),
        "download_url": links.url("/DownloadHandler.ashx", site="apidownload"),
        "facility": facility,
        "file_code": file_code,
        "refresh_days": ctx.settings.refresh_token_ttl_days,
        "access_ttl": ctx.settings.access_token_ttl_seconds,
        "rotation": ctx.settings.refresh_token_rotation,
    }
    return render(request, "traqs/api_access.html", status_code=status, **context)


@router.get("/api-access")
def api_access(request: Request, revoked: str | None = None, ctx: Context = Depends(get_context)) -> Response:
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is None:
            return _sign_in(request, _here(request))
        notice = "The refresh token was revoked." if revoked else None
        return _api_access_page(request, ctx, who, db, notice=notice)


@router.post("/api-access/tokens")
def issue_token(
    request: Request,
    csrf: str | None = Form(None),
    label: str = Form(""),
    ctx: Context = Depends(get_context),
) -> Response:
    """Issue a refresh token for `traqs-api` and show it once (the response is the page, not a redirect)."""
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is None:
            return _sign_in(request, Links(request).url("/api-access", site="traqs"))
        portal.check_csrf(db, who.session.id, csrf)
        token, _ = portal.issue_api_token(ctx, db, who.user, label)
        return _api_access_page(request, ctx, who, db, new_token=token, notice="A new refresh token was issued.")


@router.post("/api-access/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, token_id: str, csrf: str | None = Form(None), ctx: Context = Depends(get_context)
) -> Response:
    links = Links(request)
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is None:
            return _sign_in(request, links.url("/api-access", site="traqs"))
        portal.check_csrf(db, who.session.id, csrf)
        portal.revoke_api_token(ctx, db, who.user, token_id)
    return RedirectResponse(links.url("/api-access?revoked=1", site="traqs"), status_code=303)


@router.post("/sign-out")
def sign_out(request: Request, csrf: str | None = Form(None), ctx: Context = Depends(get_context)) -> Response:
    """End the session (as `DELETE /api/v1/sessions/me` does), then back to TRAQS, which asks to sign in."""
    links = Links(request)
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is not None:
            portal.check_csrf(db, who.session.id, csrf)
            close_session(db, who.session)
    response = RedirectResponse(links.url("/", site="traqs"), status_code=303)
    response.delete_cookie(SID_COOKIE, path="/")
    return response


@router.get(PORTAL_CALLBACK_PATH)
def sign_in_callback(
    request: Request,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
    error_description: str | None = None,
    ctx: Context = Depends(get_context),
) -> Response:
    """The `traqs-portal` client's redirect URI: check `state`, redeem the code, start a TRAQS session."""
    links = Links(request)
    if error:
        raise ClientError(400, f"Sign-in failed: {error}: {error_description or 'no description'}", error)
    expected, _, return_to = (request.cookies.get(STATE_COOKIE) or "").partition(" ")
    if not code or not state or not expected or not constant_time_equals(state, expected):
        raise ClientError(400, "This sign-in response does not belong to this browser (missing or wrong state). Start again from TRAQS.", "invalid_state")
    client = find_client(ctx, PORTAL_CLIENT_ID)
    assert client is not None
    try:
        with ctx.store.transaction() as db:
            grant, user = redeem_code(ctx, db, client, {"code": code, "redirect_uri": links.url(PORTAL_CALLBACK_PATH, site="traqs")})
            session = create_session(ctx, db, user, grant.amr)
            session_id = session.id
    except OAuthError as problem:
        raise ClientError(400, f"Sign-in failed: {problem.description}", problem.error) from None
    home_url = links.url("/", site="traqs")
    target = return_to if return_to.startswith(home_url) else home_url  # only back into TRAQS
    response = RedirectResponse(target, status_code=303)
    set_sid_cookie(response, session_id, links.scheme == "https")
    response.delete_cookie(STATE_COOKIE, path="/")
    return response
