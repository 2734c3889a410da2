"""The transitions of the `/api/v1/authn` state machine (plain Python over the store and the mock clock).

Each public function is one endpoint: it loads the transaction (401 E0000011 when expired or unknown),
checks that the action is valid in the current state (403 E0000079 otherwise), applies the transition
and returns an `AuthnResult` that `render` turns into Okta's JSON. Factor specifics live in the factor
kinds (`identity/core/factors`). Errors that must keep a counter raise with `commit=True`.

Transaction `data` flags: `options` (the sign-in's options), `mfaDone` (a factor was verified or
enrolled), `warnDone` (PASSWORD_WARN answered), `enrollDone` (MFA_ENROLL finished or skipped),
`enrolledNow` (a factor was enrolled in this transaction), `activation` (started with an activation token).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.eras import RETIRED_MESSAGE
from mockfinra.errors import (
    OktaError,
    invalid_state,
    invalid_token,
    not_found,
    validation_error,
)
from mockfinra.identity.core import events, lockout, password_check
from mockfinra.identity.core import policy as rules
from mockfinra.identity.core.factors import (
    FactorInput,
    FactorKind,
    FactorOutcome,
    kind_for,
    kind_of,
)
from mockfinra.identity.core.passwords import policy_violations
from mockfinra.identity.core.sessions import issue_session_token
from mockfinra.identity.core.transactions import (
    Handle,
    create_transaction,
    end_transaction,
    load_transaction,
)
from mockfinra.identity.core.users import set_password
from mockfinra.security import digest, verify_secret
from mockfinra.store.authn import Transaction
from mockfinra.store.base import locked
from mockfinra.store.users import Factor, User, find_user_by_login, get_factor

#: statuses whose users may sign in with a password (LOCKED_OUT answers with the lockout response)
SIGN_IN_STATUSES = ("ACTIVE", "PASSWORD_EXPIRED", "LOCKED_OUT")
UNSUPPORTED_FACTOR = "The factor type or provider is not supported."
FACTOR_EXISTS = "A factor of this type is already set up."
WRONG_OLD_PASSWORD = "oldPassword: The credentials provided were incorrect."
SAME_PASSWORD = "password: Password cannot be your current password."


@dataclass
class AuthnResult:
    """What a request produced: a live transaction, SUCCESS, LOCKED_OUT, or a cancelled transaction.

    SUCCESS carries a one-time `session_token`, or for an Identity Engine sign-in bound to an OAuth
    interaction its `interaction_code`.
    """

    kind: str  # "transaction" | "success" | "locked_out" | "cancelled"
    handle: Handle | None = None
    user: User | None = None
    session_token: str | None = None
    expires_at: datetime | None = None
    relay_state: str | None = None
    interaction_code: str | None = None
    #: the transaction that ended with this result (its data, for the wire format that renders it)
    ended: Transaction | None = None


# --- primary authentication ----------------------------------------------------------------------


def authentication_failed(commit: bool = False) -> OktaError:
    return OktaError("E0000004", commit=commit)


def locked_out(ctx: Context, relay_state: str | None, commit: bool) -> AuthnResult:
    """How a locked account shows, per `settings.lockout_response` (ASSUMPTION: LOCKED_OUT by default)."""
    mode = ctx.settings.lockout_response
    if mode == "E0000004":
        raise authentication_failed(commit=commit)
    if mode == "E0000069":
        raise lockout.user_locked_error(commit=commit)
    return AuthnResult("locked_out", relay_state=relay_state)


def sign_in_user(db: Session, login: str) -> User | None:
    """The user a login names, if that user may sign in with a password (else None: look unknown)."""
    user = find_user_by_login(db, login)
    if user is None or user.status not in SIGN_IN_STATUSES or not user.password_hash:
        return None
    return user


def check_password(ctx: Context, user: User | None, password: str) -> str:
    """One password check with the same cost for every user: `ok`, `failed` (counted), `locked` (the
    account is or just became locked) or `unknown` (no such user: nothing is counted)."""
    if user is not None:
        lockout.auto_unlock(ctx, user)
    if user is None or user.status not in SIGN_IN_STATUSES or not user.password_hash:
        password_check.verify_password(ctx, password, None)
        return "unknown"
    if user.status == "LOCKED_OUT":
        password_check.verify_password(ctx, password, user.password_hash)
        return "locked"
    if not password_check.verify_password(ctx, password, user.password_hash):
        return "locked" if lockout.password_failed(ctx, user) else "failed"
    user.failed_password_attempts = 0
    return "ok"


def _password_refused(
    ctx: Context, db: Session, user: User | None, checked: str, client: dict[str, Any] | None, protocol: str,
    login: str = "",
) -> None:
    """Record a refused password (a lockout too) as a sign-in event.

    An unknown user's attempt is recorded too, with the login given and no user (the System Log's actor
    "unknown"; ASSUMPTION: Okta logs it as `user.session.start` FAILURE with `VERIFICATION_ERROR`). That also
    keeps the two alike in cost: both write an event and commit, so a wrong password does not answer
    measurably slower than an unknown user (no enumeration by timing, PostgreSQL's round trips included)."""
    if checked == "unknown":
        events.record(
            ctx, db, None, events.SESSION_START, "FAILURE", login=login.strip()[:255], reason="VERIFICATION_ERROR",
            methods=["pwd"], client=client, protocol=protocol,
        )
        return
    if user is None or checked not in ("failed", "locked"):
        return
    if checked == "locked":
        events.record(ctx, db, user, events.LOCK, "FAILURE", reason="LOCKED_OUT", methods=[], client=client, protocol=protocol)
    else:
        events.record(
            ctx, db, user, events.SESSION_START, "FAILURE", reason="INVALID_CREDENTIALS", methods=["pwd"],
            client=client, protocol=protocol,
        )


def primary_authentication(
    ctx: Context,
    db: Session,
    username: str,
    password: str,
    relay_state: str | None = None,
    options: dict[str, Any] | None = None,
    client: dict[str, Any] | None = None,
) -> AuthnResult:
    """`POST /api/v1/authn {username, password}`. Unknown user and wrong password look the same."""
    user = find_user_by_login(db, username)
    checked = check_password(ctx, user, password)
    _password_refused(ctx, db, user, checked, client, "classic", login=username)
    if checked == "unknown":
        raise authentication_failed(commit=True)
    if checked == "locked":
        return locked_out(ctx, relay_state, commit=True)
    if checked == "failed":
        raise authentication_failed(commit=True)
    assert user is not None
    handle = create_transaction(
        ctx,
        db,
        user,
        "UNAUTHENTICATED",
        relay_state=relay_state,
        amr=["pwd"],
        data={"options": dict(options or {}), "client": dict(client or {})},
    )
    return advance(ctx, db, handle)


def token_authentication(
    ctx: Context,
    db: Session,
    token: str,
    relay_state: str | None = None,
    options: dict[str, Any] | None = None,
    *,
    data: dict[str, Any] | None = None,
    token_prefix: str = "00",
) -> AuthnResult:
    """`POST /api/v1/authn {token}` with an activation token: a PROVISIONED user sets a password.

    ASSUMPTION: like Okta's "primary authentication with activation token", the answer is PASSWORD_RESET
    (`next` resetPassword) for a user without a password; a user who has one is activated and goes on.
    """
    user = db.scalar(locked(select(User).where(User.activation_token_digest == digest(token or ""))))
    now = ctx.clock.now()
    if (
        user is None
        or user.status not in ("PROVISIONED", "STAGED")
        or user.activation_expires_at is None
        or user.activation_expires_at <= now
    ):
        raise invalid_token()
    values = {"options": dict(options or {}), "activation": True, **(data or {})}
    handle = create_transaction(
        ctx, db, user, "PASSWORD_RESET", relay_state=relay_state, data=values, token_prefix=token_prefix
    )
    if not user.password_hash:
        return AuthnResult("transaction", handle)
    _activate_user(ctx, user)
    handle.txn.amr = ["pwd"]
    return advance(ctx, db, handle)


# --- the Identity Engine's steps: the identifier first, then the password as one authenticator -----

#: the status of an Identity Engine transaction waiting for the identifier, and for the password
IDENTIFY = "IDENTIFY"
PASSWORD = "PASSWORD"


def start_identify(ctx: Context, db: Session, data: dict[str, Any], token_prefix: str) -> Handle:
    """A transaction that waits for the user to say who they are (no user yet)."""
    return create_transaction(ctx, db, None, IDENTIFY, data=data, token_prefix=token_prefix)


def identify(ctx: Context, db: Session, state_token: str, identifier: str) -> Handle:
    """The identifier is known: the password comes next. An unknown user (or one who cannot sign in) gets
    the same password step, which then fails as a wrong password does: no enumeration."""
    handle = load_transaction(ctx, db, state_token, allow_anonymous=True)
    _require(handle, IDENTIFY)
    user = sign_in_user(db, identifier)
    if user is not None:
        lockout.auto_unlock(ctx, user)
    handle.txn.user_id = user.id if user is not None else None
    handle.user = user  # type: ignore[assignment]
    handle.txn.data["identifier"] = identifier.strip()
    _set_status(handle, PASSWORD)
    return handle


def verify_password(ctx: Context, db: Session, state_token: str, password: str) -> AuthnResult:
    """The password step of an identified transaction; then MFA, enrollment or SUCCESS as `advance` says.

    A wrong password is 401 E0000004 (counted; the transaction stays); a locked account answers as
    `settings.lockout_response` says, and the transaction ends."""
    handle = load_transaction(ctx, db, state_token, allow_anonymous=True)
    _require(handle, PASSWORD)
    checked = check_password(ctx, handle.user, password)
    identifier = str(handle.txn.data.get("identifier") or "")
    _password_refused(ctx, db, handle.user, checked, handle.txn.data.get("client"), "idx", login=identifier)
    if checked == "unknown":
        raise authentication_failed(commit=True)
    if checked == "failed":
        raise authentication_failed(commit=True)
    if checked == "locked":
        relay_state = handle.txn.relay_state
        end_transaction(db, handle)
        return locked_out(ctx, relay_state, commit=True)
    if "pwd" not in handle.txn.amr:
        handle.txn.amr.append("pwd")
    return advance(ctx, db, handle)


def renew_password(ctx: Context, db: Session, state_token: str, new_password: str) -> AuthnResult:
    """PASSWORD_EXPIRED / PASSWORD_WARN after the password was just proven (the Identity Engine asks only
    for the new one); E0000014 with the policy's causes."""
    handle = load_transaction(ctx, db, state_token)
    _require(handle, "PASSWORD_EXPIRED", "PASSWORD_WARN")
    user = handle.user
    causes = _policy_causes(ctx, user, new_password)
    if not causes and verify_secret(new_password, user.password_hash):
        causes = [SAME_PASSWORD]
    if causes:
        raise OktaError("E0000014", causes=causes)
    set_password(ctx, user, new_password)
    if user.status == "PASSWORD_EXPIRED":
        user.status = "ACTIVE"
        user.status_changed_at = ctx.clock.now()
    _flag(handle, "warnDone")
    return advance(ctx, db, handle)


def restart(ctx: Context, db: Session, state_token: str, keep: tuple[str, ...], token_prefix: str) -> Handle:
    """Cancel: the transaction ends and a new one waits for the identifier, with the `keep` entries of the
    old one's data (the protocol's own: the interaction it belongs to, where to go afterwards)."""
    handle = load_transaction(ctx, db, state_token, allow_anonymous=True)
    _leave_current(ctx, db, handle)
    kept = {key: handle.txn.data[key] for key in keep if key in handle.txn.data}
    end_transaction(db, handle)
    return start_identify(ctx, db, kept, token_prefix)


def resume(ctx: Context, db: Session, state_token: str) -> AuthnResult:
    """`POST /api/v1/authn {stateToken}`: the transaction's current state."""
    return AuthnResult("transaction", load_transaction(ctx, db, state_token, allow_anonymous=True))


# --- moving on -----------------------------------------------------------------------------------


def _set_status(
    handle: Handle, status: str, factor_id: str | None = None, factor_result: str | None = None
) -> None:
    handle.txn.status = status
    handle.txn.factor_id = factor_id
    handle.txn.factor_result = factor_result


def _flag(handle: Handle, name: str, value: Any = True) -> None:
    handle.txn.data[name] = value


def _options(handle: Handle) -> dict[str, Any]:
    options = handle.txn.data.get("options")
    return options if isinstance(options, dict) else {}


def advance(ctx: Context, db: Session, handle: Handle) -> AuthnResult:
    """The next state after a step: MFA first (before PASSWORD_EXPIRED, as Okta), then the password
    states, then enrollment, then SUCCESS."""
    data = handle.txn.data
    user = handle.user
    active = rules.usable_factors(ctx, user)
    if active and not data.get("mfaDone"):
        _set_status(handle, "MFA_REQUIRED")
    elif rules.password_expired(ctx, user):
        _set_status(handle, "PASSWORD_EXPIRED")
    elif not data.get("warnDone") and rules.password_warning(ctx, user, _options(handle)):
        _set_status(handle, "PASSWORD_WARN")
    elif not data.get("enrollDone") and _needs_enrollment(ctx, handle, active):
        _set_status(handle, "MFA_ENROLL")
    else:
        return succeed(ctx, db, handle)
    return AuthnResult("transaction", handle)


def _needs_enrollment(ctx: Context, handle: Handle, active: list[Factor]) -> bool:
    """Enrollment starts for a user with no usable factor, and once started goes on until FINRA's rules are
    met (the security question and a second factor). ASSUMPTION: a user given factors by an administrator
    (control plane, Users API) signs in as they are, without being sent back to enrollment."""
    remaining = [option for option in rules.enroll_options(ctx, handle.user) if not option.enrolled]
    if not remaining:
        return False
    if not active:
        return True
    if not handle.txn.data.get("enrolledNow"):
        return False
    # okta-auth-js `options.multiOptionalFactorEnroll`: offer the other factors after an enrollment.
    return bool(rules.enrollment_missing(ctx, handle.user) or _options(handle).get("multiOptionalFactorEnroll"))


def succeed(ctx: Context, db: Session, handle: Handle) -> AuthnResult:
    """SUCCESS: a one-time sessionToken (or an interaction code for an Identity Engine sign-in bound to an
    OAuth interaction); the transaction ends and the failed-attempt counters reset."""
    user = handle.user
    txn = handle.txn
    now = ctx.clock.now()
    lockout.reset_counters(user)
    user.last_login_at = now
    events.record(ctx, db, user, events.SESSION_START, "SUCCESS", txn=txn)
    relay_state = txn.relay_state
    end_transaction(db, handle)
    interaction_id = txn.data.get("interaction")
    if interaction_id:
        from mockfinra.identity.oidc.codes import issue_interaction_code

        code, expires = issue_interaction_code(ctx, db, interaction_id, user, txn.amr)
        return AuthnResult("success", user=user, interaction_code=code, expires_at=expires, relay_state=relay_state, ended=txn)
    token = issue_session_token(ctx, db, user, txn.amr)
    expires = now + timedelta(seconds=ctx.settings.session_token_ttl_seconds)
    return AuthnResult(
        "success", user=user, session_token=token, expires_at=expires, relay_state=relay_state, ended=txn
    )


def _proven(handle: Handle, kind: FactorKind) -> None:
    for method in (kind.amr, "mfa"):
        if method not in handle.txn.amr:
            handle.txn.amr.append(method)
    _flag(handle, "mfaDone")


def _activate_user(ctx: Context, user: User) -> None:
    now = ctx.clock.now()
    user.status = "ACTIVE"
    user.activated_at = user.activated_at or now
    user.status_changed_at = now
    user.last_updated_at = now
    user.activation_token_digest = None
    user.activation_expires_at = None


# --- factors -------------------------------------------------------------------------------------


def _factor(db: Session, user: User, factor_id: str) -> Factor:
    factor = get_factor(db, user.id, factor_id)
    if factor is None or kind_for(factor.factor_type, factor.provider) is None:
        raise not_found(f"Resource not found: {factor_id} (UserFactor)")
    return factor


def _require(handle: Handle, *statuses: str) -> None:
    if handle.txn.status not in statuses:
        raise invalid_state()


def _require_unlocked(ctx: Context, handle: Handle) -> None:
    if lockout.is_locked(ctx, handle.user):
        raise lockout.user_locked_error()


def enroll_factor(
    ctx: Context,
    db: Session,
    state_token: str,
    factor_type: str,
    provider: str | None,
    given: FactorInput,
) -> AuthnResult:
    """Enroll (MFA_ENROLL) → MFA_ENROLL_ACTIVATE, or SUCCESS for a factor without activation."""
    handle = load_transaction(ctx, db, state_token)
    _require(handle, "MFA_ENROLL")
    _require_unlocked(ctx, handle)
    kind = kind_for(factor_type, provider)
    if kind is None or not kind.enrollable:
        raise validation_error("factorEnrollRequest", [UNSUPPORTED_FACTOR])
    if "profile" in given.malformed:
        raise validation_error("factorEnrollRequest", ["Invalid Profile."])
    chosen = (provider or kind.providers[0]).strip().upper()
    user = handle.user
    for existing in list(user.factors):
        if existing.factor_type == kind.factor_type and existing.provider == chosen:
            if existing.status == "ACTIVE":
                raise validation_error("factorEnrollRequest", [FACTOR_EXISTS])
            user.factors.remove(existing)
            db.delete(existing)
    db.flush()
    factor = kind.enroll(ctx, db, user, chosen, given)
    if factor not in user.factors:
        user.factors.append(factor)
    db.flush()
    if factor.status == "ACTIVE":
        _proven(handle, kind)
        _flag(handle, "enrolledNow")
        return advance(ctx, db, handle)
    _set_status(handle, "MFA_ENROLL_ACTIVATE", factor.id)
    started = kind.start_activation(ctx, db, handle.txn, factor, given)
    if started is not None:
        return _apply_activation(ctx, db, handle, factor, started)
    return AuthnResult("transaction", handle)


def _pending_factor(db: Session, handle: Handle, factor_id: str) -> Factor:
    _require(handle, "MFA_ENROLL_ACTIVATE")
    factor = _factor(db, handle.user, factor_id)
    if factor.id != handle.txn.factor_id:
        raise invalid_state()
    return factor


def _apply_activation(
    ctx: Context, db: Session, handle: Handle, factor: Factor, outcome: FactorOutcome
) -> AuthnResult:
    kind = kind_of(factor)
    if outcome.result == "SUCCESS":
        now = ctx.clock.now()
        factor.status = "ACTIVE"
        factor.last_updated_at = now
        factor.last_verified_at = now
        _proven(handle, kind)
        _flag(handle, "enrolledNow")
        return advance(ctx, db, handle)
    if outcome.result == "CHALLENGE":
        _set_status(handle, "MFA_ENROLL_ACTIVATE", factor.id, outcome.factor_result)
        return AuthnResult("transaction", handle)
    # ASSUMPTION: failed activation codes do not count toward the lockout (Okta rate-limits them instead).
    raise OktaError(outcome.code, causes=outcome.causes)


def activate_factor(
    ctx: Context, db: Session, state_token: str, factor_id: str, given: FactorInput
) -> AuthnResult:
    """`POST /api/v1/authn/factors/{id}/lifecycle/activate`."""
    handle = load_transaction(ctx, db, state_token)
    factor = _pending_factor(db, handle, factor_id)
    return _apply_activation(
        ctx, db, handle, factor, kind_of(factor).activate(ctx, db, handle.txn, factor, given)
    )


def activation_action(
    ctx: Context,
    db: Session,
    state_token: str,
    factor_id: str,
    action: str,
    given: FactorInput,
    channel: str | None = None,
) -> AuthnResult:
    """The kind-defined activation sub-resources: `poll`, `resend` and `send` (to email or sms)."""
    handle = load_transaction(ctx, db, state_token)
    factor = _pending_factor(db, handle, factor_id)
    kind = kind_of(factor)
    if action == "poll":
        outcome = kind.poll_activation(ctx, db, handle.txn, factor, given)
    elif action == "resend":
        outcome = kind.resend_activation(ctx, db, handle.txn, factor, given)
    else:
        outcome = kind.send_activation(ctx, db, handle.txn, factor, channel or "", given)
    return _apply_activation(ctx, db, handle, factor, outcome)


def _apply_verification(
    ctx: Context, db: Session, handle: Handle, factor: Factor, outcome: FactorOutcome
) -> AuthnResult:
    kind = kind_of(factor)
    if outcome.result == "SUCCESS":
        factor.last_verified_at = ctx.clock.now()
        handle.user.failed_factor_attempts = 0
        _proven(handle, kind)
        _set_status(handle, handle.txn.status)
        return advance(ctx, db, handle)
    if outcome.result == "CHALLENGE":
        _set_status(handle, "MFA_CHALLENGE", factor.id, outcome.factor_result)
        return AuthnResult("transaction", handle)
    locked = outcome.counts and lockout.factor_failed(ctx, handle.user)
    events.record(
        ctx, db, handle.user, events.LOCK if locked else events.MFA, "FAILURE", txn=handle.txn,
        reason="LOCKED_OUT" if locked else "INVALID_CREDENTIALS", methods=[kind_of(factor).amr],
    )
    if locked:
        end_transaction(db, handle)
        raise lockout.user_locked_error(commit=True)
    raise OktaError(outcome.code, causes=outcome.causes, commit=True)


def _switch_challenge(ctx: Context, db: Session, handle: Handle, factor: Factor) -> None:
    """Verifying another factor than the one being challenged abandons the first challenge."""
    current = handle.txn.factor_id
    if handle.txn.status == "MFA_CHALLENGE" and current and current != factor.id:
        previous = get_factor(db, handle.user.id, current)
        if previous is not None and kind_for(previous.factor_type, previous.provider):
            kind_of(previous).leave_challenge(ctx, db, handle.txn, previous)


def _active_factor_for_verify(ctx: Context, db: Session, handle: Handle, factor_id: str) -> Factor:
    _require(handle, "MFA_REQUIRED", "MFA_CHALLENGE")
    factor = _factor(db, handle.user, factor_id)
    if factor.status != "ACTIVE":
        raise not_found(f"Resource not found: {factor_id} (UserFactor)")
    if ctx.era.factor_retired(factor.factor_type):
        raise validation_error("factor", [RETIRED_MESSAGE])
    if lockout.is_locked(ctx, handle.user):
        raise lockout.user_locked_error()
    return factor


def verify_factor(
    ctx: Context, db: Session, state_token: str, factor_id: str, given: FactorInput
) -> AuthnResult:
    """`POST /api/v1/authn/factors/{id}/verify` (also the push poll URL)."""
    handle = load_transaction(ctx, db, state_token)
    factor = _active_factor_for_verify(ctx, db, handle, factor_id)
    _switch_challenge(ctx, db, handle, factor)
    outcome = kind_of(factor).verify(ctx, db, handle.txn, factor, given)
    return _apply_verification(ctx, db, handle, factor, outcome)


def resend_challenge(
    ctx: Context, db: Session, state_token: str, factor_id: str, given: FactorInput
) -> AuthnResult:
    """`POST /api/v1/authn/factors/{id}/verify/resend` (the kind decides; E0000079 by default)."""
    handle = load_transaction(ctx, db, state_token)
    _require(handle, "MFA_CHALLENGE")
    factor = _active_factor_for_verify(ctx, db, handle, factor_id)
    if factor.id != handle.txn.factor_id:
        raise invalid_state()
    outcome = kind_of(factor).resend_challenge(ctx, db, handle.txn, factor, given)
    return _apply_verification(ctx, db, handle, factor, outcome)


# --- navigation ----------------------------------------------------------------------------------


def _leave_current(ctx: Context, db: Session, handle: Handle) -> None:
    txn = handle.txn
    factor = get_factor(db, handle.user.id, txn.factor_id) if txn.factor_id and handle.user else None
    if factor is None:
        return
    if txn.status == "MFA_CHALLENGE" and kind_for(factor.factor_type, factor.provider):
        kind_of(factor).leave_challenge(ctx, db, txn, factor)
    elif txn.status == "MFA_ENROLL_ACTIVATE" and factor.status != "ACTIVE":
        handle.user.factors.remove(factor)
        db.delete(factor)


def previous(ctx: Context, db: Session, state_token: str) -> AuthnResult:
    """`/previous`: MFA_ENROLL_ACTIVATE → MFA_ENROLL (the pending factor is dropped), MFA_CHALLENGE → MFA_REQUIRED."""
    handle = load_transaction(ctx, db, state_token)
    back = {"MFA_ENROLL_ACTIVATE": "MFA_ENROLL", "MFA_CHALLENGE": "MFA_REQUIRED"}.get(handle.txn.status)
    if back is None:
        raise invalid_state()
    _leave_current(ctx, db, handle)
    _set_status(handle, back)
    return AuthnResult("transaction", handle)


def skip(ctx: Context, db: Session, state_token: str) -> AuthnResult:
    """`/skip`: only where a `skip` link is published (PASSWORD_WARN; MFA_ENROLL when nothing is required)."""
    handle = load_transaction(ctx, db, state_token)
    status = handle.txn.status
    if status == "PASSWORD_WARN":
        _flag(handle, "warnDone")
    elif status == "MFA_ENROLL" and rules.enroll_skip_allowed(ctx, handle.user):
        _flag(handle, "enrollDone")
    else:
        raise invalid_state()
    return advance(ctx, db, handle)


def cancel(ctx: Context, db: Session, state_token: str) -> AuthnResult:
    """`/cancel`: the transaction ends (its stateToken stops working)."""
    handle = load_transaction(ctx, db, state_token, allow_anonymous=True)
    _leave_current(ctx, db, handle)
    relay_state = handle.txn.relay_state
    end_transaction(db, handle)
    return AuthnResult("cancelled", relay_state=relay_state)


# --- passwords -----------------------------------------------------------------------------------


def _policy_causes(ctx: Context, user: User, password: str) -> list[str]:
    return [f"password: {problem}" for problem in policy_violations(password, user.login, ctx.settings)]


def change_password(
    ctx: Context, db: Session, state_token: str, old_password: str, new_password: str
) -> AuthnResult:
    """`/credentials/change_password` in PASSWORD_EXPIRED or PASSWORD_WARN; 403 E0000014 with causes."""
    handle = load_transaction(ctx, db, state_token)
    _require(handle, "PASSWORD_EXPIRED", "PASSWORD_WARN")
    user = handle.user
    if not verify_secret(old_password, user.password_hash):
        raise OktaError("E0000014", causes=[WRONG_OLD_PASSWORD])
    causes = _policy_causes(ctx, user, new_password)
    if not causes and new_password == old_password:
        # ASSUMPTION: the expired password cannot be chosen again (Okta's history rule).
        causes = [SAME_PASSWORD]
    if causes:
        raise OktaError("E0000014", causes=causes)
    set_password(ctx, user, new_password)
    if user.status == "PASSWORD_EXPIRED":
        user.status = "ACTIVE"
        user.status_changed_at = ctx.clock.now()
    _flag(handle, "warnDone")
    return advance(ctx, db, handle)


def reset_password(ctx: Context, db: Session, state_token: str, new_password: str) -> AuthnResult:
    """`/credentials/reset_password` in PASSWORD_RESET (activation: the invited user's first password)."""
    handle = load_transaction(ctx, db, state_token)
    _require(handle, "PASSWORD_RESET")
    user = handle.user
    causes = _policy_causes(ctx, user, new_password)
    if causes:
        raise OktaError("E0000014", causes=causes)
    set_password(ctx, user, new_password)
    if user.status in ("PROVISIONED", "STAGED", "RECOVERY", "PASSWORD_EXPIRED"):
        _activate_user(ctx, user)
    if "pwd" not in handle.txn.amr:
        handle.txn.amr.append("pwd")
    _flag(handle, "warnDone")
    return advance(ctx, db, handle)
