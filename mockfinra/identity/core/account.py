"""A signed-in user's own account: their security methods (add, remove), password and security question.

Plain Python over the store and the mock clock; the account page (`identity/account.py`) calls these.

ASSUMPTIONS (the NASDAQ tenant's self-service rules are not published): FINRA's enrollment rules hold
here too, so the security question cannot be removed while it is required (it can be changed) and the last
second factor cannot be removed; removing Okta Verify removes its push and code factors together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.errors import ClientError, OktaError
from mockfinra.identity.core import policy
from mockfinra.identity.core.factors import FactorInput, kind_for
from mockfinra.identity.core.passwords import policy_violations
from mockfinra.identity.core.transactions import Handle, create_transaction
from mockfinra.identity.core.users import set_password
from mockfinra.security import verify_secret
from mockfinra.store.users import Factor, User

OKTA_VERIFY_TYPES = (("push", "OKTA"), ("token:software:totp", "OKTA"))


@dataclass
class Method:
    """One security method as the account page shows it."""

    factor: Factor
    name: str
    detail: str
    retired: bool
    removable: str | None  # None: can be removed; else why not


def _name(factor: Factor) -> tuple[str, str]:
    profile = factor.profile or {}
    if factor.factor_type == "question":
        return "Security question", str(profile.get("questionText", ""))
    if factor.factor_type == "token:software:totp":
        return ("Google Authenticator", "Codes from the app") if factor.provider == "GOOGLE" else ("Okta Verify", "Codes from the app")
    if factor.factor_type == "push":
        return "Okta Verify", f"Push notifications to {profile.get('name', 'your phone')}"
    from mockfinra.identity.core.phones import mask_phone

    number = mask_phone(str(profile.get("phoneNumber", "")))
    return ("SMS", f"Codes texted to {number}") if factor.factor_type == "sms" else ("Voice call", f"Codes read out to {number}")


def methods(ctx: Context, user: User) -> list[Method]:
    """The user's ACTIVE security methods, Okta Verify's push and code shown as one."""
    out = []
    active = policy.active_factors(user)
    has_push = any(f.factor_type == "push" for f in active)
    for factor in active:
        if has_push and (factor.factor_type, factor.provider) == ("token:software:totp", "OKTA"):
            continue
        name, detail = _name(factor)
        out.append(Method(factor, name, detail, ctx.era.factor_retired(factor.factor_type), removal_refusal(ctx, user, factor)))
    return out


def _group(user: User, factor: Factor) -> list[Factor]:
    """The factors that go with `factor` (Okta Verify's push and its code)."""
    if (factor.factor_type, factor.provider) in OKTA_VERIFY_TYPES:
        return [f for f in user.factors if (f.factor_type, f.provider) in OKTA_VERIFY_TYPES]
    return [factor]


def removal_refusal(ctx: Context, user: User, factor: Factor) -> str | None:
    """Why `factor` cannot be removed now (None: it can)."""
    going = {f.id for f in _group(user, factor)}
    left = [f for f in policy.usable_factors(ctx, user) if f.id not in going]
    if factor.factor_type == "question" and ctx.settings.enroll_question_required:
        return "Your organization requires a security question: change it instead."
    if ctx.settings.mfa_enroll_required and factor.factor_type != "question" and not any(
        f.factor_type != "question" for f in left
    ):
        return "This is your only second factor: set up another one before removing it."
    return None


def remove(ctx: Context, db: Session, user: User, factor_id: str) -> None:
    factor = next((f for f in user.factors if f.id == factor_id and f.status == "ACTIVE"), None)
    if factor is None:
        raise ClientError(404, "That security method is not one of yours.", "not_found")
    refusal = removal_refusal(ctx, user, factor)
    if refusal is not None:
        raise ClientError(409, refusal, "conflict")
    for gone in _group(user, factor):
        user.factors.remove(gone)
        db.delete(gone)
    user.last_updated_at = ctx.clock.now()


def change_password(ctx: Context, user: User, old: str, new: str) -> None:
    """The user's own password change: the old one must match (same cost either way); E0000014 with the
    policy's causes otherwise."""
    if not verify_secret(old, user.password_hash):
        raise OktaError("E0000014", causes=["oldPassword: The credentials provided were incorrect."])
    problems = [f"password: {problem}" for problem in policy_violations(new, user.login, ctx.settings)]
    if not problems and new == old:
        problems = ["password: Password cannot be your current password."]
    if problems:
        raise OktaError("E0000014", causes=problems)
    set_password(ctx, user, new)


def change_question(ctx: Context, db: Session, user: User, key: str, answer: str) -> None:
    """A new security question (one of the 20, or `custom` with `own_question`) replaces the old one."""
    kind = kind_for("question", "OKTA")
    assert kind is not None
    new = kind.enroll(ctx, db, user, "OKTA", FactorInput(profile=_question_profile(key, answer)))
    for old in [f for f in user.factors if f.factor_type == "question" and f is not new]:
        user.factors.remove(old)
        db.delete(old)
    if new not in user.factors:
        user.factors.append(new)
    user.last_updated_at = ctx.clock.now()


def _question_profile(key: str, answer: str) -> dict[str, Any]:
    custom_key, _, own = key.partition(":")
    if custom_key == "custom":
        return {"question": "custom", "questionText": own, "answer": answer}
    return {"question": key, "answer": answer}


def start_enrollment(
    ctx: Context, db: Session, user: User, amr: list[str], protocol: str, home: str, client: dict[str, Any], token_prefix: str
) -> Handle:
    """An enrollment for a signed-in user ("add a security method"): a transaction in MFA_ENROLL whose success
    returns to `home`. The session already proved who the user is."""
    data = {"protocol": protocol, "fromUri": home, "mfaDone": True, "warnDone": True, "client": client}
    if protocol == "classic":
        data["options"] = {"multiOptionalFactorEnroll": False}
    handle = create_transaction(ctx, db, user, "MFA_ENROLL", amr=list(amr), data=data, token_prefix=token_prefix)
    return handle
