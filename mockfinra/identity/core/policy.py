"""Account rules the state machine and the renderer share: factors, enrollment and password expiry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockfinra.context import Context
from mockfinra.identity.core import passwords
from mockfinra.identity.core.factors import FactorKind, all_kinds, kind_for
from mockfinra.store.users import Factor, User


def active_factors(user: User) -> list[Factor]:
    """The user's ACTIVE factors that a kind serves, in enrollment order."""
    return [f for f in user.factors if f.status == "ACTIVE" and kind_for(f.factor_type, f.provider)]


@dataclass
class EnrollOption:
    """One entry of MFA_ENROLL's `factors`: a factor kind the user may enroll (or has enrolled)."""

    kind: FactorKind
    provider: str
    enrolled: bool


def enroll_options(user: User) -> list[EnrollOption]:
    active = {(f.factor_type, f.provider) for f in active_factors(user)}
    return [
        EnrollOption(kind, provider, (kind.factor_type, provider) in active)
        for kind in all_kinds()
        if kind.enrollable
        for provider in kind.providers
    ]


def enrollment_required(ctx: Context) -> bool:
    """ASSUMPTION: the NASDAQ tenant requires at least one second factor (`settings.mfa_enroll_required`)."""
    return ctx.settings.mfa_enroll_required


def enroll_skip_allowed(ctx: Context, user: User) -> bool:
    """`skip` is offered in MFA_ENROLL once nothing more is required."""
    return bool(active_factors(user)) or not enrollment_required(ctx)


def password_expired(ctx: Context, user: User) -> bool:
    if user.status == "PASSWORD_EXPIRED":
        return True
    return passwords.is_expired(user.password_changed_at, ctx.clock.now(), ctx.settings)


def password_warning(ctx: Context, user: User, options: dict[str, Any]) -> bool:
    """PASSWORD_WARN applies: in the warning window, and (as Okta) the client asked for it with
    `options.warnBeforePasswordExpired`, unless `settings.password_warn_requires_option` is off."""
    if not passwords.in_warning_window(user.password_changed_at, ctx.clock.now(), ctx.settings):
        return False
    if not ctx.settings.password_warn_requires_option:
        return True
    return bool(options.get("warnBeforePasswordExpired"))


def days_until_expiry(ctx: Context, user: User) -> int:
    expiry = passwords.expires_at(user.password_changed_at, ctx.settings)
    if expiry is None:
        return 0
    seconds = (expiry - ctx.clock.now()).total_seconds()
    return max(0, -int(-seconds // 86400))
