"""Okta's Factors API for a user: `/api/v1/users/{userId}/factors` (list, catalog, enroll, get, delete,
activate, verify, push transactions). Admin calls, guarded like the Users API (SSWS admin token).

Thin: the domain is `identity/core/user_factors.py` over the factor kinds; a factor's JSON is
`factor_views.user_factor_json`. (`/factors/questions` and the QR code are in `factors_routes`: the authn
flows use them without a token.)
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import not_found, validation_error
from mockfinra.identity.classic import paths
from mockfinra.identity.classic.bodies import Body as FactorBody
from mockfinra.identity.classic.bodies import factor_input
from mockfinra.identity.classic.factor_views import catalog_entry_json, user_factor_json
from mockfinra.identity.classic.users_routes import require_api_token
from mockfinra.identity.core import user_factors
from mockfinra.links import Links
from mockfinra.store.users import Factor, User, find_user

router = APIRouter(tags=["Okta Factors API"], dependencies=[Depends(require_api_token)])

NO_STORE = {"Cache-Control": "no-cache, no-store"}


def _user(db: Session, user_id: str) -> User:
    user = find_user(db, user_id)
    if user is None:
        raise not_found(f"Resource not found: {user_id} (User)")
    return user


def _user_factor(db: Session, user_id: str, factor_id: str) -> tuple[User, Factor]:
    """The user and one of their factors, or 404 for either."""
    user = _user(db, user_id)
    return user, user_factors.find(db, user, factor_id)


def _factor_response(ctx: Context, request: Request, factor: Factor, status: int = 200) -> JSONResponse:
    return JSONResponse(user_factor_json(ctx, Links(request), factor), status_code=status, headers=NO_STORE)


def _result_links(links: Links, factor: Factor, push_id: str | None, result: str) -> dict[str, Any]:
    """`_links` of a verify / transaction answer: poll and cancel while a push waits, else the factor."""
    own = paths.user_factor_path(factor.user_id, factor.id)
    if push_id is not None and result == "WAITING":
        transaction = paths.USER_FACTOR_TRANSACTION.format(uid=factor.user_id, fid=factor.id, tid=push_id)
        return {
            "poll": links.hal(transaction, method="GET"),
            "cancel": links.hal(transaction, method="DELETE"),
        }
    out: dict[str, Any] = {}
    if result != "SUCCESS":
        out["verify"] = links.hal(paths.USER_FACTOR_VERIFY.format(uid=factor.user_id, fid=factor.id))
    out["factor"] = links.hal(own, method="GET")
    return out


def _result_body(links: Links, factor: Factor, outcome: user_factors.Outcome) -> dict[str, Any]:
    body: dict[str, Any] = {"factorResult": outcome.result}
    if outcome.push_id is not None:
        if outcome.result == "WAITING" and outcome.expires_at is not None:
            body["expiresAt"] = isoformat_z(outcome.expires_at)
        body["profile"] = {"credentialId": (factor.profile or {}).get("credentialId")}
    body["_links"] = _result_links(links, factor, outcome.push_id, outcome.result)
    return body


@router.get(paths.USER_FACTORS)
def list_factors(request: Request, uid: str, ctx: Context = Depends(get_context)) -> JSONResponse:
    """The user's enrolled factors (ACTIVE and awaiting activation)."""
    links = Links(request)
    with ctx.store.transaction() as db:
        user = _user(db, uid)
        body = [user_factor_json(ctx, links, factor) for factor in user_factors.listed(user)]
    return JSONResponse(body, headers=NO_STORE)


@router.get(paths.USER_FACTORS_CATALOG)
def catalog(request: Request, uid: str, ctx: Context = Depends(get_context)) -> JSONResponse:
    """The factors the user may enroll, and their status for this user (NOT_SETUP, PENDING_ACTIVATION, ACTIVE)."""
    links = Links(request)
    with ctx.store.transaction() as db:
        user = _user(db, uid)
        body = [
            catalog_entry_json(links, user, offer.kind.factor_type, offer.provider, offer.status)
            for offer in user_factors.catalog(ctx, user)
        ]
    return JSONResponse(body, headers=NO_STORE)


@router.post(paths.USER_FACTORS)
def enroll(
    request: Request,
    uid: str,
    body: dict[str, Any] = Body(...),
    activate: bool = False,
    updatePhone: bool = False,  # noqa: N803 - Okta's parameter names
    tokenLifetimeSeconds: int | None = None,  # noqa: N803
    ctx: Context = Depends(get_context),
) -> JSONResponse:
    """Enroll a factor: `{factorType, provider?, profile}`; 200 with the factor (Okta's status code)."""
    factor_type, provider = body.get("factorType"), body.get("provider")
    if not isinstance(factor_type, str) or not isinstance(provider, (str, type(None))):
        raise validation_error("factorEnrollRequest", ["factorType: The factor type is required."])
    given = factor_input(request, FactorBody.model_validate(body))
    with ctx.store.transaction() as db:
        user = _user(db, uid)
        factor = user_factors.enroll(
            ctx, db, user, factor_type, provider, given,
            activate=activate, update_phone=updatePhone, token_lifetime=tokenLifetimeSeconds,
        )
        return _factor_response(ctx, request, factor)


@router.get(paths.USER_FACTOR)
def get_factor(request: Request, uid: str, fid: str, ctx: Context = Depends(get_context)) -> JSONResponse:
    with ctx.store.transaction() as db:
        factor = user_factors.find(db, _user(db, uid), fid)
        return _factor_response(ctx, request, factor)


@router.delete(paths.USER_FACTOR, status_code=204)
def delete_factor(uid: str, fid: str, ctx: Context = Depends(get_context)) -> Response:
    with ctx.store.transaction() as db:
        user = _user(db, uid)
        user_factors.remove(ctx, db, user, user_factors.find(db, user, fid))
    return Response(status_code=204)


@router.post(paths.USER_FACTOR_ACTIVATE)
def activate_factor(
    request: Request,
    uid: str,
    fid: str,
    body: FactorBody | None = None,
    ctx: Context = Depends(get_context),
) -> JSONResponse:
    """`{passCode}` for totp, sms and call; a push restarts its activation (its QR code) until the device
    activates it."""
    given = factor_input(request, body or FactorBody())
    with ctx.store.transaction() as db:
        user, factor = _user_factor(db, uid, fid)
        user_factors.activate(ctx, db, user, factor, given)
        return _factor_response(ctx, request, factor)


@router.post(paths.USER_FACTOR_ACTIVATE_POLL)
def poll_activation(request: Request, uid: str, fid: str, ctx: Context = Depends(get_context)) -> JSONResponse:
    """A push enrollment: the factor, still PENDING_ACTIVATION (with `factorResult` WAITING or TIMEOUT in
    its activation) or ACTIVE."""
    with ctx.store.transaction() as db:
        user, factor = _user_factor(db, uid, fid)
        user_factors.poll_activation(ctx, db, user, factor)
        return _factor_response(ctx, request, factor)


@router.post(paths.USER_FACTOR_ACTIVATE_SEND)
def send_activation(
    request: Request, uid: str, fid: str, channel: str, body: FactorBody | None = None, ctx: Context = Depends(get_context)
) -> JSONResponse:
    """A push enrollment's `send` links: the activation link by `email` or `sms` (`profile.phoneNumber`)."""
    if channel not in ("email", "sms"):
        raise not_found(f"Resource not found: {channel}")
    given = factor_input(request, body or FactorBody())
    with ctx.store.transaction() as db:
        user, factor = _user_factor(db, uid, fid)
        user_factors.send_activation(ctx, db, user, factor, channel, given)
        return _factor_response(ctx, request, factor)


@router.post(paths.USER_FACTOR_RESEND)
def resend(
    request: Request, uid: str, fid: str, body: FactorBody | None = None, ctx: Context = Depends(get_context)
) -> JSONResponse:
    """sms/call: send the enrollment (or challenge) code again; 429 E0000109/E0000133 within 30 seconds."""
    given = factor_input(request, body or FactorBody())
    with ctx.store.transaction() as db:
        user, factor = _user_factor(db, uid, fid)
        user_factors.resend(ctx, db, user, factor, given)
        return _factor_response(ctx, request, factor)


@router.post(paths.USER_FACTOR_VERIFY)
def verify_factor(
    request: Request,
    uid: str,
    fid: str,
    body: FactorBody | None = None,
    ctx: Context = Depends(get_context),
) -> JSONResponse:
    """`{passCode}` / `{answer}` → `{factorResult: SUCCESS}`; no answer: sms/call send a code (CHALLENGE), a
    push is sent (201 WAITING with a `poll` link to its transaction); wrong: 403 E0000068."""
    given = factor_input(request, body or FactorBody())
    links = Links(request)
    with ctx.store.transaction() as db:
        user, factor = _user_factor(db, uid, fid)
        outcome = user_factors.verify(ctx, db, user, factor, given)
        body_out = _result_body(links, factor, outcome)
    status = 201 if outcome.push_id is not None and outcome.result == "WAITING" else 200
    return JSONResponse(body_out, status_code=status, headers=NO_STORE)


@router.get(paths.USER_FACTOR_TRANSACTION)
def push_transaction(
    request: Request, uid: str, fid: str, tid: str, ctx: Context = Depends(get_context)
) -> JSONResponse:
    """A push verification: WAITING, SUCCESS, REJECTED or TIMEOUT."""
    links = Links(request)
    with ctx.store.transaction() as db:
        user, factor = _user_factor(db, uid, fid)
        outcome = user_factors.push_transaction(ctx, db, user, factor, tid)
        body = _result_body(links, factor, outcome)
    return JSONResponse(body, headers=NO_STORE)


@router.delete(paths.USER_FACTOR_TRANSACTION, status_code=204)
def cancel_push_transaction(uid: str, fid: str, tid: str, ctx: Context = Depends(get_context)) -> Response:
    """Cancel a waiting push (its `cancel` link); a later poll answers TIMEOUT."""
    with ctx.store.transaction() as db:
        user = _user(db, uid)
        user_factors.cancel_push_transaction(ctx, db, user, user_factors.find(db, user, fid), tid)
    return Response(status_code=204)
