"""Password policy (Okta's default policy unless configured; ASSUMPTION for the NASDAQ tenant) and expiry."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

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


def policy_description(settings: Settings) -> dict[str, Any]:
    """The password policy as Okta embeds it in PASSWORD_* states."""
    return {
        "expiration": {"passwordExpireDays": settings.password_expire_days},
        "complexity": {
            "minLength": settings.password_min_length,
            "minLowerCase": settings.password_min_lower,
            "minUpperCase": settings.password_min_upper,
            "minNumber": settings.password_min_number,
            "minSymbol": settings.password_min_symbol,
            "excludeUsername": settings.password_exclude_username,
        },
        "age": {"minAgeMinutes": 0, "historyCount": 0},
    }


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
