"""User accounts: creation, profile, passwords, activation, lifecycle and the Okta user JSON.

Plain Python over the store and the clock. The Users API (`identity/users_api.py`) and the control plane
call these; routers only translate to and from the wire.
"""

from __future__ import annotations

import re
import secrets
import string
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable

from sqlalchemy.orm import Session

from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.errors import OktaError, validation_error
from mockfinra.identity.core.passwords import policy_violations
from mockfinra.links import Links
from mockfinra.security import digest, hash_secret, new_id, new_token
from mockfinra.store.users import ENTITLEMENTS, USER_STATUSES, User, find_user_by_login

ACTIVATION_TOKEN_TTL = timedelta(days=7)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: The one user type of the org (Okta shows `type: {id}` on every user).
USER_TYPE_ID = "oty1mockfinraDefault"
OKTA_PROVIDER = {"type": "OKTA", "name": "OKTA"}

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


# --- lifecycle ----------------------------------------------------------------------------------------

#: operation → (link relation, statuses it is allowed from)
LIFECYCLE: dict[str, tuple[str, frozenset[str]]] = {
    "activate": ("activate", frozenset({"STAGED", "DEPROVISIONED"})),
    "reactivate": ("reactivate", frozenset({"PROVISIONED", "RECOVERY"})),
    "deactivate": ("deactivate", frozenset(set(USER_STATUSES) - {"DEPROVISIONED"})),
    "suspend": ("suspend", frozenset({"ACTIVE"})),
    "unsuspend": ("unsuspend", frozenset({"SUSPENDED"})),
    "unlock": ("unlock", frozenset({"LOCKED_OUT"})),
    "expire_password": ("expirePassword", frozenset({"ACTIVE", "PASSWORD_EXPIRED", "RECOVERY"})),
    "reset_factors": ("resetFactors", frozenset(set(USER_STATUSES) - {"DEPROVISIONED", "STAGED"})),
}


def allowed(operation: str, user: User) -> bool:
    """Whether a lifecycle operation is allowed in the user's status (also decides the user's links)."""
    if user.status not in LIFECYCLE[operation][1]:
        return False
    if operation == "expire_password":
        return user.password_hash is not None
    if operation == "reset_factors":
        return bool(user.factors)
    return True


def set_status(ctx: Context, user: User, status: str) -> None:
    now = ctx.clock.now()
    user.status = status
    user.status_changed_at = now
    user.last_updated_at = now


def activate_user(
    ctx: Context, db: Session, user: User, *, send_email: bool, welcome_url: Callable[[str], str]
) -> dict[str, str]:
    """STAGED/DEPROVISIONED → ACTIVE (has a password) or PROVISIONED (must finish the welcome flow)."""
    if user.status not in LIFECYCLE["activate"][1]:
        # ASSUMPTION: Okta answers E0000016 for every status other than STAGED and DEPROVISIONED.
        raise OktaError("E0000016")
    now = ctx.clock.now()
    if user.password_hash is not None:
        set_status(ctx, user, "ACTIVE")
        user.activated_at = now
        user.failed_password_attempts = 0
        user.failed_factor_attempts = 0
        user.locked_at = None
        if send_email:
            # ASSUMPTION: a user who already has a password gets no invitation (Okta: "do not send a
            # one-time activation token when activating users with an assigned password").
            return {}
    else:
        set_status(ctx, user, "PROVISIONED")
    return _invite(ctx, db, user, send_email, welcome_url)


def reactivate_user(
    ctx: Context, db: Session, user: User, *, send_email: bool, welcome_url: Callable[[str], str]
) -> dict[str, str]:
    """PROVISIONED/RECOVERY: restart the activation with a new token (the old link stops working)."""
    _require("reactivate", user)
    if user.status != "PROVISIONED":
        set_status(ctx, user, "PROVISIONED")
    return _invite(ctx, db, user, send_email, welcome_url)


def _invite(
    ctx: Context, db: Session, user: User, send_email: bool, welcome_url: Callable[[str], str]
) -> dict[str, str]:
    token = issue_activation_token(ctx, user)
    url = welcome_url(token)
    if send_email:
        send_invitation(ctx, db, user, url)
        return {}
    return {"activationUrl": url, "activationToken": token}


def send_invitation(ctx: Context, db: Session, user: User, activation_url: str) -> None:
    """Capture the invitation email (the link is extracted into the message's `link`)."""
    from mockfinra.outbox.messages import record

    expires = user.activation_expires_at or ctx.clock.now() + ACTIVATION_TOKEN_TTL
    greeting = f"Hello {user.first_name}," if user.first_name else "Hello,"
    body = (
        f"{greeting}\n\n"
        "An account has been created for you on the NASDAQ MFA service, which protects FINRA TRAQS "
        "and the reference-data API in the NTF (NASDAQ Testing Facility) environment.\n\n"
        f"Your username is {user.login}\n\n"
        "To activate your account, open the link below, choose a password and a security question, "
        "and enroll a second factor:\n\n"
        f"{activation_url}\n\n"
        f"This link expires at {isoformat_z(expires)}.\n\n"
        "-- NASDAQ MFA service (NTF), emulated by mockfinra\n"
    )
    record(
        db,
        ctx.clock,
        ctx.outbox,
        channel="email",
        to=user.email,
        subject="Welcome to the NASDAQ MFA service (NTF)",
        body=body,
        link=activation_url,
        meta={"kind": "activation", "userId": user.id},
    )


def deactivate_user(ctx: Context, db: Session, user: User) -> None:
    """Any status but DEPROVISIONED → DEPROVISIONED; the user's sessions end."""
    from mockfinra.identity.core.sessions import end_user_sessions

    _require("deactivate", user)
    set_status(ctx, user, "DEPROVISIONED")
    user.activation_token_digest = None
    user.activation_expires_at = None
    end_user_sessions(db, user.id)


def suspend_user(ctx: Context, db: Session, user: User) -> None:
    """ACTIVE → SUSPENDED (Okta documents 400 E0000001 for any other status)."""
    from mockfinra.identity.core.sessions import end_user_sessions

    if user.status != "ACTIVE":
        raise validation_error("user", [f"Cannot suspend a user whose status is {user.status}."])
    set_status(ctx, user, "SUSPENDED")
    end_user_sessions(db, user.id)


def unsuspend_user(ctx: Context, user: User) -> None:
    """SUSPENDED → ACTIVE (Okta documents 400 E0000001 for any other status)."""
    if user.status != "SUSPENDED":
        raise validation_error("user", [f"Cannot unsuspend a user whose status is {user.status}."])
    set_status(ctx, user, "ACTIVE")


def unlock_user(ctx: Context, user: User) -> None:
    """LOCKED_OUT → ACTIVE with the failed-attempt counters reset; any other status is E0000032."""
    if user.status != "LOCKED_OUT":
        raise OktaError("E0000032", causes=["The user is not locked out."])
    set_status(ctx, user, "ACTIVE")
    user.failed_password_attempts = 0
    user.failed_factor_attempts = 0
    user.locked_at = None


def expire_password(ctx: Context, user: User, *, temp_password: bool) -> str | None:
    """→ PASSWORD_EXPIRED: the next sign-in must change the password. With `temp_password` the password
    is first replaced by a random one, which is returned."""
    _require("expire_password", user)
    if user.password_hash is None:
        raise OktaError("E0000038", causes=["The user has no password to expire."])
    temporary = None
    if temp_password:
        temporary = _temporary_password(ctx, user.login)
        set_password(ctx, user, temporary)
    set_status(ctx, user, "PASSWORD_EXPIRED")
    return temporary


def _temporary_password(ctx: Context, login: str) -> str:
    settings = ctx.settings
    length = max(settings.password_min_length, 12)
    alphabet = string.ascii_letters + string.digits
    while True:
        chars = [secrets.choice(string.ascii_lowercase) for _ in range(max(settings.password_min_lower, 1))]
        chars += [secrets.choice(string.ascii_uppercase) for _ in range(max(settings.password_min_upper, 1))]
        chars += [secrets.choice(string.digits) for _ in range(max(settings.password_min_number, 1))]
        chars += [secrets.choice("!#%*+-=?") for _ in range(settings.password_min_symbol)]
        chars += [secrets.choice(alphabet) for _ in range(max(0, length - len(chars)))]
        secrets.SystemRandom().shuffle(chars)
        candidate = "".join(chars)
        if not policy_violations(candidate, login, settings):
            return candidate


def reset_factors(ctx: Context, db: Session, user: User) -> None:
    """Remove every enrolled factor (the user enrolls again at the next sign-in)."""
    if user.status not in LIFECYCLE["reset_factors"][1]:
        raise OktaError("E0000038")
    user.factors.clear()  # delete-orphan: the rows go at flush
    user.failed_factor_attempts = 0
    user.last_updated_at = ctx.clock.now()


def delete_user(ctx: Context, db: Session, user: User) -> bool:
    """Okta's DELETE: the first call deactivates, a call on a DEPROVISIONED user deletes. True if deleted."""
    if user.status != "DEPROVISIONED":
        deactivate_user(ctx, db, user)
        return False
    db.delete(user)
    db.flush()
    return True


def _require(operation: str, user: User) -> None:
    if user.status not in LIFECYCLE[operation][1]:
        raise OktaError("E0000038")


# --- the Okta user JSON -------------------------------------------------------------------------------


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
    base = f"/api/v1/users/{user.id}"
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
            {"self": links.hal(f"/api/v1/users/{user.id}", method=None)}
            if collection
            else user_links(user, links)
        ),
    }
