"""`/api/v1/authn/recovery/...`: thin routes over `identity.core.recovery` (the JSON is in `render`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import not_found
from mockfinra.identity.classic import paths
from mockfinra.identity.classic.bodies import Body, StateBody, respond
from mockfinra.identity.core import recovery
from mockfinra.links import Links

router = APIRouter(prefix=paths.RECOVERY, tags=["authn"])

PHONE_FACTORS = ("SMS", "CALL")


class StartBody(Body):
    username: str
    #: SMS, CALL or EMAIL in any case (the domain checks it and names the choices)
    factorType: str = Field(json_schema_extra={"pattern": r"^\s*([Ss][Mm][Ss]|[Cc][Aa][Ll][Ll]|[Ee][Mm][Aa][Ii][Ll])\s*$"})
    relayState: str | None = None


class PassCodeBody(StateBody):
    passCode: str


class TokenBody(Body):
    recoveryToken: str


class AnswerBody(StateBody):
    answer: str


def _phone_factor(factor: str) -> str:
    if factor.upper() not in PHONE_FACTORS:
        raise not_found(f"Resource not found: {factor} (recovery factor)")
    return factor.upper()


# --- routes ---------------------------------------------------------------------------------------


def _start(recovery_type: str, body: StartBody, request: Request, ctx: Context) -> JSONResponse:
    base = Links(request).base()
    return respond(
        ctx,
        request,
        lambda db: recovery.start(ctx, db, recovery_type, body.username, body.factorType, body.relayState, base),
    )


@router.post("/password")
def forgot_password(body: StartBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    """Forgotten password: a code by SMS/CALL or a link by EMAIL. The same answer for unknown users."""
    return _start("PASSWORD", body, request, ctx)


@router.post("/unlock")
def unlock_account(body: StartBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    """Unlock a locked account (the LOCKED_OUT state's `next` link)."""
    return _start("UNLOCK", body, request, ctx)


@router.post("/factors/{factor}/verify")
def verify(factor: str, body: PassCodeBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    name = _phone_factor(factor)
    return respond(ctx, request, lambda db: recovery.verify_factor(ctx, db, body.stateToken, name, body.passCode))


@router.post("/factors/{factor}/resend")
def resend(factor: str, body: StateBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    name = _phone_factor(factor)
    return respond(ctx, request, lambda db: recovery.resend(ctx, db, body.stateToken, name))


@router.post("/token")
def recovery_token(body: TokenBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    """The emailed link's token → RECOVERY (the recovery question); 401 E0000011 when it is not valid."""
    return respond(ctx, request, lambda db: recovery.redeem_token(ctx, db, body.recoveryToken))


@router.post("/answer")
def answer(body: AnswerBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    return respond(ctx, request, lambda db: recovery.answer(ctx, db, body.stateToken, body.answer))
