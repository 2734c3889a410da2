"""The user's account page on the MFA service (`/app/UserHome`, Okta's end-user dashboard): entitlements,
security methods (add, remove), password, security question, recent sign-ins, sign out.

Thin routes over `identity.core.account`; every form is a POST with the session's CSRF token, answered by a
redirect back to the page (a reload repeats nothing). "Add a security method" starts an enrollment in the
era's sign-in flow (the Identity Engine page, or the classic one in 2021) and comes back here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.csrf import check_csrf, csrf_token
from mockfinra.deps import get_context
from mockfinra.errors import MockfinraError, OktaError
from mockfinra.identity.core import account, events
from mockfinra.identity.core.factors.question import QUESTIONS
from mockfinra.identity.core.sessions import close_session, get_active_session
from mockfinra.identity.hosted import HOME_PATH, SIGNIN_PATH
from mockfinra.links import Links
from mockfinra.pages import render
from mockfinra.store.events import recent_events
from mockfinra.store.sessions import WebSession
from mockfinra.store.users import User, get_user

router = APIRouter(include_in_schema=False)

NOTICES = {
    "password": "Your password was changed.",
    "question": "Your security question was changed.",
    "removed": "The security method was removed.",
}
RESULTS = {"SUCCESS": "Signed in", "FAILURE": "Failed", "DENY": "Refused"}
EVENT_WHAT = {events.SESSION_START: "Sign-in", events.MFA: "Security method check", events.LOCK: "Account locked"}


def _signed_in(ctx: Context, db: Session, request: Request) -> tuple[WebSession, User] | None:
    session = get_active_session(ctx, db, request.cookies.get("sid"))
    user = get_user(db, session.user_id) if session else None
    if session is None or user is None or user.status != "ACTIVE":
        return None
    return session, user


def _to_signin(request: Request) -> Response:
    links = Links(request)
    query = urlencode({"fromURI": links.url(HOME_PATH)})
    return RedirectResponse(f"{links.url(SIGNIN_PATH)}?{query}", status_code=303 if request.method == "POST" else 302)


def _back(request: Request, **query: str) -> Response:
    """After a form: back to the page (PRG), with a notice code."""
    target = Links(request).url(HOME_PATH) + (f"?{urlencode(query)}" if query else "")
    return RedirectResponse(target, status_code=303)


def _view(ctx: Context, db: Session, session: WebSession, user: User) -> dict[str, Any]:
    methods = [
        {
            "id": method.factor.id,
            "name": method.name,
            "detail": method.detail,
            "retired": method.retired,
            "removable": method.removable,
            "since": method.factor.created_at.strftime("%Y-%m-%d"),
            "last_used": method.factor.last_verified_at.strftime("%Y-%m-%d %H:%M UTC") if method.factor.last_verified_at else "not yet",
        }
        for method in account.methods(ctx, user)
    ]
    activity = [
        {
            "at": event.at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            "what": EVENT_WHAT.get(event.event_type, "Sign-in"),
            "result": RESULTS.get(event.result, event.result.title()),
            "ok": event.result == "SUCCESS",
            "methods": events.method_names(list(event.methods or [])),
            "ip": event.ip or "unknown",
            "agent": _agent(event.user_agent),
        }
        for event in recent_events(db, user.id, 10)
    ]
    return {
        "login": user.login,
        "name": f"{user.first_name} {user.last_name}".strip() or user.login,
        "entitlements": list(user.entitlements),
        "methods": methods,
        "activity": activity,
        "expires": session.expires_at.strftime("%H:%M UTC"),
        "proven": events.method_names([m for m in session.amr if m != "mfa"]),
        "csrf": csrf_token(db, session.id),
    }


def _agent(raw: str | None) -> str:
    """A user agent in a few words (the browser or the client library)."""
    if not raw:
        return "unknown"
    for needle, name in (("okta-auth-js", "okta-auth-js"), ("Edg/", "Edge"), ("Chrome/", "Chrome"), ("Firefox/", "Firefox"),
                         ("Safari/", "Safari"), ("python-httpx", "Python (httpx)"), ("python-requests", "Python (requests)"),
                         ("curl/", "curl")):
        if needle in raw:
            return name
    return raw[:40]


def _page(request: Request, ctx: Context, notice: str | None = None, problem: str | None = None, status: int = 200) -> Response:
    with ctx.store.transaction() as db:
        who = _signed_in(ctx, db, request)
        if who is None:
            return _to_signin(request)
        view = _view(ctx, db, *who)
    return render(
        request, "signin/home.html", status_code=status, user=view, notice=notice, problem=problem, questions=QUESTIONS
    )


def _refused(request: Request, ctx: Context, error: MockfinraError, invalid_profile: str | None = None) -> Response:
    """A refused form: the page again with what went wrong (no redirect, so nothing is put in a URL)."""
    return _page(request, ctx, problem=_text(error, invalid_profile), status=error.status)


@router.get(HOME_PATH)
def home(request: Request, done: str | None = None, ctx: Context = Depends(get_context)) -> Response:
    return _page(request, ctx, notice=NOTICES.get(done or ""))


@router.post(f"{HOME_PATH}/methods/{{factor_id}}/remove")
def remove_method(request: Request, factor_id: str, csrf: str | None = Form(None), ctx: Context = Depends(get_context)) -> Response:
    try:
        with ctx.store.transaction() as db:
            who = _signed_in(ctx, db, request)
            if who is None:
                return _to_signin(request)
            check_csrf(db, who[0].id, csrf)
            account.remove(ctx, db, who[1], factor_id)
    except MockfinraError as error:
        return _refused(request, ctx, error)
    return _back(request, done="removed")


@router.post(f"{HOME_PATH}/methods/add")
def add_method(request: Request, csrf: str | None = Form(None), ctx: Context = Depends(get_context)) -> Response:
    """Start an enrollment in the era's sign-in flow; it comes back to this page."""
    from mockfinra.identity.idx.flow import STATE_PREFIX

    links = Links(request)
    client = events.client_data(request.client.host if request.client else None, request.headers.get("user-agent"))
    with ctx.store.transaction() as db:
        who = _signed_in(ctx, db, request)
        if who is None:
            return _to_signin(request)
        session, user = who
        check_csrf(db, session.id, csrf)
        engine = ctx.era.identity_engine
        handle = account.start_enrollment(
            ctx, db, user, list(session.amr), "idx" if engine else "classic", links.url(HOME_PATH), client,
            STATE_PREFIX if engine else "00",
        )
        token = handle.state_token
    return RedirectResponse(f"{links.url(SIGNIN_PATH)}?{urlencode({'stateToken': token})}", status_code=303)


@router.post(f"{HOME_PATH}/password")
def change_password(
    request: Request,
    csrf: str | None = Form(None),
    old: str = Form(""),
    new: str = Form(""),
    confirm: str = Form(""),
    ctx: Context = Depends(get_context),
) -> Response:
    if new != confirm:
        return _page(request, ctx, problem="The new passwords do not match.", status=400)
    try:
        with ctx.store.transaction() as db:
            who = _signed_in(ctx, db, request)
            if who is None:
                return _to_signin(request)
            check_csrf(db, who[0].id, csrf)
            account.change_password(ctx, who[1], old, new)
    except MockfinraError as error:
        return _refused(request, ctx, error)
    return _back(request, done="password")


@router.post(f"{HOME_PATH}/question")
def change_question(
    request: Request,
    csrf: str | None = Form(None),
    question: str = Form(""),
    own: str = Form(""),
    answer: str = Form(""),
    ctx: Context = Depends(get_context),
) -> Response:
    key = f"custom:{own.strip()}" if question == "custom" else question
    try:
        with ctx.store.transaction() as db:
            who = _signed_in(ctx, db, request)
            if who is None:
                return _to_signin(request)
            check_csrf(db, who[0].id, csrf)
            account.change_question(ctx, db, who[1], key, answer)
    except MockfinraError as error:
        return _refused(request, ctx, error, "Choose a question and an answer of at least 4 characters.")
    return _back(request, done="question")


@router.post("/login/signout")
def sign_out(request: Request, csrf: str | None = Form(None), ctx: Context = Depends(get_context)) -> Response:
    """End the session (as `DELETE /api/v1/sessions/me`) and go to the sign-in page."""
    with ctx.store.transaction() as db:
        who = _signed_in(ctx, db, request)
        if who is not None:
            check_csrf(db, who[0].id, csrf)
            close_session(db, who[0])
    links = Links(request)
    response = RedirectResponse(links.url(SIGNIN_PATH), status_code=303)
    response.delete_cookie("sid", path=links.cookie_path())
    return response


def _text(error: MockfinraError, invalid_profile: str | None = None) -> str:
    """An error in words for the page (the causes, without field names)."""
    if isinstance(error, OktaError):
        causes = [cause.split(": ", 1)[-1] for cause in error.causes]
        if invalid_profile and causes == ["Invalid Profile."]:
            return invalid_profile
        return " ".join(causes) or error.summary
    return str(error)
