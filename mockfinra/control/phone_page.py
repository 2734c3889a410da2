"""The virtual phone for trainers: `GET /_mock/phone?login=…` shows a user's SMS and voice messages live,
their pending Okta Verify pushes (Approve / Deny, number challenge), pending Okta Verify enrollments and
their authenticator codes with a countdown.

The page itself holds no data (so it loads without the admin token); its script reads everything from the
control plane, sending the admin token as `X-Mock-Token` when one is configured.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from mockfinra.admin import require_admin
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.identity.core.phones import display
from mockfinra.pages import render
from mockfinra.store.users import User

router = APIRouter(prefix="/phone", tags=["phone"])

PHONE_TYPES = ("sms", "call")
TOTP = "token:software:totp"


def _device(user: User) -> dict[str, Any]:
    phones = []
    push = None
    totp = []
    for factor in user.factors:
        profile = factor.profile or {}
        if factor.factor_type in PHONE_TYPES and profile.get("phoneNumber"):
            phones.append(
                {
                    "factorType": factor.factor_type,
                    "factorId": factor.id,
                    "status": factor.status,
                    "phoneNumber": profile["phoneNumber"],
                    "display": display(profile["phoneNumber"]),
                    "extension": profile.get("phoneExtension"),
                }
            )
        elif factor.factor_type == "push":
            push = {"factorId": factor.id, "status": factor.status, "policy": factor.push_policy or "manual"}
        elif factor.factor_type == TOTP and factor.status in ("ACTIVE", "PENDING_ACTIVATION"):
            totp.append({"provider": factor.provider, "factorId": factor.id, "status": factor.status})
    return {
        "login": user.login,
        "name": f"{user.first_name} {user.last_name}".strip() or user.login,
        "email": user.email,
        "mobilePhone": user.mobile_phone,
        "phones": phones,
        "push": push,
        "totp": totp,
    }


@router.get("", response_class=HTMLResponse, include_in_schema=False)
def phone_page(request: Request, login: str | None = None) -> HTMLResponse:
    settings = request.app.state.settings
    return render(request, "phone/phone.html", login=login or "", admin_required=bool(settings.admin_token))


@router.get("/users", dependencies=[Depends(require_admin)])
def devices(ctx: Context = Depends(get_context)) -> list[dict[str, Any]]:
    """Every user with what their virtual phone holds: phone numbers, Okta Verify, authenticator codes."""
    with ctx.store.transaction() as db:
        users = db.scalars(select(User).order_by(User.login_key)).all()
        return [_device(user) for user in users]
