"""User accounts: creation, profile, credentials, activation tokens and the invitation.

Plain Python over the store and the clock. The lifecycle operations are in `lifecycle`; the Okta user JSON
is the classic API's (`identity/classic/user_views.py`).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Callable, Iterable

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.errors import validation_error
from mockfinra.identity.core.passwords import policy_violations
from mockfinra.security import digest, hash_secret, new_id, new_token
from mockfinra.store.users import ENTITLEMENTS, USER_STATUSES, User, find_user_by_login

ACTIVATION_TOKEN_TTL = timedelta(days=7)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: Profile attributes kept in their own columns (Okta name → User attribute).
CORE_PROFILE = {
    "login": "login",
    "email": "email",
    "firstName": "first_name",
    "lastName": "last_name",
    "mobilePhone": "mobile_phone",
    "entitlements": "entitlements",
}
REQUIRED_PROFILE = ("login", "email", "firstName", "lastName")
#: Okta's default profile schema (strings); they are kept in `User.profile_extra`.
# ASSUMPTION: the NASDAQ tenant uses Okta's default user schema plus the custom `entitlements` array.
STANDARD_PROFILE = frozenset(
    """
    secondEmail middleName honorificPrefix honorificSuffix title displayName nickName profileUrl primaryPhone
    streetAddress city state zipCode countryCode postalAddress preferredLanguage locale timezone timeZone
    userType employeeNumber costCenter organization division department managerId manager
    """.split()
)
_LENGTHS = {
    "login": (5, 100),
    "email": (5, 100),
    "firstName": (1, 50),
    "lastName": (1, 50),
    "mobilePhone": (0, 100),
}


# --- creation and credentials ------------------------------------------------------------------------


def check_entitlements(values: Iterable[Any]) -> list[str]:
    """Upper-cased, de-duplicated entitlements; E0000001 naming `entitlements` when one is unknown."""
    result: list[str] = []
    for value in values:
        name = str(value).strip().upper()
        if name not in ENTITLEMENTS:
            raise validation_error(
                "entitlements",
                [f"entitlements: '{value}' is not one of {', '.join(ENTITLEMENTS)}"],
            )
        if name not in result:
            result.append(name)
    return result


def check_password(ctx: Context, password: str, login: str, field: str = "password") -> None:
    problems = policy_violations(password, login, ctx.settings)
    if problems:
        raise validation_error(field, [f"{field}: {problem}" for problem in problems])


#: ASSUMPTION: the last name given to a user whose login's local part is one word (`trader@x` → Trader User)
DEFAULT_LAST_NAME = "User"


def derived_names(login: str) -> tuple[str, str]:
    """First and last name from a login's local part: `jane.doe@x` → (Jane, Doe), `mary-ann.van.dyke@x` →
    (Mary, Ann Van Dyke), `trader@x` → (Trader, User). Okta requires both names, and so do its SDKs' models."""
    words = [w for w in re.split(r"[._\-+\s]+", login.split("@", 1)[0]) if w]
    words = [w[:1].upper() + w[1:] for w in words] or ["User"]
    first, rest = words[0], words[1:]
    return first[:50], (" ".join(rest) or DEFAULT_LAST_NAME)[:50]


def create_user(
    ctx: Context,
    db: Session,
    *,
    login: str,
    email: str | None = None,
    first_name: str = "",
    last_name: str = "",
    entitlements: Iterable[Any] = (),
    password: str | None = None,
    recovery_question: str | None = None,
    recovery_answer: str | None = None,
    status: str = "STAGED",
    mobile_phone: str | None = None,
    profile_extra: dict[str, Any] | None = None,
    hash_cost: int | None = None,
) -> User:
    """Create a user after validating every field (E0000001 naming the field on failure).

    `hash_cost` overrides the configured scrypt cost (the seed uses a cheap cost: its passwords are
    published in `data/seed.toml`, so a slow hash would protect nothing and only slow the start).
    """
    login = (login or "").strip()
    if not _EMAIL.match(login):
        raise validation_error("login", ["login: Username must be in the form of an email address"])
    email = (email or login).strip()
    if not _EMAIL.match(email):
        raise validation_error("email", ["email: Does not match required pattern"])
    if status not in USER_STATUSES:
        raise validation_error("status", [f"status: must be one of {', '.join(USER_STATUSES)}"])
    if find_user_by_login(db, login) is not None:
        raise validation_error(
            "login", ["login: An object with this field already exists in the current organization"]
        )
    cost = hash_cost if hash_cost is not None else ctx.settings.hash_cost
    now = ctx.clock.now()
    if not (first_name or "").strip() or not (last_name or "").strip():
        derived_first, derived_last = derived_names(login)
        first_name = (first_name or "").strip() or derived_first
        last_name = (last_name or "").strip() or derived_last
    user = User(
        id=new_id("00u"),
        login=login,
        login_key=login.lower(),
        email=email,
        first_name=first_name or "",
        last_name=last_name or "",
        mobile_phone=mobile_phone,
        status=status,
        entitlements=check_entitlements(entitlements),
        profile_extra=dict(profile_extra or {}),
        created_at=now,
        last_updated_at=now,
        # Okta shows statusChanged null until the first transition out of STAGED.
        status_changed_at=None if status == "STAGED" else now,
        activated_at=now if status == "ACTIVE" else None,
        failed_password_attempts=0,
        failed_factor_attempts=0,
    )
    if password is not None:
        check_password(ctx, password, login)
        user.password_hash = hash_secret(password, cost)
        user.password_changed_at = now
    if recovery_question is not None or recovery_answer is not None:
        set_recovery_question(user, recovery_question, recovery_answer, cost)
    db.add(user)
    db.flush()
    return user


def set_recovery_question(user: User, question: str | None, answer: str | None, cost: int) -> None:
    question = (question or "").strip()
    answer = (answer or "").strip()
    if not question:
        raise validation_error("recovery_question", ["recovery_question.question: must not be empty"])
    if len(question) > 100:
        raise validation_error(
            "recovery_question", ["recovery_question.question: must be at most 100 characters"]
        )
    if len(answer) < 4:
        raise validation_error(
            "recovery_question", ["recovery_question.answer: must be at least 4 characters"]
        )
    user.recovery_question = question
    user.recovery_answer_hash = hash_secret(normalise_answer(answer), cost)


def normalise_answer(answer: str) -> str:
    """Answers compare case- and space-insensitively (ASSUMPTION; Okta documents no exact rule)."""
    return "".join(answer.split()).lower()


def set_password(ctx: Context, user: User, password: str, field: str = "password") -> None:
    check_password(ctx, password, user.login, field)
    now = ctx.clock.now()
    user.password_hash = hash_secret(password, ctx.settings.hash_cost)
    user.password_changed_at = now
    user.last_updated_at = now


def set_status(ctx: Context, user: User, status: str) -> None:
    now = ctx.clock.now()
    user.status = status
    user.status_changed_at = now
    user.last_updated_at = now


def issue_activation_token(ctx: Context, user: User) -> str:
    """A fresh activation token (the previous one stops working); returns the token itself."""
    token = new_token(nbytes=15)
    user.activation_token_digest = digest(token)
    user.activation_expires_at = ctx.clock.now() + ACTIVATION_TOKEN_TTL
    return token


# --- the profile as the Users API sends it ------------------------------------------------------------


def parse_profile(raw: Any, *, require_all: bool) -> dict[str, Any]:
    """Validate an Okta `profile` object; returns the attributes given, normalised.

    Every problem is reported at once: E0000001 with one cause per field. `require_all` is for create and
    PUT (the required attributes must be there); a partial update only checks what it is given.
    """
    if not isinstance(raw, dict):
        raise validation_error("profile", ["profile: must be an object"])
    causes: list[str] = []
    fields: list[str] = []

    def problem(field: str, message: str) -> None:
        fields.append(field)
        causes.append(f"{field}: {message}")

    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "entitlements":
            if value is None:
                values[key] = []
            elif not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                problem(key, "must be an array of strings")
            else:
                bad = [item for item in value if item.strip().upper() not in ENTITLEMENTS]
                if bad:
                    problem(key, f"'{bad[0]}' is not one of {', '.join(ENTITLEMENTS)}")
                else:
                    values[key] = check_entitlements(value)
        elif key in CORE_PROFILE or key in STANDARD_PROFILE:
            if value is not None and not isinstance(value, str):
                problem(key, "must be a string")
            else:
                values[key] = value.strip() if isinstance(value, str) else None
        else:
            problem(key, f"Property name '{key}' is not defined in the schema")
    for key in REQUIRED_PROFILE:
        if key in values and not values[key]:
            problem(key, "The field cannot be left blank")
        elif require_all and key not in values and key not in fields:
            problem(key, "The field cannot be left blank")
    for key, (low, high) in _LENGTHS.items():
        value = values.get(key)
        if value and not low <= len(value) <= high:
            problem(key, f"must be between {low} and {high} characters")
    if values.get("login") and not _EMAIL.match(values["login"]):
        problem("login", "Username must be in the form of an email address")
    if values.get("email") and not _EMAIL.match(values["email"]):
        problem("email", "Does not match required pattern")
    if causes:
        raise validation_error(", ".join(dict.fromkeys(fields)), causes)
    return values


def apply_profile(ctx: Context, db: Session, user: User, values: dict[str, Any], *, replace: bool) -> None:
    """Write parsed profile values. `replace` (PUT) clears every attribute not given."""
    login = values.get("login")
    if login and login.lower() != user.login_key:
        other = find_user_by_login(db, login)
        if other is not None and other.id != user.id:
            raise validation_error(
                "login", ["login: An object with this field already exists in the current organization"]
            )
        user.login = login
        user.login_key = login.lower()
    elif login:
        user.login = login
    for key in ("email", "firstName", "lastName"):
        if key in values:
            setattr(user, CORE_PROFILE[key], values[key])
    if "mobilePhone" in values or replace:
        user.mobile_phone = values.get("mobilePhone") or None
    if "entitlements" in values or replace:
        user.entitlements = list(values.get("entitlements") or [])
    extras = {key: value for key, value in values.items() if key not in CORE_PROFILE}
    if replace:
        user.profile_extra = extras
    else:
        merged = dict(user.profile_extra or {})
        merged.update(extras)
        user.profile_extra = merged
    user.last_updated_at = ctx.clock.now()


def register_user(
    ctx: Context,
    db: Session,
    *,
    profile: dict[str, Any],
    password: str | None,
    recovery: dict[str, Any] | None,
    activate: bool,
    expire_password: bool,
    welcome_url: Callable[[str], str],
) -> User:
    """`POST /api/v1/users`: STAGED without `activate`; with it ACTIVE when a password is given, else
    PROVISIONED with an invitation email (Okta's creation table)."""
    extras = {key: value for key, value in profile.items() if key not in CORE_PROFILE}
    status = "STAGED"
    if activate:
        status = "ACTIVE" if password is not None else "PROVISIONED"
    user = create_user(
        ctx,
        db,
        login=profile["login"],
        email=profile["email"],
        first_name=profile.get("firstName") or "",
        last_name=profile.get("lastName") or "",
        mobile_phone=profile.get("mobilePhone"),
        entitlements=profile.get("entitlements") or [],
        profile_extra=extras,
        password=password,
        recovery_question=recovery.get("question") if recovery else None,
        recovery_answer=recovery.get("answer") if recovery else None,
        status=status,
    )
    if status == "PROVISIONED":
        send_invitation(ctx, db, user, welcome_url(issue_activation_token(ctx, user)))
    elif status == "ACTIVE" and expire_password:
        set_status(ctx, user, "PASSWORD_EXPIRED")
    return user


def update_credentials(
    ctx: Context, user: User, password: str | None, recovery: dict[str, Any] | None
) -> None:
    """Admin set-password / set-recovery-question (no old credentials needed)."""
    if password is not None:
        set_password(ctx, user, password)
        # ASSUMPTION: an admin-set password ends a pending activation or an expired password (ACTIVE).
        if user.status in ("PROVISIONED", "PASSWORD_EXPIRED", "RECOVERY"):
            if user.status == "PROVISIONED":
                user.activated_at = ctx.clock.now()
                user.activation_token_digest = None
                user.activation_expires_at = None
            set_status(ctx, user, "ACTIVE")
    if recovery is not None:
        set_recovery_question(user, recovery.get("question"), recovery.get("answer"), ctx.settings.hash_cost)
        user.last_updated_at = ctx.clock.now()


def send_invitation(ctx: Context, db: Session, user: User, activation_url: str) -> None:
    """Capture the invitation email, Okta's activation email (text and HTML, the link and its expiry)."""
    from mockfinra.outbox import emails

    expires = user.activation_expires_at or ctx.clock.now() + ACTIVATION_TOKEN_TTL
    email = emails.activation(user.first_name, user.login, activation_url, expires)
    emails.send(db, ctx.clock, ctx.outbox, user.email, email, meta={"userId": user.id})

