"""Okta's Factors API for one user (`/api/v1/users/{id}/factors`): an administrator enrolls, activates,
verifies and removes a user's factors outside any sign-in.

The same factor kinds (`identity/core/factors/`) that the authn MFA_ENROLL and MFA_CHALLENGE states use do
the work; the kinds read a transaction, so each call gives them a scratch one (never saved) that carries
the call's state. A push verification is answered by polling its push: the transaction id on the wire is
the push's id.

ASSUMPTIONS (the real rules are not all documented):
- `activate=true` makes an sms/call factor ACTIVE at once without sending a code (Okta: "auto-activation",
  supported for sms, call and email); other kinds ignore it and start their activation as usual.
- `updatePhone=true` replaces the user's factor of that type (even an ACTIVE one) with the new number.
- `tokenLifetimeSeconds` (1..86400) sets how long the sms/call activation code and the push activation last.
- Wrong codes at `/verify` and `/lifecycle/activate` answer 403 E0000068 and do not count toward the lockout.
- Deleting Okta Verify (push, or its TOTP factor) removes both, as the account page does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.eras import RETIRED_MESSAGE
from mockfinra.errors import OktaError, not_found, validation_error
from mockfinra.identity.core import okta_verify, phones
from mockfinra.identity.core.factors import FactorInput, FactorKind, FactorOutcome, all_kinds, kind_for, kind_of
from mockfinra.identity.core.factors.push import RESULTS as PUSH_RESULTS
from mockfinra.security import new_id
from mockfinra.store.authn import Transaction
from mockfinra.store.pushes import get_push
from mockfinra.store.users import Factor, User, get_factor

UNSUPPORTED_FACTOR = "The factor type or provider is not supported."
FACTOR_EXISTS = "A factor of this type is already set up."
AUTO_ACTIVATED = ("sms", "call")
MAX_TOKEN_LIFETIME = 86400
OKTA_VERIFY = (("push", "OKTA"), ("token:software:totp", "OKTA"))

Result = Literal["SUCCESS", "CHALLENGE", "WAITING", "REJECTED", "TIMEOUT"]


@dataclass
class Outcome:
    """What an activation or verification call decided: the wire's `factorResult`, and for a push the
    transaction (push) the caller polls."""

    result: Result
    push_id: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Offer:
    """One entry of the factor catalog: a kind/provider the user may enroll, and its status for them."""

    kind: FactorKind
    provider: str
    status: str  # NOT_SETUP | PENDING_ACTIVATION | ACTIVE


def _scratch(ctx: Context, user: User, factor: Factor, status: str) -> Transaction:
    now = ctx.clock.now()
    return Transaction(
        id=new_id("ftx"),
        state_token_digest="",
        user_id=user.id,
        status=status,
        factor_id=factor.id,
        factor_result=None,
        amr=[],
        data={},
        created_at=now,
        expires_at=now,
    )


def _usable_kinds(ctx: Context) -> list[FactorKind]:
    return [kind for kind in all_kinds() if kind.enrollable and not ctx.era.factor_retired(kind.factor_type)]


def listed(user: User) -> list[Factor]:
    """The user's factors (ACTIVE and awaiting activation), in Okta's order of kinds, then by enrollment."""
    order = {(kind.factor_type, provider): i for i, kind in enumerate(all_kinds()) for provider in kind.providers}
    known = [f for f in user.factors if (f.factor_type, f.provider) in order]
    return sorted(known, key=lambda f: (order[(f.factor_type, f.provider)], f.created_at, f.id))


def catalog(ctx: Context, user: User) -> list[Offer]:
    """Every kind and provider the user may enroll, with the status of the user's factor of it."""
    mine = {(f.factor_type, f.provider): f.status for f in user.factors}
    return [
        Offer(kind, provider, mine.get((kind.factor_type, provider), "NOT_SETUP"))
        for kind in _usable_kinds(ctx)
        for provider in kind.providers
    ]


def find(db: Session, user: User, factor_id: str) -> Factor:
    factor = get_factor(db, user.id, factor_id)
    if factor is None or kind_for(factor.factor_type, factor.provider) is None:
        raise not_found(f"Resource not found: {factor_id} (UserFactor)")
    return factor


def _lifetime(value: int | None) -> int | None:
    if value is None:
        return None
    if not 1 <= value <= MAX_TOKEN_LIFETIME:
        raise validation_error(
            "tokenLifetimeSeconds", [f"tokenLifetimeSeconds: must be between 1 and {MAX_TOKEN_LIFETIME}"]
        )
    return value


def enroll(
    ctx: Context,
    db: Session,
    user: User,
    factor_type: str,
    provider: str | None,
    given: FactorInput,
    *,
    activate: bool = False,
    update_phone: bool = False,
    token_lifetime: int | None = None,
) -> Factor:
    """A new factor: ACTIVE (question; sms/call with `activate`) or PENDING_ACTIVATION (its activation
    started: an sms/call code sent, a push activation waiting)."""
    lifetime = _lifetime(token_lifetime)
    kind = kind_for(factor_type, provider)
    if kind is None or kind not in _usable_kinds(ctx):
        raise validation_error("factorEnrollRequest", [UNSUPPORTED_FACTOR])
    if "profile" in given.malformed:
        raise validation_error("factorEnrollRequest", ["Invalid Profile."])
    chosen = (provider or kind.providers[0]).strip().upper()
    for existing in list(user.factors):
        if existing.factor_type != kind.factor_type or existing.provider != chosen:
            continue
        replace = update_phone and kind.factor_type in AUTO_ACTIVATED
        if existing.status == "ACTIVE" and not replace:
            raise validation_error("factorEnrollRequest", [FACTOR_EXISTS])
        user.factors.remove(existing)
        db.delete(existing)
    db.flush()
    factor = kind.enroll(ctx, db, user, chosen, given)
    if factor not in user.factors:
        user.factors.append(factor)
    db.flush()
    if factor.status == "ACTIVE":
        return factor
    if activate and kind.factor_type in AUTO_ACTIVATED:
        _made_active(ctx, factor)
        return factor
    kind.start_activation(ctx, db, _scratch(ctx, user, factor, "MFA_ENROLL_ACTIVATE"), factor, given)
    if lifetime is not None:
        _apply_lifetime(ctx, factor, lifetime)
    return factor


def _apply_lifetime(ctx: Context, factor: Factor, seconds: int) -> None:
    expires = isoformat_z(ctx.clock.now() + timedelta(seconds=seconds))
    data = dict(factor.data or {})
    if "activationExpiresAt" in data:
        data["activationExpiresAt"] = expires
    otp = data.get(phones.OTP_KEY)
    if isinstance(otp, dict):
        data[phones.OTP_KEY] = {**otp, "expiresAt": expires}
    factor.data = data


def _made_active(ctx: Context, factor: Factor) -> None:
    now = ctx.clock.now()
    factor.status = "ACTIVE"
    factor.last_updated_at = now
    factor.last_verified_at = now


def _settle(ctx: Context, factor: Factor, outcome: FactorOutcome) -> Outcome:
    if outcome.result == "SUCCESS":
        _made_active(ctx, factor)
        return Outcome("SUCCESS")
    if outcome.result == "CHALLENGE":
        return Outcome(_result(outcome.factor_result))
    raise OktaError(outcome.code, causes=outcome.causes)


def _result(factor_result: str | None) -> Result:
    if factor_result in ("WAITING", "REJECTED", "TIMEOUT"):
        return factor_result  # type: ignore[return-value]
    return "CHALLENGE"


def activate(ctx: Context, db: Session, user: User, factor: Factor, given: FactorInput) -> Outcome:
    """`/lifecycle/activate`: check the code (totp, sms, call); a push restarts or completes its activation."""
    if factor.status != "PENDING_ACTIVATION":
        # ASSUMPTION: Okta's answer to activating a factor that is not awaiting activation.
        raise validation_error("factor", ["The factor is not awaiting activation."])
    kind = kind_of(factor)
    return _settle(ctx, factor, kind.activate(ctx, db, _scratch(ctx, user, factor, "MFA_ENROLL_ACTIVATE"), factor, given))


def poll_activation(ctx: Context, db: Session, user: User, factor: Factor) -> Outcome:
    """`/lifecycle/activate/poll` (push): WAITING, TIMEOUT, or SUCCESS once the device activated it."""
    if factor.status == "ACTIVE":
        return Outcome("SUCCESS")
    kind = kind_of(factor)
    txn = _scratch(ctx, user, factor, "MFA_ENROLL_ACTIVATE")
    return _settle(ctx, factor, kind.poll_activation(ctx, db, txn, factor, FactorInput()))


def send_activation(ctx: Context, db: Session, user: User, factor: Factor, channel: str, given: FactorInput) -> None:
    """`/lifecycle/activate/email|sms` (push): send the enrollment link to the user's email or a phone."""
    if factor.status != "PENDING_ACTIVATION":
        raise validation_error("factor", ["The factor is not awaiting activation."])
    kind_of(factor).send_activation(ctx, db, _scratch(ctx, user, factor, "MFA_ENROLL_ACTIVATE"), factor, channel, given)


def verify(ctx: Context, db: Session, user: User, factor: Factor, given: FactorInput) -> Outcome:
    """`/verify`: check the answer or code; without one, send the challenge (sms/call code, push)."""
    if factor.status != "ACTIVE":
        raise not_found(f"Resource not found: {factor.id} (UserFactor)")
    if ctx.era.factor_retired(factor.factor_type):
        raise validation_error("factor", [RETIRED_MESSAGE])
    kind = kind_of(factor)
    txn = _scratch(ctx, user, factor, "MFA_REQUIRED")
    outcome = kind.verify(ctx, db, txn, factor, given)
    if outcome.result == "SUCCESS":
        factor.last_verified_at = ctx.clock.now()
        return Outcome("SUCCESS")
    if outcome.result == "CHALLENGE":
        push = get_push(db, str(txn.data.get("pushId") or ""))
        if push is None:
            return Outcome(_result(outcome.factor_result))
        return Outcome(_result(outcome.factor_result), push.id, push.expires_at)
    raise OktaError(outcome.code, causes=outcome.causes)


def push_transaction(ctx: Context, db: Session, user: User, factor: Factor, transaction_id: str) -> Outcome:
    """`/transactions/{id}`: the state of a push sent by `/verify`."""
    push = get_push(db, transaction_id)
    if push is None or push.factor_id != factor.id or push.user_id != user.id:
        raise not_found(f"Resource not found: {transaction_id} (Transaction)")
    okta_verify.refresh(ctx, push)
    if push.status == "APPROVED":
        factor.last_verified_at = push.resolved_at or ctx.clock.now()
        return Outcome("SUCCESS", push.id, push.expires_at)
    return Outcome(_result(PUSH_RESULTS.get(push.status, "REJECTED")), push.id, push.expires_at)


def cancel_push_transaction(ctx: Context, db: Session, user: User, factor: Factor, transaction_id: str) -> None:
    """`DELETE /transactions/{id}` (the `cancel` link): a push still waiting is cancelled (ASSUMPTION: 204)."""
    push = get_push(db, transaction_id)
    if push is None or push.factor_id != factor.id or push.user_id != user.id:
        raise not_found(f"Resource not found: {transaction_id} (Transaction)")
    okta_verify.cancel_push(ctx, db, push.id)


def resend(ctx: Context, db: Session, user: User, factor: Factor, given: FactorInput) -> None:
    """`/resend`: the sms/call code again, for the enrollment or the last challenge (throttled: 429)."""
    if factor.factor_type not in AUTO_ACTIVATED:
        raise validation_error("factor", ["Only sms and call factors can resend a code."])
    kind = kind_of(factor)
    if factor.status == "PENDING_ACTIVATION":
        kind.resend_activation(ctx, db, _scratch(ctx, user, factor, "MFA_ENROLL_ACTIVATE"), factor, given)
    else:
        kind.resend_challenge(ctx, db, _scratch(ctx, user, factor, "MFA_CHALLENGE"), factor, given)


def remove(ctx: Context, db: Session, user: User, factor: Factor) -> None:
    """Unenroll: the factor goes (with its Okta Verify sibling), and any push it has pending is cancelled."""
    group = [factor]
    if (factor.factor_type, factor.provider) in OKTA_VERIFY:
        group = [f for f in user.factors if (f.factor_type, f.provider) in OKTA_VERIFY]
    for gone in group:
        user.factors.remove(gone)
        db.delete(gone)
    user.last_updated_at = ctx.clock.now()
