"""User accounts: creation, passwords and activation tokens (plain Python over the store and clock)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Iterable

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.errors import validation_error
from mockfinra.identity.passwords import policy_violations
from mockfinra.security import digest, hash_secret, new_id, new_token
from mockfinra.store.users import ENTITLEMENTS, USER_STATUSES, User, find_user_by_login

ACTIVATION_TOKEN_TTL = timedelta(days=7)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
        status_changed_at=now,
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
