"""Password policy (Okta's default policy unless configured; ASSUMPTION for the NASDAQ tenant) and expiry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from mockfinra.settings import Settings

_LOGIN_PARTS = re.compile(r"[.,\-_#@+]")


def policy_violations(password: str, login: str, settings: Settings) -> list[str]:
    """Human-readable reasons the password fails the policy; empty when it passes."""
    problems: list[str] = []
    if len(password) < settings.password_min_length:
        problems.append(f"Password requirements: at least {settings.password_min_length} characters.")
    checks = (
        (settings.password_min_lower, r"[a-z]", "lowercase letter"),
        (settings.password_min_upper, r"[A-Z]", "uppercase letter"),
        (settings.password_min_number, r"[0-9]", "number"),
        (settings.password_min_symbol, r"[^A-Za-z0-9]", "symbol"),
    )
    for minimum, pattern, label in checks:
        if minimum and len(re.findall(pattern, password)) < minimum:
            problems.append(f"Password requirements: at least {minimum} {label}{'s' if minimum > 1 else ''}.")
    if settings.password_exclude_username and login:
        lowered = password.lower()
        # ASSUMPTION: like Okta, no part of the login of 3+ characters (split on . , - _ # @ +).
        parts = [part for part in _LOGIN_PARTS.split(login.lower()) if len(part) >= 3]
        if any(part in lowered for part in parts):
            problems.append("Password requirements: no parts of your username.")
    return problems


@dataclass(frozen=True)
class PasswordPolicy:
    """The password policy in force, as every wire format and page shows it."""

    min_length: int
    min_lower: int
    min_upper: int
    min_number: int
    min_symbol: int
    exclude_username: bool
    expire_days: int

    @classmethod
    def from_settings(cls, settings: Settings) -> PasswordPolicy:
        return cls(
            min_length=settings.password_min_length,
            min_lower=settings.password_min_lower,
            min_upper=settings.password_min_upper,
            min_number=settings.password_min_number,
            min_symbol=settings.password_min_symbol,
            exclude_username=settings.password_exclude_username,
            expire_days=settings.password_expire_days,
        )


def expires_at(changed_at: datetime | None, settings: Settings) -> datetime | None:
    if not settings.password_expire_days or changed_at is None:
        return None
    return changed_at + timedelta(days=settings.password_expire_days)


def is_expired(changed_at: datetime | None, now: datetime, settings: Settings) -> bool:
    expiry = expires_at(changed_at, settings)
    return expiry is not None and now >= expiry


def in_warning_window(changed_at: datetime | None, now: datetime, settings: Settings) -> bool:
    expiry = expires_at(changed_at, settings)
    if expiry is None or not settings.password_warn_days:
        return False
    return expiry - timedelta(days=settings.password_warn_days) <= now < expiry
