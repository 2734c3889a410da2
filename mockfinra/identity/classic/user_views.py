"""The Okta user object on the wire: the JSON of `/api/v1/users` and the `credentials` it accepts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockfinra.clock import isoformat_z
from mockfinra.errors import validation_error
from mockfinra.identity.classic import paths
from mockfinra.identity.core.lifecycle import LIFECYCLE, allowed
from mockfinra.links import Links
from mockfinra.store.users import User

#: The one user type of the org (Okta shows `type: {id}` on every user).
USER_TYPE_ID = "oty1mockfinraDefault"
OKTA_PROVIDER = {"type": "OKTA", "name": "OKTA"}


def parse_credentials(raw: Any) -> tuple[str | None, dict[str, Any] | None]:
    """`credentials` → (password value or None, recovery_question {question, answer} or None)."""
    if raw is None:
        return None, None
    if not isinstance(raw, dict):
        raise validation_error("credentials", ["credentials: must be an object"])
    password: str | None = None
    question: dict[str, Any] | None = None
    raw_password = raw.get("password")
    if raw_password is not None:
        if not isinstance(raw_password, dict):
            raise validation_error("password", ['password: must be an object {"value": "..."}'])
        if "hash" in raw_password or "hook" in raw_password:
            raise validation_error(
                "password", ["password: imported hashes and password hooks are not supported by mockfinra"]
            )
        value = raw_password.get("value")
        if value is not None:
            if not isinstance(value, str):
                raise validation_error("password", ["password.value: must be a string"])
            if len(value) > 72:
                raise validation_error("password", ["password.value: must be at most 72 characters"])
            password = value
    raw_question = raw.get("recovery_question")
    if raw_question is not None:
        if not isinstance(raw_question, dict) or not all(
            isinstance(raw_question.get(key), (str, type(None))) for key in ("question", "answer")
        ):
            raise validation_error(
                "recovery_question", ['recovery_question: must be an object {"question", "answer"}']
            )
        question = raw_question
    return password, question



def _when(moment: datetime | None) -> str | None:
    return isoformat_z(moment) if moment else None


def profile_json(user: User) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "login": user.login,
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "mobilePhone": user.mobile_phone,
        "entitlements": list(user.entitlements or []),
    }
    for key, value in (user.profile_extra or {}).items():
        profile.setdefault(key, value)
    return profile


def credentials_json(user: User) -> dict[str, Any]:
    """What Okta shows of the credentials: that a password exists, the question; never a secret."""
    credentials: dict[str, Any] = {}
    if user.password_hash:
        credentials["password"] = {}
    if user.recovery_question:
        credentials["recovery_question"] = {"question": user.recovery_question}
    credentials["provider"] = dict(OKTA_PROVIDER)
    return credentials


def user_links(user: User, links: Links) -> dict[str, Any]:
    """The link relations allowed in the user's current status (Okta: lifecycle operations + self)."""
    base = paths.USER.format(uid=user.id)
    out: dict[str, Any] = {}
    for operation, (relation, _statuses) in LIFECYCLE.items():
        if allowed(operation, user):
            out[relation] = links.hal(f"{base}/lifecycle/{operation}", "POST")
    out["self"] = links.hal(base, method=None)
    return out


def user_json(user: User, links: Links, *, collection: bool = False) -> dict[str, Any]:
    """The Okta user object. In a collection only the `self` link is given, as Okta does."""
    return {
        "id": user.id,
        "status": user.status,
        "created": _when(user.created_at),
        "activated": _when(user.activated_at),
        "statusChanged": _when(user.status_changed_at),
        "lastLogin": _when(user.last_login_at),
        "lastUpdated": _when(user.last_updated_at),
        "passwordChanged": _when(user.password_changed_at),
        "type": {"id": USER_TYPE_ID},
        "profile": profile_json(user),
        "credentials": credentials_json(user),
        "_links": (
            {"self": links.hal(paths.USER.format(uid=user.id), method=None)}
            if collection
            else user_links(user, links)
        ),
    }
