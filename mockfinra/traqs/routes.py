"""TRAQS portal pages (`/traqs`, or `/` on www-ntf.finratraqs.org): home (with "notify the NASDAQ test
team"), API access, sign-out, the portal client's sign-in callback; the order form is in `order_form.py`.

A page needs a signed-in user (the `sid` cookie); without one the browser is sent to sign in (`signin.py`).
Every POST answers with a redirect (post/redirect/get), so a reload repeats nothing. Pages are rendered
after the store transaction closes.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from mockfinra.context import Context
from mockfinra.csrf import check_csrf
from mockfinra.deps import get_context
from mockfinra.errors import ClientError, OAuthError
from mockfinra.identity.core.sessions import close_session, create_session
from mockfinra.identity.oidc.clients import (
    API_CLIENT_ID,
    PORTAL_CALLBACK_PATH,
    PORTAL_CLIENT_ID,
    find_client,
)
from mockfinra.identity.oidc.grants import redeem_code
from mockfinra.identity.oidc.responses import SID_COOKIE, set_sid_cookie
from mockfinra.identity.oidc.tokens import AUTH_SERVER_PATH
from mockfinra.links import Links
from mockfinra.pages import render
from mockfinra.security import constant_time_equals
from mockfinra.traqs import ntf_window, order_form, portal
from mockfinra.traqs.flash import put_flash, take_flash
from mockfinra.traqs.signin import STATE_COOKIE, here, sign_in

router = APIRouter(include_in_schema=False)
router.include_router(order_form.router)

NEW_TOKEN_FLASH = "new_refresh_token"


@router.get("/")
def home(request: Request, notified: str | None = None, ctx: Context = Depends(get_context)) -> Response:
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is None:
            return sign_in(request, here(request))
        window = ntf_window.view_of(ctx, db, who.user)
        context = {
            **portal.page_context(ctx, db, who, "home"),
            "session_expires": who.session.expires_at.strftime("%H:%M UTC"),
            "window": window,
            "window_days": ctx.settings.ntf_window_days,
            "notice": "The NASDAQ test team was notified: your free NTF testing period has started." if notified and window else None,
        }
    return render(request, "traqs/home.html", **context)


@router.post("/ntf-window")
def notify_test_team(request: Request, csrf: str | None = Form(None), ctx: Context = Depends(get_context)) -> Response:
    """"Notify the NASDAQ test team": the free NTF testing window of the user's firm starts (once)."""
    links = Links(request)
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is None:
            return sign_in(request, links.url("/", site="traqs"))
        check_csrf(db, who.session.id, csrf)
        ntf_window.notify_test_team(ctx, db, who.user)
    return RedirectResponse(links.url("/?notified=1", site="traqs"), status_code=303)


def _api_access_context(request: Request, ctx: Context, db: Any, who: portal.SignedIn, notice: str | None) -> dict[str, Any]:
    links = Links(request)
    facility, file_code = portal.example_file(list(who.user.entitlements))
    new_token = take_flash(ctx, db, who.session.id, NEW_TOKEN_FLASH)
    return {
        **portal.page_context(ctx, db, who, "api"),
        "tokens": portal.token_views(ctx, db, who.user),
        "new_token": new_token,
        "token_value": new_token or "<your refresh token>",
        "notice": "A new refresh token was issued." if new_token else notice,
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


@router.get("/api-access")
def api_access(request: Request, revoked: str | None = None, ctx: Context = Depends(get_context)) -> Response:
    """The API access page; right after "Generate" it shows the new token, once."""
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is None:
            return sign_in(request, here(request))
        context = _api_access_context(request, ctx, db, who, "The refresh token was revoked." if revoked else None)
    return render(request, "traqs/api_access.html", **context)


@router.post("/api-access/tokens")
def issue_token(
    request: Request,
    csrf: str | None = Form(None),
    label: str = Form(""),
    ctx: Context = Depends(get_context),
) -> Response:
    """Issue a refresh token for `traqs-api`, then redirect to the page, which shows it once."""
    links = Links(request)
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is None:
            return sign_in(request, links.url("/api-access", site="traqs"))
        check_csrf(db, who.session.id, csrf)
        token, _ = portal.issue_api_token(ctx, db, who.user, label)
        put_flash(ctx, db, who.session.id, NEW_TOKEN_FLASH, token)
    return RedirectResponse(links.url("/api-access#new-token-card", site="traqs"), status_code=303)


@router.get("/api-access/tokens/{token_id}/revoke")
def confirm_revoke(request: Request, token_id: str, ctx: Context = Depends(get_context)) -> Response:
    """The confirmation step before a revoke (a page, so it works without JavaScript)."""
    links = Links(request)
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is None:
            return sign_in(request, links.url("/api-access", site="traqs"))
        token = portal.token_view(ctx, portal.own_token(db, who.user, token_id))
        if not token["active"]:
            return RedirectResponse(links.url("/api-access", site="traqs"), status_code=302)
        context = {**portal.page_context(ctx, db, who, "api"), "token": token}
    return render(request, "traqs/revoke.html", **context)


@router.post("/api-access/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, token_id: str, csrf: str | None = Form(None), ctx: Context = Depends(get_context)
) -> Response:
    links = Links(request)
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is None:
            return sign_in(request, links.url("/api-access", site="traqs"))
        check_csrf(db, who.session.id, csrf)
        portal.revoke_api_token(ctx, db, who.user, token_id)
    return RedirectResponse(links.url("/api-access?revoked=1", site="traqs"), status_code=303)


@router.post("/sign-out")
def sign_out(request: Request, csrf: str | None = Form(None), ctx: Context = Depends(get_context)) -> Response:
    """End the session (as `DELETE /api/v1/sessions/me` does), then back to TRAQS, which asks to sign in."""
    links = Links(request)
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is not None:
            check_csrf(db, who.session.id, csrf)
            close_session(db, who.session)
    response = RedirectResponse(links.url("/", site="traqs"), status_code=303)
    response.delete_cookie(SID_COOKIE, path=links.cookie_path())
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
        message = "This sign-in response does not belong to this browser (missing or wrong state). Start again from TRAQS."
        raise ClientError(400, message, "invalid_state")
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
    set_sid_cookie(response, session_id, links.scheme == "https", links.cookie_path())
    response.delete_cookie(STATE_COOKIE, path=links.cookie_path())
    return response
