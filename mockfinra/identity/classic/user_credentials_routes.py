"""Okta's credential operations on a user: `/api/v1/users/{userId}/credentials/change_password`,
`/forgot_password`, `/forgot_password_recovery_question` and `/change_recovery_question` (admin token).

Each answers the user's `credentials` object (never a secret) or, for a forgot-password link, the link.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse

from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import not_found, validation_error
from mockfinra.identity.classic import paths, user_views
from mockfinra.identity.classic.users_routes import require_api_token
from mockfinra.identity.core import lifecycle
from mockfinra.links import Links
from mockfinra.store.users import User, find_user

router = APIRouter(tags=["Okta Users API"], dependencies=[Depends(require_api_token)])


def _user(db: Any, user_id: str) -> User:
    user = find_user(db, user_id)
    if user is None:
        raise not_found(f"Resource not found: {user_id} (User)")
    return user


def _value(body: dict[str, Any], key: str, inner: str = "value") -> str | None:
    """`body[key][inner]` when it is text; 400 E0000001 when `body[key]` is there but not an object."""
    raw = body.get(key)
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get(inner), (str, type(None))):
        raise validation_error(key, [f'{key}: must be an object {{"{inner}": "..."}}'])
    return raw.get(inner)


@router.post(paths.USER_CHANGE_PASSWORD)
def change_password(uid: str, body: dict[str, Any] = Body(...), ctx: Context = Depends(get_context)) -> JSONResponse:
    """`{oldPassword: {value}, newPassword: {value}}`; 403 E0000014 when the old one is wrong or the new one
    is refused by the password policy."""
    with ctx.store.transaction() as db:
        user = _user(db, uid)
        lifecycle.change_password(ctx, user, _value(body, "oldPassword"), _value(body, "newPassword"))
        return JSONResponse(user_views.credentials_json(user))


@router.post(paths.USER_CHANGE_QUESTION)
def change_recovery_question(
    uid: str, body: dict[str, Any] = Body(...), ctx: Context = Depends(get_context)
) -> JSONResponse:
    """`{password: {value}, recovery_question: {question, answer}}`."""
    with ctx.store.transaction() as db:
        user = _user(db, uid)
        lifecycle.change_recovery_question(
            ctx,
            user,
            _value(body, "password"),
            _value(body, "recovery_question", "question"),
            _value(body, "recovery_question", "answer"),
        )
        return JSONResponse(user_views.credentials_json(user))


def _forgot_with_answer(ctx: Context, uid: str, body: dict[str, Any]) -> JSONResponse:
    with ctx.store.transaction() as db:
        user = _user(db, uid)
        lifecycle.forgot_password_with_answer(
            ctx, user, _value(body, "recovery_question", "answer"), _value(body, "password")
        )
        return JSONResponse(user_views.credentials_json(user))


@router.post(paths.USER_FORGOT_PASSWORD)
def forgot_password(
    request: Request,
    uid: str,
    sendEmail: bool = True,  # noqa: N803 - Okta's parameter name
    body: dict[str, Any] | None = Body(None),
    ctx: Context = Depends(get_context),
) -> JSONResponse:
    """Without a body: a reset link, emailed (`{}`) or returned (`{resetPasswordUrl}` with `sendEmail=false`).
    With `{password: {value}, recovery_question: {answer}}`: the new password, proven by the answer."""
    if body:
        return _forgot_with_answer(ctx, uid, body)
    with ctx.store.transaction() as db:
        user = _user(db, uid)
        url = lifecycle.forgot_password(ctx, db, user, send_email=sendEmail, base_url=Links(request).base())
    return JSONResponse({} if url is None else {"resetPasswordUrl": url})


@router.post(paths.USER_FORGOT_PASSWORD_ANSWER)
def forgot_password_recovery_question(
    uid: str, body: dict[str, Any] = Body(...), ctx: Context = Depends(get_context)
) -> JSONResponse:
    """The SDKs' path for the answer-proven password change of `forgot_password`."""
    return _forgot_with_answer(ctx, uid, body)
