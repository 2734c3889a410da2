"""The session handoff: `/login/sessionCookieRedirect` and the Okta Sessions API (`/api/v1/sessions`).

A sessionToken (one use, 5 minutes) from a SUCCESS authn transaction becomes a session, whose id is the
`sid` cookie. `POST /api/v1/sessions` is anonymous (as Okta); `/api/v1/sessions/me` uses the cookie;
`/api/v1/sessions/{id}` is an admin operation (the admin token rule of the Users API).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import ClientError, OktaError, not_found
from mockfinra.identity.classic.users_routes import require_api_token
from mockfinra.identity.core.sessions import (
    close_session,
    get_active_session,
    redirect_refusal,
    refresh_session,
    start_session,
)
from mockfinra.identity.core.trusted_origins import trusted_origins_for
from mockfinra.links import SITE_PREFIXES, Links
from mockfinra.security import new_token
from mockfinra.store.sessions import WebSession
from mockfinra.store.users import get_user

SESSIONS = "/api/v1/sessions"
#: the Okta identity provider every session names (the org's own)
OKTA_IDP_ID = "00o1mockfinraOktaIdp"
#: ASSUMPTION: the device-token cookie lives five years, like a long-lived Okta `DT` cookie.
DT_MAX_AGE = 5 * 365 * 86400

router = APIRouter(tags=["Okta Sessions API"])


# --- wire format --------------------------------------------------------------------------------------


def session_json(db: Session, session: WebSession, links: Links, *, me: bool) -> dict[str, Any]:
    """The Okta Session object; `me` links point at `/me` as Okta does for the cookie's session."""
    user = get_user(db, session.user_id)
    name = f"{user.first_name} {user.last_name}".strip() if user else ""
    base = f"{SESSIONS}/me" if me else f"{SESSIONS}/{session.id}"
    user_path = "/api/v1/users/me" if me else f"/api/v1/users/{session.user_id}"
    return {
        "id": session.id,
        "login": session.login,
        "userId": session.user_id,
        "createdAt": isoformat_z(session.created_at),
        "expiresAt": isoformat_z(session.expires_at),
        "status": session.status,
        "lastPasswordVerification": _when(session.last_password_verification),
        "lastFactorVerification": _when(session.last_factor_verification),
        "amr": list(session.amr or []),
        "idp": {"id": OKTA_IDP_ID, "type": "OKTA"},
        "mfaActive": bool(session.mfa_active),
        "_links": {
            "self": links.hal(base, method=None, hints={"allow": ["GET", "DELETE"]}),
            "refresh": links.hal(f"{base}/lifecycle/refresh", "POST"),
            "user": links.hal(user_path, "GET", name=name or session.login),
        },
    }


def _when(moment: Any) -> str | None:
    return isoformat_z(moment) if moment else None


def _cookie(name: str, value: str, request: Request, max_age: int | None = None) -> str:
    parts = [f"{name}={value}", f"Path={Links(request).cookie_path()}"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
        if max_age == 0:
            parts.append("Expires=Thu, 01 Jan 1970 00:00:00 GMT")
    parts += ["HttpOnly", "SameSite=Lax"]
    if request.url.scheme == "https":
        parts.append("Secure")
    return "; ".join(parts)


def _own_origins(request: Request) -> list[str]:
    """The origins this mock answers on for this request (every site, as links to it are built)."""
    links = Links(request)
    return [links.origin(), *(links.base(site) for site in SITE_PREFIXES)]  # type: ignore[arg-type]


# --- /login/sessionCookieRedirect ---------------------------------------------------------------------


def _cookie_redirect(request: Request, ctx: Context, token: str | None, redirect_url: str | None) -> Response:
    """Check the target first (a refused redirect leaves the token usable), then redeem and set `sid`."""
    target = (redirect_url or "").strip() or Links(request).url("/")
    with ctx.store.transaction() as db:
        trusted = trusted_origins_for(ctx, db, "REDIRECT")
    refusal = redirect_refusal(target, _own_origins(request), trusted)
    if refusal is not None:
        raise ClientError(400, f"Refusing to redirect: {refusal}", "untrusted_redirect")
    if not token:
        raise ClientError(400, "The sign-in link has no session token (token=...).", "invalid_token")
    with ctx.store.transaction() as db:
        session = start_session(ctx, db, token)
        if session is None:
            raise ClientError(
                403,
                "The session token is invalid, has expired or was already used. Sign in again.",
                "invalid_token",
            )
        session_id = session.id
    response = RedirectResponse(target, status_code=302)
    response.headers.append("Set-Cookie", _cookie("sid", session_id, request))
    device_token = request.cookies.get("DT") or new_token(nbytes=24)
    response.headers.append("Set-Cookie", _cookie("DT", device_token, request, DT_MAX_AGE))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/login/sessionCookieRedirect")
def session_cookie_redirect(
    request: Request,
    token: str | None = None,
    redirectUrl: str | None = None,  # noqa: N803 - Okta's parameter name
    ctx: Context = Depends(get_context),
) -> Response:
    return _cookie_redirect(request, ctx, token, redirectUrl)


@router.post("/login/sessionCookieRedirect")
def session_cookie_redirect_form(
    request: Request,
    token: str | None = Form(None),
    redirectUrl: str | None = Form(None),  # noqa: N803
    ctx: Context = Depends(get_context),
) -> Response:
    """The form variant (fields `token` and `redirectUrl`; query parameters are accepted too)."""
    return _cookie_redirect(
        request,
        ctx,
        token or request.query_params.get("token"),
        redirectUrl or request.query_params.get("redirectUrl"),
    )


# --- /api/v1/sessions ---------------------------------------------------------------------------------


class CreateSession(BaseModel):
    model_config = ConfigDict(extra="ignore")
    sessionToken: str


@router.post(SESSIONS)
def create_session(
    body: CreateSession, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    """Exchange a sessionToken for a session (anonymous; no cookie is set, as in Okta)."""
    with ctx.store.transaction() as db:
        session = start_session(ctx, db, body.sessionToken)
        if session is None:
            raise OktaError("E0000004", causes=["The session token is invalid, expired or already used."])
        db.flush()
        return JSONResponse(session_json(db, session, Links(request), me=False))


def _current(ctx: Context, db: Session, request: Request) -> WebSession:
    session = get_active_session(ctx, db, request.cookies.get("sid"))
    if session is None:
        raise not_found("Resource not found: me (Session)")
    return session


@router.get(f"{SESSIONS}/me")
def get_current_session(request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    with ctx.store.transaction() as db:
        return JSONResponse(session_json(db, _current(ctx, db, request), Links(request), me=True))


@router.post(f"{SESSIONS}/me/lifecycle/refresh")
def refresh_current_session(request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    with ctx.store.transaction() as db:
        session = refresh_session(ctx, _current(ctx, db, request))
        return JSONResponse(session_json(db, session, Links(request), me=True))


@router.delete(f"{SESSIONS}/me", status_code=204)
def close_current_session(request: Request, ctx: Context = Depends(get_context)) -> Response:
    """Sign out: the session ends and the `sid` cookie is cleared."""
    with ctx.store.transaction() as db:
        close_session(db, _current(ctx, db, request))
    response = Response(status_code=204)
    response.headers.append("Set-Cookie", _cookie("sid", "", request, max_age=0))
    return response


def _by_id(ctx: Context, db: Session, session_id: str) -> WebSession:
    session = get_active_session(ctx, db, session_id)
    if session is None:
        raise not_found(f"Resource not found: {session_id} (Session)")
    return session


@router.get(f"{SESSIONS}/{{session_id}}", dependencies=[Depends(require_api_token)])
def get_session(session_id: str, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    with ctx.store.transaction() as db:
        return JSONResponse(session_json(db, _by_id(ctx, db, session_id), Links(request), me=False))


@router.post(f"{SESSIONS}/{{session_id}}/lifecycle/refresh", dependencies=[Depends(require_api_token)])
def refresh_session_by_id(
    session_id: str, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    with ctx.store.transaction() as db:
        session = refresh_session(ctx, _by_id(ctx, db, session_id))
        return JSONResponse(session_json(db, session, Links(request), me=False))


@router.delete(f"{SESSIONS}/{{session_id}}", dependencies=[Depends(require_api_token)], status_code=204)
def close_session_by_id(session_id: str, ctx: Context = Depends(get_context)) -> Response:
    with ctx.store.transaction() as db:
        close_session(db, _by_id(ctx, db, session_id))
    return Response(status_code=204)
