"""The virtual Okta Verify app: the pushes it receives and the enrollments it completes.

The push factor kind (`identity/factors/push.py`) sends pushes and reads their outcome; the control plane
(`control/push.py`) and the virtual phone page play the device: approve, deny, activate an enrollment.
Plain Python over the store and the mock clock.

A push is PENDING until the device answers (APPROVED / REJECTED) or `settings.push_timeout_seconds` of
mock time pass (TIMEOUT); CANCELLED when the sign-in moved on. A factor's `pushPolicy` decides at sending
time: `manual` (wait for the device), `approve`, `deny`, `timeout` (answered at once, as a device set up
that way would; the sign-in sees it at its next poll).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from mockfinra.clock import parse_instant
from mockfinra.errors import ClientError, validation_error
from mockfinra.security import new_id
from mockfinra.store.pushes import Push, find_pushes, get_push
from mockfinra.store.users import Factor, User

if TYPE_CHECKING:
    from mockfinra.context import Context

PUSH_POLICIES = ("manual", "approve", "deny", "timeout")
TOTP = "token:software:totp"
# ASSUMPTION: the location Okta Verify shows for a sign-in from this machine (no GeoIP offline).
CITY = "Localhost"
#: ASSUMPTION: the device details the factor profile shows once the virtual phone has enrolled
DEVICE_PROFILE = {
    "deviceType": "SmartPhone_IPhone",
    "name": "mockfinra Virtual Phone",
    "platform": "IOS",
    "version": "17.4",
}
_OUTCOME = {"approve": "APPROVED", "deny": "REJECTED", "timeout": "TIMEOUT"}


def check_policy(value: Any, field: str = "pushPolicy") -> str:
    """A pushPolicy (default `manual`); E0000001 naming `field` when it is not one."""
    if value is None:
        return "manual"
    policy = str(value).strip().lower()
    if policy not in PUSH_POLICIES:
        raise validation_error(field, [f"{field}: '{value}' is not one of {', '.join(PUSH_POLICIES)}"])
    return policy


# --- pushes ---------------------------------------------------------------------------------------


def refresh(ctx: Context, push: Push) -> Push:
    """A PENDING push whose time is up becomes TIMEOUT (checked whenever it is read)."""
    if push.status == "PENDING" and ctx.clock.now() >= push.expires_at:
        push.status = "TIMEOUT"
        push.resolved_at = push.expires_at
    return push


def _choices(correct: int) -> list[int]:
    """Okta Verify offers three numbers, one of them right."""
    numbers = {correct}
    while len(numbers) < 3:
        numbers.add(secrets.randbelow(90) + 10)
    return sorted(numbers)


def send_push(
    ctx: Context,
    db: Session,
    user: User,
    factor: Factor,
    transaction_id: str | None,
    client_ip: str | None,
    user_agent: str | None,
) -> Push:
    """Create a push for a sign-in and capture it in the outbox (channel `push`, to the user's login)."""
    from mockfinra.outbox.messages import record

    now = ctx.clock.now()
    policy = check_policy(factor.push_policy)
    correct = secrets.randbelow(90) + 10 if ctx.settings.push_number_challenge else None
    status = _OUTCOME.get(policy, "PENDING")
    push = Push(
        id=new_id("psh", 24),
        user_id=user.id,
        factor_id=factor.id,
        login=user.login_key,
        transaction_id=transaction_id,
        status=status,
        policy=policy,
        correct_answer=correct,
        choices=_choices(correct) if correct is not None else [],
        client_ip=client_ip,
        user_agent=user_agent,
        city=CITY,
        created_at=now,
        # A `timeout` device never answers: its push is already over.
        expires_at=now if policy == "timeout" else now + timedelta(seconds=ctx.settings.push_timeout_seconds),
        resolved_at=None if status == "PENDING" else now,
    )
    db.add(push)
    body = (
        f"{ctx.settings.org_name}: Did you just try to sign in as {user.login}? "
        f"Near {CITY}, from {client_ip or 'an unknown address'}."
    )
    if correct is not None:
        body += f" Select {correct} in Okta Verify to approve."
    record(
        db,
        ctx.clock,
        ctx.outbox,
        channel="push",
        to=user.login,
        subject="Okta Verify",
        body=body,
        code=str(correct) if correct is not None else None,
        meta={
            "pushId": push.id,
            "factorId": factor.id,
            "userId": user.id,
            "policy": policy,
            "status": status,
            "correctAnswer": correct,
            "choices": list(push.choices),
            "userAgent": user_agent,
            "city": CITY,
        },
    )
    return push


def cancel_push(ctx: Context, db: Session, push_id: str | None) -> None:
    """The sign-in no longer waits for this push (resend, previous, cancel, another factor)."""
    push = get_push(db, push_id) if push_id else None
    if push is not None and refresh(ctx, push).status == "PENDING":
        push.status = "CANCELLED"
        push.resolved_at = ctx.clock.now()


def _pending_push(ctx: Context, db: Session, push_id: str) -> Push:
    push = get_push(db, push_id)
    if push is None:
        raise ClientError(404, f"No push with id {push_id!r}.", "not_found")
    if refresh(ctx, push).status != "PENDING":
        raise ClientError(409, f"Push {push_id} is {push.status}, not PENDING.", "conflict", commit=True)
    return push


def approve(ctx: Context, db: Session, push_id: str, answer: Any = None) -> Push:
    """The device approves. With a number challenge `answer` must be the number the sign-in shows.

    ASSUMPTION: a wrong number is refused (400) and the push stays pending, so the test can try again;
    `settings.push_wrong_answer_rejects` makes it reject the push instead, as a cautious user would.
    """
    push = _pending_push(ctx, db, push_id)
    if push.correct_answer is not None:
        if answer is None:
            raise ClientError(
                400, f"answer: push {push_id} has a number challenge; send {{\"answer\": <number>}}.", "bad_request"
            )
        if not _same_number(answer, push.correct_answer):
            if ctx.settings.push_wrong_answer_rejects:
                push.status = "REJECTED"
                push.resolved_at = ctx.clock.now()
                raise ClientError(400, f"answer: {answer!r} is not the number shown; the push was rejected.", commit=True)
            raise ClientError(400, f"answer: {answer!r} is not the number shown; the push is still pending.")
    push.status = "APPROVED"
    push.resolved_at = ctx.clock.now()
    return push


def deny(ctx: Context, db: Session, push_id: str) -> Push:
    push = _pending_push(ctx, db, push_id)
    push.status = "REJECTED"
    push.resolved_at = ctx.clock.now()
    return push


def _same_number(answer: Any, correct: int) -> bool:
    if isinstance(answer, bool):
        return False
    try:
        return int(str(answer).strip()) == correct
    except ValueError:
        return False


def list_pushes(ctx: Context, db: Session, login: str | None, status: str | None) -> list[Push]:
    key = login.strip().lower() if login else None
    pushes = [refresh(ctx, push) for push in find_pushes(db, key)]
    return [push for push in pushes if status is None or push.status == status]


# --- enrollment -----------------------------------------------------------------------------------


def activation_expires_at(factor: Factor) -> datetime | None:
    value = (factor.data or {}).get("activationExpiresAt")
    return parse_instant(value) if value else None


def activation_state(ctx: Context, factor: Factor) -> str:
    """WAITING, ACTIVATED (the device finished, the sign-in will see it at its next poll) or TIMEOUT."""
    if (factor.data or {}).get("deviceActivated"):
        return "ACTIVATED"
    expires = activation_expires_at(factor)
    if expires is not None and ctx.clock.now() >= expires:
        return "TIMEOUT"
    return "WAITING"


def pending_enrollments(ctx: Context, db: Session, login: str | None) -> list[tuple[Factor, User]]:
    """Okta Verify enrollments waiting for the device, newest first."""
    query = select(Factor, User).join(User, Factor.user_id == User.id).where(
        Factor.factor_type == "push", Factor.status == "PENDING_ACTIVATION"
    )
    if login:
        query = query.where(User.login_key == login.strip().lower())
    return [(factor, user) for factor, user in db.execute(query.order_by(Factor.created_at.desc()))]


def mfa_base(ctx: Context, factor: Factor) -> str:
    """The MFA service URL the enrolling client used (kept at enrollment), else the configured one."""
    return (factor.data or {}).get("mfaBase") or f"http://{ctx.settings.host}:{ctx.settings.port}"


def enrollment_uri(ctx: Context, factor: Factor, user: User) -> str | None:
    """What the enrollment QR code encodes, as Okta Verify's: `otpauth://totp/{org}:{login}?issuer=…&t=<activation
    token>&f=<factor id>&s=<MFA service URL>&touchIdRequired=false` (no TOTP secret: the app gets one when it
    enrolls). None once the enrollment is over."""
    if factor.status != "PENDING_ACTIVATION" or not factor.secret:
        return None
    org = ctx.settings.org_name
    label = quote(f"{org}:{user.login}", safe="@:")
    query = urlencode(
        {"issuer": org, "t": factor.secret, "f": factor.id, "s": mfa_base(ctx, factor), "touchIdRequired": "false"},
        quote_via=lambda text, *_: quote(text, safe=":/"),
    )
    return f"otpauth://totp/{label}?{query}"


def activate_enrollment(ctx: Context, db: Session, factor_id: str) -> tuple[Factor, User]:
    """The device scanned the QR code: the enrollment completes at the sign-in's next poll."""
    factor = db.get(Factor, factor_id)
    if factor is None or factor.factor_type != "push":
        raise ClientError(404, f"No Okta Verify enrollment with factor id {factor_id!r}.", "not_found")
    state = activation_state(ctx, factor) if factor.status == "PENDING_ACTIVATION" else factor.status
    if state != "WAITING":
        hint = " (restart it with the enrollment's `activate` link)" if state == "TIMEOUT" else ""
        raise ClientError(409, f"Enrollment {factor_id} is {state}, not WAITING{hint}.", "conflict")
    factor.data["deviceActivated"] = True
    return factor, factor.user


def ensure_okta_totp(ctx: Context, db: Session, user: User, secret: str | None = None) -> Factor:
    """The Okta Verify TOTP factor (`token:software:totp`/OKTA) that comes with a push enrollment.

    An existing ACTIVE one is kept (its secret is what the app already holds); otherwise one is created
    ACTIVE with `secret` (or a new one), replacing one still awaiting activation.
    """
    import pyotp

    from mockfinra.identity.core.factors import kind_for

    existing = [f for f in user.factors if f.factor_type == TOTP and f.provider == "OKTA"]
    active = next((f for f in existing if f.status == "ACTIVE"), None)
    if active is not None:
        return active
    for stale in existing:
        user.factors.remove(stale)
        db.delete(stale)
    kind = kind_for(TOTP, "OKTA")
    assert kind is not None
    factor = kind.new_factor(ctx, user, "OKTA", "ACTIVE")
    factor.secret = secret or pyotp.random_base32()
    factor.profile = {"credentialId": user.login}
    db.add(factor)
    user.factors.append(factor)
    return factor
