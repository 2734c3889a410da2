"""TRAQS portal logic (plain Python over the store and the clock): who is signed in, CSRF tokens, and the
"API access" refresh tokens a user issues for scripts (client `traqs-api`).

ASSUMPTION: FINRA's "Acquiring the Refresh Token in TRAQS" section could not be read. The page here shows
the token once, lists the user's tokens and revokes them; a token carries `openid offline_access` and the
data scope (`Settings.oauth_data_scope`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.csrf import csrf_token
from mockfinra.errors import ClientError
from mockfinra.identity.core.sessions import get_active_session
from mockfinra.identity.oidc.clients import API_CLIENT_ID
from mockfinra.identity.oidc.refresh import (
    LABEL_MAX,
    issue_refresh_token,
    refresh_token_problem,
    revoke_refresh_token,
)
from mockfinra.store.oauth import RefreshToken, refresh_tokens_of
from mockfinra.store.sessions import WebSession
from mockfinra.store.users import User, get_user
from mockfinra.traqs.ntf_window import banner_for
from mockfinra.traqs.profile import (
    ACCESS_TYPES,
    access_of,
    firm_of,
    is_order_form_admin,
)

#: the example file per facility on the API access page (codes of data/catalogue.toml)
EXAMPLE_FILES = {"ORF": "EQUITYMASTERAC", "TRACE": "CAMASTER", "ADF": "ADFMASTER", "TRF": "TRFMASTER"}


@dataclass
class SignedIn:
    session: WebSession
    user: User


def user_view(user: User) -> dict[str, Any]:
    """What the TRAQS layout and pages show of the signed-in user."""
    return {
        "login": user.login,
        "name": f"{user.first_name} {user.last_name}".strip() or user.login,
        "entitlements": list(user.entitlements),
        "firm": firm_of(user),
        "access": [ACCESS_TYPES[item] for item in access_of(user)],
        "order_form_admin": is_order_form_admin(user),
    }


def page_context(ctx: Context, db: Session, who: SignedIn, page: str) -> dict[str, Any]:
    """What every TRAQS page's layout needs: the user, the CSRF token, the current tab and the NTF banner."""
    return {
        "page": page,
        "user": user_view(who.user),
        "csrf": csrf_token(db, who.session.id),
        "ntf_banner": banner_for(ctx, db, who.user),
    }


def signed_in(ctx: Context, db: Session, sid: str | None) -> SignedIn | None:
    """The active session and its ACTIVE user behind a `sid` cookie, else None."""
    session = get_active_session(ctx, db, sid)
    user = get_user(db, session.user_id) if session else None
    if session is None or user is None or user.status != "ACTIVE":
        return None
    return SignedIn(session, user)


def issue_api_token(ctx: Context, db: Session, user: User, label: str) -> tuple[str, RefreshToken]:
    if ctx.era.api_access != "refresh_token":
        raise ClientError(
            403,
            f"Refresh tokens for the reference-data API are not available in the {ctx.era.name} era: scripts use "
            "the legacy download host with an NWSF user id, password and client certificate.",
            "mfa_api_not_available",
        )
    label = " ".join(label.split())
    if len(label) > LABEL_MAX:
        raise ClientError(400, f"The label is too long: at most {LABEL_MAX} characters.", "invalid_label")
    scopes = ["openid", "offline_access", ctx.settings.oauth_data_scope]
    return issue_refresh_token(ctx, db, user, API_CLIENT_ID, scopes, source="traqs", label=label, auth_time=ctx.clock.now())


def own_token(db: Session, user: User, token_id: str) -> RefreshToken:
    row = db.get(RefreshToken, token_id)
    if row is None or row.user_id != user.id:
        raise ClientError(404, f"No refresh token '{token_id}' of yours was found.", "not_found")
    return row


def revoke_api_token(ctx: Context, db: Session, user: User, token_id: str) -> RefreshToken:
    row = own_token(db, user, token_id)
    revoke_refresh_token(ctx, db, row)
    return row


def token_views(ctx: Context, db: Session, user: User) -> list[dict[str, Any]]:
    """The user's refresh tokens (from this page and from sign-ins with offline_access), newest first."""
    return [token_view(ctx, row) for row in refresh_tokens_of(db, user.id)]


def token_view(ctx: Context, row: RefreshToken) -> dict[str, Any]:
    problem = refresh_token_problem(ctx, row)
    return {
        "id": row.id,
        "label": row.label or ("issued on this page" if row.source == "traqs" else f"sign-in ({row.client_id})"),
        "prefix": f"{row.prefix}…" if row.prefix else "not recorded",
        "client_id": row.client_id,
        "scopes": " ".join(row.scopes),
        "created_at": _show(row.created_at),
        "expires_at": _show(row.expires_at),
        "last_used_at": _show(row.last_used_at) if row.last_used_at else "never",
        "status": "active" if problem is None else problem,
        "active": problem is None,
    }


def _show(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def example_file(entitlements: list[str]) -> tuple[str, str]:
    """(facility, file code) for the copy-paste examples: the user's first entitlement, else ORF."""
    facility = entitlements[0] if entitlements else "ORF"
    return facility, EXAMPLE_FILES.get(facility, "EQUITYMASTERAC")
