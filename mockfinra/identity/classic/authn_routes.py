"""`/api/v1/authn` and its sub-resources: thin routes over `identity.authn.machine`.

Request bodies allow extra fields (okta-auth-js sends `options`, `context` and more).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import not_found, validation_error
from mockfinra.identity.core import authn as machine
from mockfinra.identity.core.authn import AuthnResult
from mockfinra.identity.classic.render import render_result
from mockfinra.identity.core.factors import FactorCall
from mockfinra.links import Links

router = APIRouter(prefix="/api/v1/authn", tags=["authn"])

NO_STORE = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache"}


class _Body(BaseModel):
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)


class AuthnBody(_Body):
    username: str | None = None
    password: str | None = None
    stateToken: str | None = None
    token: str | None = None
    relayState: str | None = None
    options: dict[str, Any] | None = None
    context: dict[str, Any] | None = None


class StateBody(_Body):
    stateToken: str


class AnswerBody(StateBody):
    """Verify and activate: the answer fields are text when present (numbers are taken as text)."""

    passCode: str | None = None
    answer: str | None = None


class EnrollBody(StateBody):
    factorType: str
    provider: str | None = None
    profile: Any = None


class ChangePasswordBody(StateBody):
    oldPassword: str
    newPassword: str


class ResetPasswordBody(StateBody):
    newPassword: str


def _call(request: Request, body: BaseModel) -> FactorCall:
    return FactorCall(
        body=body.model_dump(exclude={"stateToken"}),
        query=dict(request.query_params),
        client_ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        base_url=Links(request).base(),
    )


def _respond(ctx: Context, request: Request, run: Any) -> JSONResponse:
    """Run one machine step in a store transaction and render its result inside it."""
    with ctx.store.transaction() as db:
        result: AuthnResult = run(db)
        body = render_result(ctx, Links(request), result)
    return JSONResponse(body, headers=NO_STORE)


@router.post("")
def authn(body: AuthnBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    """Primary authentication, resume (`stateToken`) or activation-token sign-in (`token`)."""
    if body.stateToken is not None:
        return _respond(ctx, request, lambda db: machine.resume(ctx, db, body.stateToken or ""))
    if body.token is not None:
        return _respond(
            ctx,
            request,
            lambda db: machine.token_authentication(ctx, db, body.token or "", body.relayState, body.options),
        )
    missing = [name for name in ("username", "password") if getattr(body, name) is None]
    if missing:
        raise validation_error(", ".join(missing), [f"{name}: Field required" for name in missing])
    return _respond(
        ctx,
        request,
        lambda db: machine.primary_authentication(
            ctx, db, body.username or "", body.password or "", body.relayState, body.options
        ),
    )


@router.post("/factors")
def enroll(body: EnrollBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    call = _call(request, body)
    return _respond(
        ctx,
        request,
        lambda db: machine.enroll_factor(
            ctx, db, body.stateToken, body.factorType, body.provider, body.profile, call
        ),
    )


@router.post("/factors/{factor_id}/lifecycle/activate")
def activate(
    factor_id: str, body: AnswerBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    call = _call(request, body)
    return _respond(
        ctx, request, lambda db: machine.activate_factor(ctx, db, body.stateToken, factor_id, call)
    )


@router.post("/factors/{factor_id}/lifecycle/activate/poll")
def activate_poll(
    factor_id: str, body: StateBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    call = _call(request, body)
    return _respond(
        ctx, request, lambda db: machine.activation_action(ctx, db, body.stateToken, factor_id, "poll", call)
    )


@router.post("/factors/{factor_id}/lifecycle/activate/{channel}")
def activate_send(
    factor_id: str, channel: str, body: StateBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    if channel not in ("email", "sms"):
        raise not_found(request.url.path)
    call = _call(request, body)
    return _respond(
        ctx,
        request,
        lambda db: machine.activation_action(ctx, db, body.stateToken, factor_id, "send", call, channel),
    )


@router.post("/factors/{factor_id}/lifecycle/resend")
def activate_resend(
    factor_id: str, body: StateBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    call = _call(request, body)
    return _respond(
        ctx,
        request,
        lambda db: machine.activation_action(ctx, db, body.stateToken, factor_id, "resend", call),
    )


@router.post("/factors/{factor_id}/verify")
def verify(
    factor_id: str, body: AnswerBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    """Verify a factor; `?rememberDevice=` and `?autoPush=` are accepted and passed to the plugin."""
    call = _call(request, body)
    return _respond(ctx, request, lambda db: machine.verify_factor(ctx, db, body.stateToken, factor_id, call))


@router.post("/factors/{factor_id}/verify/resend")
def verify_resend(
    factor_id: str, body: StateBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    call = _call(request, body)
    return _respond(
        ctx, request, lambda db: machine.resend_challenge(ctx, db, body.stateToken, factor_id, call)
    )


@router.post("/previous")
def previous(body: StateBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    return _respond(ctx, request, lambda db: machine.previous(ctx, db, body.stateToken))


@router.post("/skip")
def skip(body: StateBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    return _respond(ctx, request, lambda db: machine.skip(ctx, db, body.stateToken))


@router.post("/cancel")
def cancel(body: StateBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    return _respond(ctx, request, lambda db: machine.cancel(ctx, db, body.stateToken))


@router.post("/credentials/change_password")
def change_password(
    body: ChangePasswordBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    return _respond(
        ctx,
        request,
        lambda db: machine.change_password(ctx, db, body.stateToken, body.oldPassword, body.newPassword),
    )


@router.post("/credentials/reset_password")
def reset_password(
    body: ResetPasswordBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    return _respond(
        ctx, request, lambda db: machine.reset_password(ctx, db, body.stateToken, body.newPassword)
    )
