"""Failed-attempt counters, lockout and auto-unlock (FINRA: locked after 5 failed sign-ins).

Callers raise their errors with `commit=True` so the counters persist although the request fails.
"""

from __future__ import annotations

from datetime import timedelta

from mockfinra.context import Context
from mockfinra.errors import OktaError
from mockfinra.store.users import User


def lock(ctx: Context, user: User) -> None:
    now = ctx.clock.now()
    user.status = "LOCKED_OUT"
    user.locked_at = now
    user.status_changed_at = now
    user.last_updated_at = now


def unlock(ctx: Context, user: User) -> None:
    """Back to ACTIVE with fresh counters (auto-unlock, or an administrator's unlock)."""
    now = ctx.clock.now()
    if user.status == "LOCKED_OUT":
        user.status = "ACTIVE"
        user.status_changed_at = now
    user.locked_at = None
    user.failed_password_attempts = 0
    user.failed_factor_attempts = 0
    user.last_updated_at = now


def auto_unlock(ctx: Context, user: User) -> None:
    """Unlock once `settings.lockout_auto_unlock_minutes` have passed on the mock clock (0 = never)."""
    minutes = ctx.settings.lockout_auto_unlock_minutes
    if user.status != "LOCKED_OUT" or minutes <= 0:
        return
    locked_at = user.locked_at or user.status_changed_at
    if locked_at is None or ctx.clock.now() >= locked_at + timedelta(minutes=minutes):
        unlock(ctx, user)


def is_locked(ctx: Context, user: User) -> bool:
    auto_unlock(ctx, user)
    return user.status == "LOCKED_OUT"


def password_threshold(ctx: Context) -> int:
    """Failed passwords that lock an account: the setting, else the era's (FINRA: 5 since 2023-10-30)."""
    configured = ctx.settings.lockout_threshold
    return ctx.era.lockout_threshold if configured is None else configured


def password_failed(ctx: Context, user: User) -> bool:
    """Count a wrong password; True when this attempt locked the account."""
    user.failed_password_attempts = (user.failed_password_attempts or 0) + 1
    threshold = password_threshold(ctx)
    if threshold > 0 and user.failed_password_attempts >= threshold:
        lock(ctx, user)
        return True
    return False


def factor_failed(ctx: Context, user: User) -> bool:
    """Count a wrong factor answer; True when this attempt locked the account."""
    user.failed_factor_attempts = (user.failed_factor_attempts or 0) + 1
    threshold = ctx.settings.factor_lockout_threshold
    if threshold > 0 and user.failed_factor_attempts >= threshold:
        lock(ctx, user)
        return True
    return False


def reset_counters(user: User) -> None:
    user.failed_password_attempts = 0
    user.failed_factor_attempts = 0


def user_locked_error(commit: bool = False) -> OktaError:
    """403 E0000069 "User Locked" (too many failed factor attempts; `lockout_response=E0000069`)."""
    return OktaError("E0000069", commit=commit)
