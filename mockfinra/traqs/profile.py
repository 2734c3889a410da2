"""The TRAQS facts kept on a user's profile: firm, web/API access and the order-form administrator flag.

ASSUMPTION: FINRA's entitlement data is not public. The firm is Okta's standard `organization` profile
attribute; `traqsAccess` (`WEB`, `API`) and `orderFormAdmin` (a boolean) are custom attributes of the
NASDAQ tenant's user schema, named here.
"""

from __future__ import annotations

from typing import Any

FIRM = "organization"
ACCESS = "traqsAccess"
ORDER_FORM_ADMIN = "orderFormAdmin"

#: access type → how pages name it
ACCESS_TYPES = {"WEB": "Web (TRAQS website)", "API": "API (reference-data downloads)"}


def firm_of(user: Any) -> str | None:
    firm = (user.profile_extra or {}).get(FIRM)
    return " ".join(firm.split()) if isinstance(firm, str) and firm.strip() else None


def access_of(user: Any) -> list[str]:
    value = (user.profile_extra or {}).get(ACCESS)
    items = value if isinstance(value, list) else []
    return [item for item in ACCESS_TYPES if item in items]


def is_order_form_admin(user: Any) -> bool:
    value = (user.profile_extra or {}).get(ORDER_FORM_ADMIN)
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def firm_key(user: Any) -> str:
    """What groups users of one firm (case and spacing ignored); a user without a firm stands alone."""
    firm = firm_of(user)
    return key_of_firm(firm) if firm else f"user:{user.login_key}"


def key_of_firm(firm: str) -> str:
    return "firm:" + " ".join(firm.split()).casefold()
