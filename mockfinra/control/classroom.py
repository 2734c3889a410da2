"""What the trainer's home shows about each user: read from the live store, with the seed's published
secrets (password, security question answers, recovery answer) shown only while they still match.

The store keeps hashes only. A seeded secret is shown when it still verifies against the stored hash; a user
who changed it (or one created later, e.g. on the order form) shows who set it instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.identity.core import account
from mockfinra.identity.core.phones import display
from mockfinra.identity.core.users import normalise_answer
from mockfinra.security import verify_secret
from mockfinra.seed import SeedError, SeedUser, read_seed
from mockfinra.store.users import User

STATUS_WORDS = {
    "ACTIVE": "active",
    "PROVISIONED": "invited: activation pending",
    "STAGED": "staged: not yet invited",
    "RECOVERY": "recovering the password",
    "PASSWORD_EXPIRED": "password expired",
    "LOCKED_OUT": "locked out",
    "SUSPENDED": "suspended",
    "DEPROVISIONED": "deactivated",
}


@dataclass
class Secret:
    """A value the trainer may read out (`value`), or why it is not shown (`note`)."""

    label: str
    value: str | None = None
    note: str | None = None


@dataclass
class UserCard:
    login: str
    name: str
    status: str
    status_code: str
    password: Secret
    questions: list[Secret] = field(default_factory=list)
    recovery: Secret | None = None
    factors: list[str] = field(default_factory=list)
    entitlements: list[str] = field(default_factory=list)
    phone: bool = False


def _seed_by_login(ctx: Context) -> dict[str, SeedUser]:
    try:
        return {spec.login.lower(): spec for spec in read_seed(ctx.settings.seed)}
    except SeedError:
        return {}


def _password(user: User, spec: SeedUser | None) -> Secret:
    if user.password_hash is None:
        return Secret("Password", note="not set yet: the user chooses it from the invitation")
    if spec is not None and spec.password and verify_secret(spec.password, user.password_hash):
        return Secret("Password", value=spec.password)
    return Secret("Password", note="chosen by the user")


def _questions(user: User, spec: SeedUser | None) -> list[Secret]:
    seeded = {f.model_dump().get("question"): f.model_dump().get("answer") for f in (spec.factors if spec else [])
              if f.factorType == "question"}
    out = []
    for factor in user.factors:
        if factor.factor_type != "question" or factor.status != "ACTIVE":
            continue
        profile = factor.profile or {}
        text = str(profile.get("questionText") or profile.get("question") or "Security question")
        answer = seeded.get(profile.get("question"))
        if isinstance(answer, str) and verify_secret(normalise_answer(answer), factor.answer_hash):
            out.append(Secret(text, value=answer))
        else:
            out.append(Secret(text, note="answer chosen by the user"))
    return out


def _recovery(user: User, spec: SeedUser | None) -> Secret | None:
    if not user.recovery_question or not user.recovery_answer_hash:
        return None
    answer = spec.recoveryAnswer if spec else None
    if answer and verify_secret(normalise_answer(answer), user.recovery_answer_hash):
        return Secret(user.recovery_question, value=answer)
    return Secret(user.recovery_question, note="answer chosen by the user")


def _factors(ctx: Context, user: User) -> list[str]:
    """Security methods in words (full phone numbers: they are fictional and the trainer needs them)."""
    out = []
    for method in account.methods(ctx, user):
        factor = method.factor
        number = (factor.profile or {}).get("phoneNumber")
        if factor.factor_type == "sms" and number:
            out.append(f"SMS to {display(number)}")
        elif factor.factor_type == "call" and number:
            out.append(f"Voice call to {display(number)}")
        elif factor.factor_type == "question":
            out.append("Security question")
        elif factor.factor_type == "push":
            out.append("Okta Verify (push and code)")
        else:
            out.append(method.name)
        if method.retired:
            out[-1] += " (retired in this era)"
    pending = [f for f in user.factors if f.status != "ACTIVE"]
    if pending:
        out.append(f"{len(pending)} being set up")
    return out


def user_cards(ctx: Context, db: Session) -> list[UserCard]:
    """Every user in the store, by login, with what a trainer needs to sign in as them."""
    seed = _seed_by_login(ctx)
    cards = []
    for user in db.scalars(select(User).order_by(User.login_key)):
        spec = seed.get(user.login.lower())
        cards.append(
            UserCard(
                login=user.login,
                name=f"{user.first_name} {user.last_name}".strip() or user.login,
                status=STATUS_WORDS.get(user.status, user.status.lower()),
                status_code=user.status,
                password=_password(user, spec),
                questions=_questions(user, spec),
                recovery=_recovery(user, spec),
                factors=_factors(ctx, user),
                entitlements=list(user.entitlements),
                phone=any(f.factor_type in ("sms", "call", "push") for f in user.factors) or bool(user.mobile_phone),
            )
        )
    return cards


def era_choices(ctx: Context) -> list[dict[str, Any]]:
    from mockfinra.eras import PROFILES

    return [{"name": name, "summary": profile.summary, "current": name == ctx.era.name} for name, profile in PROFILES.items()]
