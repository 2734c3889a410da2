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


def usable_factors(ctx: Context, user: User) -> list[Factor]:
    """The ACTIVE factors a user can sign in with in this era (2026: SMS and voice are retired)."""
    return [f for f in active_factors(user) if not ctx.era.factor_retired(f.factor_type)]


def last_used_first(ctx: Context, user: User) -> list[Factor]:
    """The usable factors with the most recently verified first (Okta remembers the last-used method and
    offers it first; FINRA since 2023-10-30); never-used ones keep their enrollment order after them."""
    factors = usable_factors(ctx, user)
    return sorted(factors, key=lambda f: -(f.last_verified_at.timestamp() if f.last_verified_at else 0.0))


@dataclass
class EnrollOption:
    """One entry of MFA_ENROLL's `factors`: a factor kind the user may enroll (or has enrolled)."""

    kind: FactorKind
    provider: str
    enrolled: bool


def enroll_options(ctx: Context, user: User) -> list[EnrollOption]:
    """The factor kinds a user may enroll in this era, each with whether it is enrolled already."""
    active = {(f.factor_type, f.provider) for f in usable_factors(ctx, user)}
    return [
        EnrollOption(kind, provider, (kind.factor_type, provider) in active)
        for kind in all_kinds()
        if kind.enrollable and not ctx.era.factor_retired(kind.factor_type)
        for provider in kind.providers
    ]


QUESTION = "question"
SECOND_FACTOR = "second_factor"


def enrollment_missing(ctx: Context, user: User) -> list[str]:
    """What enrollment still needs, as FINRA states it: the security question (`question`) and at least one
    second factor besides it (`second_factor`); `settings.enroll_question_required` and
    `settings.mfa_enroll_required` switch each rule off."""
    usable = usable_factors(ctx, user)
    missing = []
    if ctx.settings.enroll_question_required and not any(f.factor_type == QUESTION for f in usable):
        missing.append(QUESTION)
    if ctx.settings.mfa_enroll_required and not any(f.factor_type != QUESTION for f in usable):
        missing.append(SECOND_FACTOR)
    return missing


def enroll_skip_allowed(ctx: Context, user: User) -> bool:
    """`skip` (finish) is offered in MFA_ENROLL once nothing more is required."""
    return not enrollment_missing(ctx, user)


def enrollment_level(ctx: Context, user: User, factor_type: str) -> str:
    """Okta's `enrollment` of an MFA_ENROLL entry: REQUIRED for the missing security question; the other
    factors are OPTIONAL (one of them is required while `second_factor` is missing: no skip is offered)."""
    if factor_type == QUESTION and QUESTION in enrollment_missing(ctx, user):
        return "REQUIRED"
    return "OPTIONAL"


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
