"""`POST /_mock/users` (one-call ready user) and `GET /_mock/users/{login}/totp` (the code an app shows now)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse

from mockfinra.admin import require_admin
from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import ClientError
from mockfinra.identity.core.provisioning import parse_user_spec, provision_user
from mockfinra.identity.core.users import send_invitation
from mockfinra.identity.hosted import WELCOME_PATH
from mockfinra.links import Links
from mockfinra.store.users import Factor, User, find_user_by_login

router = APIRouter(prefix="/users", dependencies=[Depends(require_admin)], tags=["control"])

TOTP = "token:software:totp"


def user_summary(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "login": user.login,
        "status": user.status,
        "created": isoformat_z(user.created_at),
        "profile": {
            "login": user.login,
            "email": user.email,
            "firstName": user.first_name,
            "lastName": user.last_name,
            "mobilePhone": user.mobile_phone,
            "entitlements": list(user.entitlements),
        },
    }


@router.post("", status_code=201)
def create_user(
    request: Request,
    raw: Any = Body(...),
    send_email: bool = Query(
        False, alias="sendEmail", description="send a PROVISIONED user the invitation email (as Okta's activate)"
    ),
    ctx: Context = Depends(get_context),
) -> JSONResponse:
    """Create a ready user with factors. 201 with the user, each factor's id and secret and, for a
    PROVISIONED user, the activation link (also emailed to the user with `?sendEmail=true`)."""
    spec = parse_user_spec(raw)
    links = Links(request)
    with ctx.store.transaction() as db:
        result = provision_user(ctx, db, spec)
        token = result["activationToken"]
        url = links.url(WELCOME_PATH.format(token=token)) if token else None
        if url and send_email:
            db.flush()
            send_invitation(ctx, db, result["user"], url)
        body: dict[str, Any] = {"user": user_summary(result["user"]), "factors": result["factors"]}
    if token:
        body["activationToken"] = token
        body["activationUrl"] = url
        body["invitationSent"] = send_email
    return JSONResponse(body, status_code=201)


def _totp_factor(user: User, provider: str | None) -> Factor | None:
    """The user's TOTP factor for `provider` (any when None), preferring an ACTIVE one."""
    candidates = [
        f
        for f in user.factors
        if f.factor_type == TOTP
        and f.status in ("ACTIVE", "PENDING_ACTIVATION")
        and (provider is None or f.provider == provider)
    ]
    candidates.sort(key=lambda f: f.status != "ACTIVE")
    return candidates[0] if candidates else None


@router.get("/{login}/totp")
def totp_code(
    login: str,
    provider: Literal["GOOGLE", "OKTA", "google", "okta"] | None = None,
    ctx: Context = Depends(get_context),
) -> dict[str, Any]:
    """`{code, secondsRemaining, step, provider, factorId, status}` at mock time."""
    from mockfinra.identity.core.factors.totp import current_code

    wanted = provider.upper() if provider else None
    with ctx.store.transaction() as db:
        user = find_user_by_login(db, login)
        if user is None:
            raise ClientError(404, f"No user with login '{login}'.", "not_found")
        factor = _totp_factor(user, wanted)
        if factor is None:
            which = f"{wanted} " if wanted else ""
            raise ClientError(404, f"User '{login}' has no {which}TOTP factor.", "not_found")
        return {
            **current_code(ctx, factor),
            "provider": factor.provider,
            "factorId": factor.id,
            "status": factor.status,
        }
