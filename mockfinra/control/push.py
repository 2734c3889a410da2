"""`/_mock/push`: play the user's Okta Verify app — see pending pushes, approve or deny them, and complete
pending Okta Verify enrollments (the "scan the QR code" step)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, ConfigDict

from mockfinra.admin import require_admin
from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import ClientError
from mockfinra.identity.core import okta_verify
from mockfinra.store.pushes import Push, get_push
from mockfinra.store.users import Factor, User


def push_json(push: Push) -> dict[str, Any]:
    return {
        "id": push.id,
        "login": push.login,
        "userId": push.user_id,
        "factorId": push.factor_id,
        "status": push.status,
        "policy": push.policy,
        "numberChallenge": push.correct_answer is not None,
        "correctAnswer": push.correct_answer,
        "choices": list(push.choices or []),
        "clientIp": push.client_ip,
        "userAgent": push.user_agent,
        "city": push.city,
        "createdAt": isoformat_z(push.created_at),
        "expiresAt": isoformat_z(push.expires_at),
        "resolvedAt": isoformat_z(push.resolved_at) if push.resolved_at else None,
    }


def enrollment_json(ctx: Context, factor: Factor, user: User) -> dict[str, Any]:
    expires = okta_verify.activation_expires_at(factor)
    return {
        "factorId": factor.id,
        "login": user.login,
        "userId": user.id,
        "status": okta_verify.activation_state(ctx, factor),
        "createdAt": isoformat_z(factor.created_at),
        "expiresAt": isoformat_z(expires) if expires else None,
        "activationUri": okta_verify.enrollment_uri(ctx, factor, user),
    }


router = APIRouter(prefix="/push", tags=["push"], dependencies=[Depends(require_admin)])

LOGIN = Query(None, description="only this user's (login, any case)")
STATUS = Query("PENDING", description="PENDING (default), APPROVED, REJECTED, TIMEOUT, CANCELLED or ALL")


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid")
    #: the number the sign-in shows (number challenge); a number or its digits
    answer: int | str | None = None


@router.get("")
def list_pushes(
    ctx: Context = Depends(get_context),
    login: str | None = LOGIN,
    status: Literal["PENDING", "APPROVED", "REJECTED", "TIMEOUT", "CANCELLED", "ALL", "pending", "all"] = STATUS,
) -> list[dict[str, Any]]:
    """Pushes sent to the virtual Okta Verify app, newest first (pending ones by default)."""
    wanted = None if status.upper() == "ALL" else status.upper()
    with ctx.store.transaction() as db:
        return [push_json(p) for p in okta_verify.list_pushes(ctx, db, login, wanted)]


@router.get("/enrollments")
def list_enrollments(ctx: Context = Depends(get_context), login: str | None = LOGIN) -> list[dict[str, Any]]:
    """Okta Verify enrollments waiting for the device to scan their QR code."""
    with ctx.store.transaction() as db:
        return [enrollment_json(ctx, f, u) for f, u in okta_verify.pending_enrollments(ctx, db, login)]


@router.post("/enrollments/{factor_id}/activate")
def activate_enrollment(factor_id: str, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """The device enrolls: the sign-in's next activation poll answers SUCCESS. 404 unknown, 409 not waiting."""
    with ctx.store.transaction() as db:
        factor, user = okta_verify.activate_enrollment(ctx, db, factor_id)
        return enrollment_json(ctx, factor, user)


@router.get("/{push_id}")
def one(push_id: str, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    with ctx.store.transaction() as db:
        push = get_push(db, push_id)
        if push is None:
            raise ClientError(404, f"No push with id {push_id!r}.", "not_found")
        return push_json(okta_verify.refresh(ctx, push))


@router.post("/{push_id}/approve")
def approve(
    push_id: str, ctx: Context = Depends(get_context), body: Approval | None = Body(None)
) -> dict[str, Any]:
    """Approve (with `{"answer": n}` under a number challenge). 404 unknown, 409 not pending."""
    answer = body.answer if body is not None else None
    with ctx.store.transaction() as db:
        return push_json(okta_verify.approve(ctx, db, push_id, answer))


@router.post("/{push_id}/deny")
def deny(push_id: str, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """Deny: the sign-in's next poll answers REJECTED. 404 unknown, 409 not pending."""
    with ctx.store.transaction() as db:
        return push_json(okta_verify.deny(ctx, db, push_id))
