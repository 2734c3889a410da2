"""The Okta Users API subset: `/api/v1/users` (create, get, list, update, delete) and the lifecycle operations.

Guarded by `Authorization: SSWS <token>` when `settings.admin_token` is set; when it is not set, any token
(or none) is accepted. `GET /api/v1/users/me` authenticates with the `sid` session cookie instead.
"""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from mockfinra.admin import presented_token
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import OktaError, not_found
from mockfinra.identity.classic import user_search, user_views
from mockfinra.identity.core import lifecycle
from mockfinra.identity.core import users as accounts
from mockfinra.identity.core.sessions import get_active_session
from mockfinra.links import Links
from mockfinra.security import constant_time_equals
from mockfinra.store.users import User, find_user

BASE = "/api/v1/users"


def require_api_token(request: Request) -> None:
    """FastAPI dependency: 401 E0000011 unless the admin token is unset or presented (SSWS, Bearer or
    X-Mock-Token)."""
    expected = request.app.state.settings.admin_token
    if not expected:
        return
    token = presented_token(request)
    if token is None or not constant_time_equals(token, expected):
        raise OktaError("E0000011", headers={"WWW-Authenticate": 'SSWS realm="mockfinra"'})


router = APIRouter(prefix=BASE, tags=["Okta Users API"])
guarded = [Depends(require_api_token)]


def _load(db: Session, id_or_login: str) -> User:
    user = find_user(db, id_or_login)
    if user is None:
        raise not_found(f"Resource not found: {id_or_login} (User)")
    return user


def _welcome_url(request: Request) -> Callable[[str], str]:
    links = Links(request)
    return lambda token: links.url(f"/welcome/{token}")


def _user_response(user: User, request: Request) -> JSONResponse:
    return JSONResponse(user_views.user_json(user, Links(request)))


@router.post("", dependencies=guarded)
def create_user(
    request: Request,
    body: dict[str, Any] = Body(...),
    activate: bool = True,
    nextLogin: str | None = None,  # noqa: N803 - Okta's parameter name
    ctx: Context = Depends(get_context),
) -> JSONResponse:
    """Create a user: STAGED (`activate=false`), ACTIVE (with a password) or PROVISIONED (invitation)."""
    if nextLogin not in (None, "", "changePassword"):
        raise OktaError("E0000001", "nextLogin", ["nextLogin: the only supported value is changePassword"])
    profile = accounts.parse_profile(body.get("profile"), require_all=True)
    password, recovery = user_views.parse_credentials(body.get("credentials"))
    with ctx.store.transaction() as db:
        user = accounts.register_user(
            ctx,
            db,
            profile=profile,
            password=password,
            recovery=recovery,
            activate=activate,
            expire_password=nextLogin == "changePassword",
            welcome_url=_welcome_url(request),
        )
        return _user_response(user, request)


@router.get("", dependencies=guarded)
def list_users(
    request: Request,
    q: str | None = None,
    filter: str | None = None,  # noqa: A002 - Okta's parameter name
    search: str | None = None,
    sortBy: str | None = None,  # noqa: N803
    sortOrder: str | None = None,  # noqa: N803
    limit: str | None = None,
    after: str | None = None,
    ctx: Context = Depends(get_context),
) -> JSONResponse:
    """List users; `Link: <...>; rel="next"` when more follow (pass its `after` on)."""
    query = user_search.build_query(q, filter, search, sortBy, sortOrder, limit, after)
    links = Links(request)
    with ctx.store.transaction() as db:
        page, more = user_search.run(db, query)
        body = [user_views.user_json(user, links, collection=True) for user in page]
    response = JSONResponse(body)
    given = request.query_params.multi_items()
    self_query = urlencode(given, quote_via=quote)
    response.headers.append(
        "Link", f'<{links.url(BASE)}{"?" + self_query if self_query else ""}>; rel="self"'
    )
    if more and page:
        kept = [(key, value) for key, value in given if key not in ("after", "limit")]
        next_query = urlencode([*kept, ("after", page[-1].id), ("limit", str(query.limit))], quote_via=quote)
        response.headers.append("Link", f'<{links.url(BASE)}?{next_query}>; rel="next"')
    return response


@router.get("/{id_or_login}")
def get_user(request: Request, id_or_login: str, ctx: Context = Depends(get_context)) -> JSONResponse:
    """A user by id or login; `me` is the user of the `sid` session cookie."""
    with ctx.store.transaction() as db:
        if id_or_login == "me":
            session = get_active_session(ctx, db, request.cookies.get("sid"))
            if session is None:
                raise OktaError("E0000005", causes=["GET /api/v1/users/me needs a valid sid session cookie."])
            return _user_response(_load(db, session.user_id), request)
        require_api_token(request)
        return _user_response(_load(db, id_or_login), request)


def _update(
    request: Request, id_or_login: str, body: dict[str, Any], ctx: Context, replace: bool
) -> JSONResponse:
    with ctx.store.transaction() as db:
        user = _load(db, id_or_login)
        raw_profile = body.get("profile")
        if replace and raw_profile is None:
            raise OktaError("E0000001", "profile", ["profile: a full update (PUT) needs the whole profile"])
        profile = (
            accounts.parse_profile(raw_profile, require_all=replace) if raw_profile is not None else None
        )
        password, recovery = user_views.parse_credentials(body.get("credentials"))
        if profile is not None:
            accounts.apply_profile(ctx, db, user, profile, replace=replace)
        accounts.update_credentials(ctx, user, password, recovery)
        db.flush()
        return _user_response(user, request)


@router.post("/{id_or_login}", dependencies=guarded)
def update_user(
    request: Request, id_or_login: str, body: dict[str, Any] = Body(...), ctx: Context = Depends(get_context)
) -> JSONResponse:
    """Partial update: only the profile attributes and credentials given change."""
    return _update(request, id_or_login, body, ctx, replace=False)


@router.put("/{id_or_login}", dependencies=guarded)
def replace_user(
    request: Request, id_or_login: str, body: dict[str, Any] = Body(...), ctx: Context = Depends(get_context)
) -> JSONResponse:
    """Full update: profile attributes not given are removed."""
    return _update(request, id_or_login, body, ctx, replace=True)


@router.delete("/{id_or_login}", dependencies=guarded, status_code=204)
def delete_user(id_or_login: str, ctx: Context = Depends(get_context)) -> Response:
    """First call deactivates (→ DEPROVISIONED), a call on a DEPROVISIONED user deletes it."""
    with ctx.store.transaction() as db:
        lifecycle.delete_user(ctx, db, _load(db, id_or_login))
    return Response(status_code=204)


# --- lifecycle ----------------------------------------------------------------------------------------


@router.post("/{id_or_login}/lifecycle/activate", dependencies=guarded)
def activate(
    request: Request,
    id_or_login: str,
    sendEmail: bool = True,
    ctx: Context = Depends(get_context),  # noqa: N803
) -> dict[str, str]:
    with ctx.store.transaction() as db:
        user = _load(db, id_or_login)
        return lifecycle.activate_user(ctx, db, user, send_email=sendEmail, welcome_url=_welcome_url(request))


@router.post("/{id_or_login}/lifecycle/reactivate", dependencies=guarded)
def reactivate(
    request: Request,
    id_or_login: str,
    sendEmail: bool = False,
    ctx: Context = Depends(get_context),  # noqa: N803
) -> dict[str, str]:
    with ctx.store.transaction() as db:
        user = _load(db, id_or_login)
        return lifecycle.reactivate_user(
            ctx, db, user, send_email=sendEmail, welcome_url=_welcome_url(request)
        )


@router.post("/{id_or_login}/lifecycle/deactivate", dependencies=guarded)
def deactivate(id_or_login: str, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    with ctx.store.transaction() as db:
        lifecycle.deactivate_user(ctx, db, _load(db, id_or_login))
    return {}


@router.post("/{id_or_login}/lifecycle/suspend", dependencies=guarded)
def suspend(id_or_login: str, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    with ctx.store.transaction() as db:
        lifecycle.suspend_user(ctx, db, _load(db, id_or_login))
    return {}


@router.post("/{id_or_login}/lifecycle/unsuspend", dependencies=guarded)
def unsuspend(id_or_login: str, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    with ctx.store.transaction() as db:
        lifecycle.unsuspend_user(ctx, _load(db, id_or_login))
    return {}


@router.post("/{id_or_login}/lifecycle/unlock", dependencies=guarded)
def unlock(id_or_login: str, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    with ctx.store.transaction() as db:
        lifecycle.unlock_user(ctx, _load(db, id_or_login))
    return {}


@router.post("/{id_or_login}/lifecycle/expire_password", dependencies=guarded)
def expire_password(
    request: Request,
    id_or_login: str,
    tempPassword: bool = False,
    ctx: Context = Depends(get_context),  # noqa: N803
) -> Any:
    """→ PASSWORD_EXPIRED; returns the user, or `{tempPassword}` when one was asked for."""
    with ctx.store.transaction() as db:
        user = _load(db, id_or_login)
        temporary = lifecycle.expire_password(ctx, user, temp_password=tempPassword)
        if temporary is not None:
            return {"tempPassword": temporary}
        return _user_response(user, request)


@router.post("/{id_or_login}/lifecycle/expire_password_with_temp_password", dependencies=guarded)
def expire_password_with_temp_password(
    request: Request, id_or_login: str, revokeSessions: bool = False, ctx: Context = Depends(get_context)  # noqa: N803
) -> JSONResponse:
    """→ PASSWORD_EXPIRED with a random password. ASSUMPTION: Okta's SDKs read the answer as a user, so it is
    the user with `tempPassword` added (the path `expire_password?tempPassword=true` gives `{tempPassword}`)."""
    from mockfinra.identity.core.sessions import end_user_sessions

    with ctx.store.transaction() as db:
        user = _load(db, id_or_login)
        temporary = lifecycle.expire_password(ctx, user, temp_password=True)
        if revokeSessions:
            end_user_sessions(db, user.id)
        return JSONResponse({**user_views.user_json(user, Links(request)), "tempPassword": temporary})


@router.post("/{id_or_login}/lifecycle/reset_password", dependencies=guarded)
def reset_password(
    request: Request, id_or_login: str, sendEmail: bool = True, ctx: Context = Depends(get_context)  # noqa: N803
) -> dict[str, Any]:
    """→ RECOVERY with a one-time reset link: emailed (`sendEmail=true`, Okta's default; answers `{}`) or
    returned as `{summary, resetPasswordUrl}`."""
    with ctx.store.transaction() as db:
        user = _load(db, id_or_login)
        url = lifecycle.reset_password(ctx, db, user, send_email=sendEmail, base_url=Links(request).base())
    if url is None:
        return {}
    return {"summary": "Reset password link", "resetPasswordUrl": url}


@router.post("/{id_or_login}/lifecycle/reset_factors", dependencies=guarded)
def reset_factors(id_or_login: str, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    with ctx.store.transaction() as db:
        lifecycle.reset_factors(ctx, db, _load(db, id_or_login))
    return {}
