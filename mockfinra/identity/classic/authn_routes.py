"""`/api/v1/authn` and its sub-resources: thin routes over `identity.core.authn`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import ConfigDict

from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import not_found, validation_error
from mockfinra.identity.classic import paths
from mockfinra.identity.classic.bodies import Body, StateBody, client_of, factor_input, numbers_as_text, respond
from mockfinra.identity.core import authn as machine

router = APIRouter(prefix=paths.AUTHN, tags=["authn"])


def _given(*names: str) -> dict[str, Any]:
    """A JSON Schema branch: these fields are present and not null."""
    return {"required": list(names), "properties": {name: {"type": ["string", "number"]} for name in names}}


def _authn_schema(schema: dict[str, Any]) -> None:
    numbers_as_text(schema)
    schema["anyOf"] = [_given("username", "password"), _given("stateToken"), _given("token")]


class AuthnBody(Body):
    """Primary authentication (`username` and `password`), resume (`stateToken`) or sign-in by `token`."""

    model_config = ConfigDict(json_schema_extra=_authn_schema)
    username: str | None = None
    password: str | None = None
    stateToken: str | None = None
    token: str | None = None
    relayState: str | None = None
    options: dict[str, Any] | None = None
    context: dict[str, Any] | None = None


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


@router.post("")
def authn(body: AuthnBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    """Primary authentication, resume (`stateToken`) or activation-token sign-in (`token`)."""
    if body.stateToken is not None:
        return respond(ctx, request, lambda db: machine.resume(ctx, db, body.stateToken or ""))
    if body.token is not None:
        return respond(
            ctx,
            request,
            lambda db: machine.token_authentication(ctx, db, body.token or "", body.relayState, body.options),
        )
    missing = [name for name in ("username", "password") if getattr(body, name) is None]
    if missing:
        raise validation_error(", ".join(missing), [f"{name}: Field required" for name in missing])
    return respond(
        ctx,
        request,
        lambda db: machine.primary_authentication(
            ctx, db, body.username or "", body.password or "", body.relayState, body.options, client_of(request)
        ),
    )


@router.post("/factors")
def enroll(body: EnrollBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    given = factor_input(request, body)
    return respond(
        ctx,
        request,
        lambda db: machine.enroll_factor(ctx, db, body.stateToken, body.factorType, body.provider, given),
    )


@router.post("/factors/{factor_id}/lifecycle/activate")
def activate(
    factor_id: str, body: AnswerBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    given = factor_input(request, body)
    return respond(
        ctx, request, lambda db: machine.activate_factor(ctx, db, body.stateToken, factor_id, given)
    )


@router.post("/factors/{factor_id}/lifecycle/activate/poll")
def activate_poll(
    factor_id: str, body: StateBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    given = factor_input(request, body)
    return respond(
        ctx, request, lambda db: machine.activation_action(ctx, db, body.stateToken, factor_id, "poll", given)
    )


@router.post("/factors/{factor_id}/lifecycle/activate/{channel}")
def activate_send(
    factor_id: str, channel: str, body: StateBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    if channel not in ("email", "sms"):
        raise not_found(request.url.path)
    given = factor_input(request, body)
    return respond(
        ctx,
        request,
        lambda db: machine.activation_action(ctx, db, body.stateToken, factor_id, "send", given, channel),
    )


@router.post("/factors/{factor_id}/lifecycle/resend")
def activate_resend(
    factor_id: str, body: StateBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    given = factor_input(request, body)
    return respond(
        ctx,
        request,
        lambda db: machine.activation_action(ctx, db, body.stateToken, factor_id, "resend", given),
    )


@router.post("/factors/{factor_id}/verify")
def verify(
    factor_id: str, body: AnswerBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    """Verify a factor; `?rememberDevice=` and `?autoPush=` are accepted and accepted."""
    given = factor_input(request, body)
    return respond(ctx, request, lambda db: machine.verify_factor(ctx, db, body.stateToken, factor_id, given))


@router.post("/factors/{factor_id}/verify/resend")
def verify_resend(
    factor_id: str, body: StateBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    given = factor_input(request, body)
    return respond(
        ctx, request, lambda db: machine.resend_challenge(ctx, db, body.stateToken, factor_id, given)
    )


@router.post("/previous")
def previous(body: StateBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    return respond(ctx, request, lambda db: machine.previous(ctx, db, body.stateToken))


@router.post("/skip")
def skip(body: StateBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    return respond(ctx, request, lambda db: machine.skip(ctx, db, body.stateToken))


@router.post("/cancel")
def cancel(body: StateBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    return respond(ctx, request, lambda db: machine.cancel(ctx, db, body.stateToken))


@router.post("/credentials/change_password")
def change_password(
    body: ChangePasswordBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    return respond(
        ctx,
        request,
        lambda db: machine.change_password(ctx, db, body.stateToken, body.oldPassword, body.newPassword),
    )


@router.post("/credentials/reset_password")
def reset_password(
    body: ResetPasswordBody, request: Request, ctx: Context = Depends(get_context)
) -> JSONResponse:
    return respond(
        ctx, request, lambda db: machine.reset_password(ctx, db, body.stateToken, body.newPassword)
    )
