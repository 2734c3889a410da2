"""User lifecycle operations (Okta's `/lifecycle/...`): which are allowed in which status, and what each does.

Plain Python over the store and the clock.
"""

from __future__ import annotations

import secrets
import string
from typing import Callable

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.errors import OktaError, validation_error
from mockfinra.identity.core import account, recovery
from mockfinra.identity.core.passwords import policy_violations
from mockfinra.identity.core.users import (
    issue_activation_token,
    normalise_answer,
    send_invitation,
    set_password,
    set_recovery_question,
    set_status,
)
from mockfinra.security import verify_secret
from mockfinra.store.users import USER_STATUSES, User

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
    "reset_password": ("resetPassword", frozenset({"ACTIVE", "PASSWORD_EXPIRED", "LOCKED_OUT", "RECOVERY"})),
}
#: statuses in which a user's own credentials may change (`/credentials/...`)
CREDENTIAL_STATUSES = frozenset({"ACTIVE", "PASSWORD_EXPIRED", "RECOVERY"})


def allowed(operation: str, user: User) -> bool:
    """Whether a lifecycle operation is allowed in the user's status (also decides the user's links)."""
    if user.status not in LIFECYCLE[operation][1]:
        return False
    if operation == "expire_password":
        return user.password_hash is not None
    if operation == "reset_factors":
        return bool(user.factors)
    return True


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


def reset_password(ctx: Context, db: Session, user: User, *, send_email: bool, base_url: str) -> str | None:
    """→ RECOVERY with a one-time reset link: emailed (`send_email`) or returned. The password still works
    until the link is used (ASSUMPTION: as Okta, which only invalidates it with `revokeSessions`)."""
    _require("reset_password", user)
    set_status(ctx, user, "RECOVERY")
    if send_email:
        recovery.send_link(ctx, db, user, "PASSWORD", None, base_url)
        return None
    return recovery.issue_link(ctx, db, user, "PASSWORD", None, base_url)[0]


def forgot_password(ctx: Context, db: Session, user: User, *, send_email: bool, base_url: str) -> str | None:
    """A reset link as the user's own "forgot password" would send (the status does not change)."""
    _require_credentials(user)
    if send_email:
        recovery.send_link(ctx, db, user, "PASSWORD", None, base_url)
        return None
    return recovery.issue_link(ctx, db, user, "PASSWORD", None, base_url)[0]


def forgot_password_with_answer(ctx: Context, user: User, answer: str | None, new_password: str | None) -> None:
    """A new password set with the recovery question's answer instead of the old password; 403 E0000087
    when the answer is wrong, E0000014 (with the policy's causes) when the password is refused."""

    _require_credentials(user)
    if not new_password:
        raise validation_error("password", ["password.value: the new password is required"])
    if not user.recovery_answer_hash or not verify_secret(normalise_answer(answer or ""), user.recovery_answer_hash):
        raise OktaError("E0000087")
    problems = [f"password: {problem}" for problem in policy_violations(new_password, user.login, ctx.settings)]
    if problems:
        raise OktaError("E0000014", causes=problems)
    set_password(ctx, user, new_password)
    if user.status != "ACTIVE":
        set_status(ctx, user, "ACTIVE")


def change_password(ctx: Context, user: User, old: str | None, new: str | None) -> None:
    """The admin's `/credentials/change_password`: the old password must match (403 E0000014)."""
    _require_credentials(user)
    if not old or not new:
        raise validation_error("password", ["oldPassword and newPassword: both are required"])
    account.change_password(ctx, user, old, new)
    if user.status == "PASSWORD_EXPIRED":
        set_status(ctx, user, "ACTIVE")


def change_recovery_question(
    ctx: Context, user: User, password: str | None, question: str | None, answer: str | None
) -> None:
    """A new recovery question, proven by the current password (403 E0000014 when it is wrong)."""

    _require_credentials(user)
    if not password or not verify_secret(password, user.password_hash):
        raise OktaError("E0000014", causes=["password: The credentials provided were incorrect."])
    set_recovery_question(user, question, answer, ctx.settings.hash_cost)
    user.last_updated_at = ctx.clock.now()


def _require_credentials(user: User) -> None:
    if user.status not in CREDENTIAL_STATUSES or user.password_hash is None:
        raise OktaError("E0000038")


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
