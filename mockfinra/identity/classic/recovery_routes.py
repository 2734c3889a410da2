"""`/api/v1/authn/recovery/...`: thin routes over `identity.recovery`, and the JSON of the recovery states.

RECOVERY_CHALLENGE (SMS/CALL): `next` verify → `/recovery/factors/{SMS|CALL}/verify`, `cancel`, and `resend`
as a single object (not an array, unlike the MFA states). RECOVERY: `_embedded.user.recovery_question`
and `next` answer. EMAIL answers RECOVERY_CHALLENGE / WAITING without a stateToken.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import not_found
from mockfinra.identity.core import recovery
from mockfinra.identity.core.authn import AuthnResult
from mockfinra.identity.classic.render import register_state, render_result, user_json
from mockfinra.identity.core.transactions import Handle
from mockfinra.links import Links

router = APIRouter(prefix="/api/v1/authn/recovery", tags=["authn"])

NO_STORE = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache"}
AUTHN = "/api/v1/authn"
PHONE_FACTORS = ("SMS", "CALL")


class _Body(BaseModel):
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)


class StartBody(_Body):
    username: str
    factorType: str
    relayState: str | None = None


class StateBody(_Body):
    stateToken: str


class PassCodeBody(StateBody):
    passCode: str


class TokenBody(_Body):
    recoveryToken: str


class AnswerBody(StateBody):
    answer: str


# --- the recovery states --------------------------------------------------------------------------


@register_state("RECOVERY_CHALLENGE")
def _recovery_challenge(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    # Never shows the user: an unknown user's transaction must look the same.
    factor = handle.txn.recovery_factor_type or "SMS"
    base = f"{AUTHN}/recovery/factors/{factor}"
    top = {
        "next": links.hal(f"{base}/verify", name="verify"),
        "cancel": links.hal(f"{AUTHN}/cancel"),
        "resend": links.hal(f"{base}/resend", name=factor.lower()),
    }
    return {}, top


@register_state("RECOVERY")
def _recovery(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    user = user_json(handle.user)
    user["recovery_question"] = {"question": handle.user.recovery_question}
    top = {
        "next": links.hal(f"{AUTHN}/recovery/answer", name="answer"),
        "cancel": links.hal(f"{AUTHN}/cancel"),
    }
    return {"user": user}, top


def _render(ctx: Context, links: Links, result: AuthnResult | recovery.RecoveryResult) -> dict[str, Any]:
    if isinstance(result, AuthnResult):
        return render_result(ctx, links, result)
    body: dict[str, Any] = {}
    if result.kind == "unlocked" and result.user is not None:
        # ASSUMPTION: as Okta's unlock answer: SUCCESS without a sessionToken (the user signs in next).
        if result.expires_at is not None:
            body["expiresAt"] = isoformat_z(result.expires_at)
        body.update({"status": "SUCCESS", "recoveryType": "UNLOCK"})
        if result.relay_state is not None:
            body["relayState"] = result.relay_state
        body["_embedded"] = {"user": user_json(result.user)}
        return body
    body = {"status": "RECOVERY_CHALLENGE", "factorResult": "WAITING", "factorType": result.factor_type}
    body["recoveryType"] = result.recovery_type
    if result.relay_state is not None:
        body["relayState"] = result.relay_state
    return body


def _respond(ctx: Context, request: Request, run: Any) -> JSONResponse:
    with ctx.store.transaction() as db:
        result = run(db)
        body = _render(ctx, Links(request), result)
    return JSONResponse(body, headers=NO_STORE)


def _phone_factor(factor: str) -> str:
    if factor.upper() not in PHONE_FACTORS:
        raise not_found(f"Resource not found: {factor} (recovery factor)")
    return factor.upper()


# --- routes ---------------------------------------------------------------------------------------


def _start(recovery_type: str, body: StartBody, request: Request, ctx: Context) -> JSONResponse:
    base = Links(request).base()
    return _respond(
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
    return _respond(ctx, request, lambda db: recovery.verify_factor(ctx, db, body.stateToken, name, body.passCode))


@router.post("/factors/{factor}/resend")
def resend(factor: str, body: StateBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    name = _phone_factor(factor)
    return _respond(ctx, request, lambda db: recovery.resend(ctx, db, body.stateToken, name))


@router.post("/token")
def recovery_token(body: TokenBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    """The emailed link's token → RECOVERY (the recovery question); 401 E0000011 when it is not valid."""
    return _respond(ctx, request, lambda db: recovery.redeem_token(ctx, db, body.recoveryToken))


@router.post("/answer")
def answer(body: AnswerBody, request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    return _respond(ctx, request, lambda db: recovery.answer(ctx, db, body.stateToken, body.answer))
