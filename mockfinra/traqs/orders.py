"""The mock FINRA Order Form (plain Python over the store and the clock): an order-form administrator
requests a user; the user is created PROVISIONED and invited to the NASDAQ MFA service by email.

ASSUMPTION: what FINRA's real order form asks is not public. This one asks for the person's first and last
name, email (the user's login), firm, products (TRACE, ADF, ORF, TRF: the user's entitlements) and access
(web and/or API), keeps the firm and access on the user's profile, and lists the requests of the
administrator's firm. It creates the user at once (the real form is processed by FINRA staff).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.errors import ClientError, OktaError
from mockfinra.identity.core.lifecycle import reactivate_user
from mockfinra.identity.core.users import create_user, issue_activation_token, send_invitation
from mockfinra.security import new_id
from mockfinra.store.orders import OrderRequest, order_requests_of
from mockfinra.store.users import ENTITLEMENTS, User, find_user_by_login, get_user
from mockfinra.traqs.profile import ACCESS, ACCESS_TYPES, FIRM, firm_key, firm_of

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_MAX = 50
FIRM_MAX = 100
EMAIL_MAX = 100

#: user status → what the request list says
STATUS_WORDS = {
    "ACTIVE": "active",
    "PASSWORD_EXPIRED": "active (password expired)",
    "RECOVERY": "active (password reset pending)",
    "LOCKED_OUT": "locked out",
    "SUSPENDED": "suspended",
    "DEPROVISIONED": "deactivated",
    "STAGED": "not invited",
}


@dataclass
class OrderForm:
    """What the administrator typed (kept to show the form again after a mistake)."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    firm: str = ""
    products: list[str] = field(default_factory=list)
    access: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> "OrderForm":
        def text(name: str) -> str:
            value = raw.get(name)
            return " ".join(value.split()) if isinstance(value, str) else ""

        def choices(name: str) -> list[str]:
            values = raw.get(name) or []
            return [value.strip().upper() for value in values if isinstance(value, str) and value.strip()]

        return cls(
            first_name=text("first_name"),
            last_name=text("last_name"),
            email=text("email"),
            firm=text("firm"),
            products=list(dict.fromkeys(choices("products"))),
            access=list(dict.fromkeys(choices("access"))),
        )

    def problems(self) -> list[str]:
        found = []
        for label, value in (("First name", self.first_name), ("Last name", self.last_name)):
            if not value:
                found.append(f"{label} is required.")
            elif len(value) > NAME_MAX:
                found.append(f"{label} is too long: at most {NAME_MAX} characters.")
        if not self.email:
            found.append("Email is required: it becomes the user's username.")
        elif not _EMAIL.match(self.email) or not 5 <= len(self.email) <= EMAIL_MAX:
            found.append(f"Email '{self.email}' is not an email address (name@example.com, at most {EMAIL_MAX} characters).")
        if not self.firm:
            found.append("Firm is required.")
        elif len(self.firm) > FIRM_MAX:
            found.append(f"Firm is too long: at most {FIRM_MAX} characters.")
        unknown = [p for p in self.products if p not in ENTITLEMENTS]
        if unknown:
            found.append(f"Unknown product {unknown[0]}: choose from {', '.join(ENTITLEMENTS)}.")
        elif not self.products:
            found.append("Choose at least one product (TRACE, ADF, ORF or TRF).")
        unknown = [a for a in self.access if a not in ACCESS_TYPES]
        if unknown:
            found.append(f"Unknown access type {unknown[0]}: choose web and/or API access.")
        elif not self.access:
            found.append("Choose web access, API access or both.")
        return found


class OrderFormInvalid(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def request_user(
    ctx: Context, db: Session, admin: User, form: OrderForm, welcome_url: Callable[[str], str]
) -> OrderRequest:
    """Create the requested user PROVISIONED, email the invitation and record the request."""
    problems = form.problems()
    if not problems and find_user_by_login(db, form.email) is not None:
        problems.append(f"A user with the email {form.email} already exists.")
    if problems:
        raise OrderFormInvalid(problems)
    try:
        user = create_user(
            ctx,
            db,
            login=form.email,
            email=form.email,
            first_name=form.first_name,
            last_name=form.last_name,
            entitlements=form.products,
            status="PROVISIONED",
            profile_extra={FIRM: form.firm, ACCESS: list(form.access)},
        )
    except OktaError as error:  # a rule of the user directory the form does not check itself
        raise OrderFormInvalid([cause.split(": ", 1)[-1] for cause in error.causes] or [error.summary]) from None
    send_invitation(ctx, db, user, welcome_url(issue_activation_token(ctx, user)))
    now = ctx.clock.now()
    order = OrderRequest(
        id=new_id("ord"),
        user_id=user.id,
        login=user.login,
        first_name=form.first_name,
        last_name=form.last_name,
        firm=form.firm,
        entitlements=list(user.entitlements),
        access=list(form.access),
        requested_by=admin.login,
        owner_key=firm_key(admin),
        created_at=now,
        invitations_sent=1,
        last_invited_at=now,
    )
    db.add(order)
    db.flush()
    return order


def resend_invitation(
    ctx: Context, db: Session, admin: User, order_id: str, welcome_url: Callable[[str], str]
) -> OrderRequest:
    """A new activation token and email (the old link stops working); only while the user is invited."""
    order = db.get(OrderRequest, order_id)
    if order is None or order.owner_key != firm_key(admin):
        raise ClientError(404, "No such order-form request of your firm.", "not_found")
    user = get_user(db, order.user_id) if order.user_id else None
    if user is None or user.status != "PROVISIONED":
        state = STATUS_WORDS.get(user.status, user.status.lower()) if user else "removed"
        raise ClientError(409, f"{order.login} is {state}: only a pending invitation can be sent again.", "not_invited")
    reactivate_user(ctx, db, user, send_email=True, welcome_url=welcome_url)
    order.invitations_sent += 1
    order.last_invited_at = ctx.clock.now()
    return order


def request_views(ctx: Context, db: Session, admin: User) -> list[dict[str, Any]]:
    """The requests of the administrator's firm, newest first, each with the user's status now."""
    now = ctx.clock.now()
    rows = []
    for order in order_requests_of(db, firm_key(admin)):
        user = get_user(db, order.user_id) if order.user_id else None
        if user is None:
            status, key = "user removed", "removed"
        elif user.status == "PROVISIONED":
            expired = user.activation_expires_at is None or user.activation_expires_at <= now
            status, key = ("expired invitation", "expired") if expired else ("invited", "invited")
        else:
            status = STATUS_WORDS.get(user.status, user.status.lower())
            key = "active" if user.status == "ACTIVE" else "other"
        rows.append(
            {
                "id": order.id,
                "name": f"{order.first_name} {order.last_name}",
                "login": order.login,
                "firm": order.firm,
                "products": ", ".join(order.entitlements),
                "access": " and ".join("web" if a == "WEB" else "API" for a in order.access),
                "requested_by": order.requested_by,
                "requested_at": _show(order.created_at),
                "invited_at": _show(order.last_invited_at),
                "invitations": order.invitations_sent,
                "expires_at": _show(user.activation_expires_at) if key == "invited" and user and user.activation_expires_at else None,
                "status": status,
                "status_key": key,
                "can_resend": user is not None and user.status == "PROVISIONED",
            }
        )
    return rows


def blank_form(admin: User) -> OrderForm:
    """A new form: the administrator's firm filled in, web access ticked."""
    return OrderForm(firm=firm_of(admin) or "", access=["WEB"])


def _show(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")

