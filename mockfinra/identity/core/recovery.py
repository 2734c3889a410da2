"""Self-service recovery as Okta's Authentication API does it: forgotten password and account unlock.

- `start`: `/recovery/password` or `/recovery/unlock` with `factorType` SMS or CALL (a code to the user's
  phone; RECOVERY_CHALLENGE with a stateToken) or EMAIL (a link with a one-time recovery token;
  RECOVERY_CHALLENGE / WAITING without a stateToken).
- `verify_factor` (the code) or `redeem_token` (the link) → RECOVERY: the recovery question.
- `answer` → PASSWORD_RESET (`/credentials/reset_password`, handled by the state machine) → SUCCESS;
  for an unlock, SUCCESS at once with the account unlocked and no sessionToken.

No enumeration: an unknown user, one in a status that cannot recover, or one without the chosen factor
gets the same answer as a known one. For SMS/CALL that is a stateToken whose verification always fails
with the same error; nothing is sent for them.

ASSUMPTIONS (the NASDAQ tenant's recovery policy is not documented):
- SMS/CALL recovery uses the user's ACTIVE sms/call factor's phone, else the profile `mobilePhone`
  (`settings.recovery_sms_mobile_phone`).
- The recovery (code or link, then the recovery question) stands in for MFA: after the password reset
  the sign-in succeeds without another factor. A user without a recovery question skips the question.
- Proving the recovery unlocks a locked account for a password reset too, as Okta's self-service reset does.
- Wrong recovery codes and answers do not count toward the lockout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from mockfinra.errors import OktaError, invalid_state, invalid_token, validation_error
from mockfinra.identity.core import lockout, phones
from mockfinra.identity.core.authn import AuthnResult
from mockfinra.identity.core.transactions import (
    Handle,
    create_transaction,
    end_transaction,
    load_transaction,
)
from mockfinra.identity.core.users import normalise_answer
from mockfinra.security import digest, new_token, verify_secret
from mockfinra.store.recovery import RecoveryToken, find_recovery_token
from mockfinra.store.users import User, find_user_by_login

if TYPE_CHECKING:
    from mockfinra.context import Context

RECOVERY_TYPES = ("PASSWORD", "UNLOCK")
FACTOR_TYPES = ("SMS", "CALL", "EMAIL")
PHONE_KINDS = {"SMS": "sms", "CALL": "call"}
#: user statuses that may recover; any other status is treated like an unknown user
ELIGIBLE_STATUSES = ("ACTIVE", "PASSWORD_EXPIRED", "LOCKED_OUT", "RECOVERY")
PURPOSE = "recovery"
WRONG_CODE = "Your passcode doesn't match our records. Please try again."
#: the amr each recovery factor adds (RFC 8176 names; "email" as Okta records it)
AMR = {"SMS": "sms", "CALL": "tel", "EMAIL": "email"}
LINK_PATHS = {"PASSWORD": "/signin/reset-password/", "UNLOCK": "/signin/unlock/"}


@dataclass
class RecoveryResult:
    """An answer that is not a live transaction: the email was (or seemed to be) sent, or an unlock ended."""

    kind: str  # "email_sent" | "unlocked"
    recovery_type: str
    factor_type: str | None = None
    relay_state: str | None = None
    user: User | None = None
    expires_at: datetime | None = None


def _eligible(user: User | None) -> bool:
    return user is not None and user.status in ELIGIBLE_STATUSES


def recovery_phone(ctx: Context, user: User, factor_type: str) -> tuple[str, str | None] | None:
    """The number (and extension) a recovery code goes to, or None when the user has none."""
    kind = PHONE_KINDS[factor_type]
    for factor in user.factors:
        profile = factor.profile or {}
        if factor.factor_type == kind and factor.status == "ACTIVE" and profile.get("phoneNumber"):
            return str(profile["phoneNumber"]), profile.get("phoneExtension")
    if ctx.settings.recovery_sms_mobile_phone and user.mobile_phone:
        try:
            number = phones.settings_parse(ctx, user.mobile_phone)
        except phones.PhoneNumberError:
            return None
        return number.e164, number.extension if kind == "call" else None
    return None


def _check_factor_type(factor_type: Any) -> str:
    wanted = str(factor_type or "").strip().upper()
    if wanted not in FACTOR_TYPES:
        raise validation_error(
            "factorType", [f"factorType: '{factor_type}' is not one of {', '.join(FACTOR_TYPES)}"]
        )
    return wanted


def start(
    ctx: Context,
    db: Session,
    recovery_type: str,
    username: str,
    factor_type: Any,
    relay_state: str | None,
    base_url: str,
) -> AuthnResult | RecoveryResult:
    """`/recovery/password` and `/recovery/unlock`."""
    chosen = _check_factor_type(factor_type)
    user = find_user_by_login(db, username or "", factors=False)  # loaded only if a phone is looked for
    if user is not None:
        lockout.auto_unlock(ctx, user)
    if not _eligible(user):
        user = None
    if chosen == "EMAIL":
        if user is not None:
            send_link(ctx, db, user, recovery_type, relay_state, base_url)
        else:
            _rehearse_link(ctx, db, username or "", recovery_type, base_url)
        return RecoveryResult("email_sent", recovery_type, "EMAIL", relay_state)
    phone = recovery_phone(ctx, user, chosen) if user is not None else None
    handle = create_transaction(
        ctx, db, user if phone else None, "RECOVERY_CHALLENGE", relay_state=relay_state
    )
    handle.txn.recovery_type = recovery_type
    handle.txn.recovery_factor_type = chosen
    _send_code(ctx, db, handle, phone)
    return AuthnResult("transaction", handle)


def _send_code(ctx: Context, db: Session, handle: Handle, phone: tuple[str, str | None] | None) -> None:
    """A fresh code, sent when there is a phone; for an unknown user it is kept but never sent (so the
    throttle and the stored state look the same)."""
    code = phones.new_code()
    phones.store_code(ctx, handle.txn.data, code, PURPOSE)
    kind = PHONE_KINDS[handle.txn.recovery_factor_type or "SMS"]
    if phone is None or handle.user is None:  # the message's cost, nothing sent (as `_rehearse_link`)
        phones.send_code(ctx, db, kind, "", code, rehearsal=True)
        return
    number, extension = phone
    handle.txn.data["phone"] = number
    phones.send_code(
        ctx,
        db,
        kind,
        number,
        code,
        extension=extension,
        meta={"purpose": f"recovery-{(handle.txn.recovery_type or '').lower()}", "userId": handle.user.id},
    )


def issue_link(
    ctx: Context, db: Session, user: User, recovery_type: str, relay_state: str | None, base_url: str
) -> tuple[str, datetime]:
    """A one-time recovery link (the page that redeems its token) and when it expires."""
    token = new_token(nbytes=24)
    now = ctx.clock.now()
    expires = now + timedelta(seconds=ctx.settings.recovery_token_ttl_seconds)
    db.add(
        RecoveryToken(
            digest=digest(token),
            user_id=user.id,
            recovery_type=recovery_type,
            relay_state=relay_state,
            created_at=now,
            expires_at=expires,
        )
    )
    return base_url + LINK_PATHS[recovery_type] + token, expires


def _rehearse_link(ctx: Context, db: Session, login: str, recovery_type: str, base_url: str) -> None:
    """For an unknown user, what a known one's link costs: a token and the email are made, and the email is
    stored and taken back at once (a rehearsal: mockfinra/outbox/messages.py `record`), so nothing is kept or sent and
    the answer takes as long (no user enumeration by timing). The token row is not written: it would need a
    user to refer to, and its one insert weighs what the savepoint around the email does."""
    from mockfinra.outbox import emails

    token = new_token(nbytes=24)
    digest(token)
    expires = ctx.clock.now() + timedelta(seconds=ctx.settings.recovery_token_ttl_seconds)
    email = emails.recovery_link("", recovery_type, base_url + LINK_PATHS[recovery_type] + token, expires)
    emails.send(db, ctx.clock, ctx.outbox, login, email, rehearsal=True)


def send_link(
    ctx: Context, db: Session, user: User, recovery_type: str, relay_state: str | None, base_url: str
) -> None:
    from mockfinra.outbox import emails

    link, expires = issue_link(ctx, db, user, recovery_type, relay_state, base_url)
    email = emails.recovery_link(user.first_name, recovery_type, link, expires)
    emails.send(db, ctx.clock, ctx.outbox, user.email, email, meta={"userId": user.id})


def _challenge(ctx: Context, db: Session, state_token: str, factor: str) -> Handle:
    handle = load_transaction(ctx, db, state_token, allow_anonymous=True)
    txn = handle.txn
    if txn.status != "RECOVERY_CHALLENGE" or txn.recovery_factor_type != factor.upper():
        raise invalid_state()
    return handle


def verify_factor(
    ctx: Context, db: Session, state_token: str, factor: str, passcode: str | None
) -> AuthnResult | RecoveryResult:
    """`/recovery/factors/{SMS|CALL}/verify {passCode}` → RECOVERY; 403 E0000068 for a wrong code."""
    handle = _challenge(ctx, db, state_token, factor)
    if handle.user is None or not phones.code_matches(ctx, handle.txn.data, passcode, PURPOSE):
        raise OktaError("E0000068", causes=[WRONG_CODE])
    return _proven(ctx, db, handle, AMR[factor.upper()])


def resend(ctx: Context, db: Session, state_token: str, factor: str) -> AuthnResult:
    """`/recovery/factors/{SMS|CALL}/resend`: a new code; 429 E0000109 / E0000133 within the throttle."""
    handle = _challenge(ctx, db, state_token, factor)
    phones.check_throttle(ctx, handle.txn.data, PHONE_KINDS[factor.upper()])
    phone = None
    if handle.user is not None:
        phone = recovery_phone(ctx, handle.user, factor.upper())
    _send_code(ctx, db, handle, phone)
    return AuthnResult("transaction", handle)


def redeem_token(ctx: Context, db: Session, recovery_token: str) -> AuthnResult | RecoveryResult:
    """`/recovery/token {recoveryToken}` (the emailed link) → RECOVERY; 401 E0000011 when it is not valid."""
    row = find_recovery_token(db, recovery_token)
    now = ctx.clock.now()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise invalid_token()
    user = db.get(User, row.user_id)
    if not _eligible(user):
        raise invalid_token()
    assert user is not None
    row.used_at = now
    handle = create_transaction(ctx, db, user, "RECOVERY_CHALLENGE", relay_state=row.relay_state)
    handle.txn.recovery_type = row.recovery_type
    handle.txn.recovery_factor_type = "EMAIL"
    return _proven(ctx, db, handle, AMR["EMAIL"])


def _proven(ctx: Context, db: Session, handle: Handle, method: str) -> AuthnResult | RecoveryResult:
    """The recovery factor is proven: the recovery question next (skipped when the user has none)."""
    if method not in handle.txn.amr:
        handle.txn.amr.append(method)
    handle.txn.data.pop(phones.OTP_KEY, None)
    if handle.user.recovery_question and handle.user.recovery_answer_hash:
        handle.txn.status = "RECOVERY"
        return AuthnResult("transaction", handle)
    return _recovered(ctx, db, handle)


def answer(ctx: Context, db: Session, state_token: str, given: str) -> AuthnResult | RecoveryResult:
    """`/recovery/answer {answer}` → PASSWORD_RESET, or SUCCESS for an unlock; 403 E0000087 when wrong."""
    handle = load_transaction(ctx, db, state_token)
    if handle.txn.status != "RECOVERY":
        raise invalid_state()
    if not verify_secret(normalise_answer(given or ""), handle.user.recovery_answer_hash):
        raise OktaError("E0000087")
    if "kba" not in handle.txn.amr:
        handle.txn.amr.append("kba")
    return _recovered(ctx, db, handle)


def _recovered(ctx: Context, db: Session, handle: Handle) -> AuthnResult | RecoveryResult:
    user = handle.user
    if user.status == "LOCKED_OUT":
        lockout.unlock(ctx, user)
    txn = handle.txn
    if txn.recovery_type == "UNLOCK":
        lockout.reset_counters(user)
        relay_state = txn.relay_state
        end_transaction(db, handle)
        return RecoveryResult("unlocked", "UNLOCK", relay_state=relay_state, user=user, expires_at=txn.expires_at)
    txn.status = "PASSWORD_RESET"
    # The recovery stands in for MFA (see the module docstring); reset_password then moves on.
    txn.data["mfaDone"] = True
    if "mfa" not in txn.amr:
        txn.amr.append("mfa")
    return AuthnResult("transaction", handle)


# --- the Identity Engine's recovery: inside a sign-in transaction ------------------------------------
#
# ASSUMPTIONS: the recovery authenticators are the user's email (always) and phone (SMS or voice, where the
# era still has them); a code proves them (the email also carries the code, no magic link); no recovery
# question follows (Identity Engine orgs do not use the classic one); an unknown user sees the same steps
# and every code fails.

#: statuses of an Identity Engine recovery: who (when not identified yet), which method, the code
RECOVERY_IDENTIFY = "RECOVERY_IDENTIFY"
RECOVERY_SELECT = "RECOVERY_SELECT"
EMAIL_METHOD = "EMAIL"


def recovery_methods(ctx: Context, user: User | None) -> list[str]:
    """The methods (EMAIL, SMS, CALL) a recovery may send its code by, for this user (an unknown one gets
    email only: what every account has)."""
    methods = [EMAIL_METHOD]
    if user is None:
        return methods
    for method in ("SMS", "CALL"):
        if not ctx.era.factor_retired(PHONE_KINDS[method]) and recovery_phone(ctx, user, method) is not None:
            methods.append(method)
    return methods


def begin(ctx: Context, db: Session, state_token: str, recovery_type: str) -> Handle:
    """The sign-in turns into a recovery (`PASSWORD` or `UNLOCK`): identify first unless already done."""
    handle = load_transaction(ctx, db, state_token, allow_anonymous=True)
    txn = handle.txn
    txn.recovery_type = recovery_type
    txn.factor_id = None
    txn.factor_result = None
    identified = handle.user is not None or bool(txn.data.get("identifier"))
    txn.status = RECOVERY_SELECT if identified and recovery_type == "PASSWORD" else RECOVERY_IDENTIFY
    return handle


def identify_for_recovery(ctx: Context, db: Session, state_token: str, identifier: str) -> Handle:
    """The user to recover (no enumeration: an unknown one goes on with nobody behind the transaction)."""
    handle = load_transaction(ctx, db, state_token, allow_anonymous=True)
    if handle.txn.status != RECOVERY_IDENTIFY:
        raise invalid_state()
    user = find_user_by_login(db, identifier or "")
    if user is not None:
        lockout.auto_unlock(ctx, user)
    if not _eligible(user):
        user = None
    handle.txn.user_id = user.id if user is not None else None
    handle.user = user  # type: ignore[assignment]
    handle.txn.data["identifier"] = (identifier or "").strip()
    handle.txn.status = RECOVERY_SELECT
    return handle


def send_challenge(ctx: Context, db: Session, state_token: str, method: str) -> Handle:
    """Send the recovery code by `method` (EMAIL, SMS or CALL) → RECOVERY_CHALLENGE; 429 within the
    throttle when the same method is asked again."""
    handle = load_transaction(ctx, db, state_token, allow_anonymous=True)
    txn = handle.txn
    if txn.status not in (RECOVERY_SELECT, "RECOVERY_CHALLENGE"):
        raise invalid_state()
    wanted = method.upper()
    if wanted not in recovery_methods(ctx, handle.user):
        raise invalid_state()
    if txn.status == "RECOVERY_CHALLENGE" and txn.recovery_factor_type == wanted:
        phones.check_throttle(ctx, txn.data, PHONE_KINDS.get(wanted, "sms"))
    txn.recovery_factor_type = wanted
    txn.status = "RECOVERY_CHALLENGE"
    if wanted == EMAIL_METHOD:
        _send_email_code(ctx, db, handle)
    else:
        phone = recovery_phone(ctx, handle.user, wanted) if handle.user is not None else None
        _send_code(ctx, db, handle, phone)
    return handle


def _send_email_code(ctx: Context, db: Session, handle: Handle) -> None:
    """A code by email (kept for an unknown user too, never sent)."""
    from mockfinra.outbox import emails

    code = phones.new_code()
    phones.store_code(ctx, handle.txn.data, code, PURPOSE)
    user = handle.user
    if user is None:
        return
    unlock = handle.txn.recovery_type == "UNLOCK"
    email = emails.recovery_code(user.first_name, unlock, code, ctx.settings.otp_ttl_seconds // 60)
    emails.send(db, ctx.clock, ctx.outbox, user.email, email, meta={"userId": user.id})


def verify_challenge(ctx: Context, db: Session, state_token: str, passcode: str | None) -> AuthnResult | RecoveryResult:
    """The recovery code → PASSWORD_RESET (set a new password), or for an unlock the account unlocked and
    the transaction over; 403 E0000068 for a wrong code (the transaction stays)."""
    handle = load_transaction(ctx, db, state_token, allow_anonymous=True)
    txn = handle.txn
    if txn.status != "RECOVERY_CHALLENGE" or not txn.recovery_factor_type:
        raise invalid_state()
    if handle.user is None or not phones.code_matches(ctx, txn.data, passcode, PURPOSE):
        raise OktaError("E0000068", causes=[WRONG_CODE])
    method = AMR[txn.recovery_factor_type]
    if method not in txn.amr:
        txn.amr.append(method)
    txn.data.pop(phones.OTP_KEY, None)
    return _recovered(ctx, db, handle)


def resend_challenge(ctx: Context, db: Session, state_token: str) -> Handle:
    """The same method again (throttled)."""
    handle = load_transaction(ctx, db, state_token, allow_anonymous=True)
    if handle.txn.status != "RECOVERY_CHALLENGE" or not handle.txn.recovery_factor_type:
        raise invalid_state()
    return send_challenge(ctx, db, state_token, handle.txn.recovery_factor_type)
