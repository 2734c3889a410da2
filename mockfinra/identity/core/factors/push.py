"""Okta Verify push (`push`/OKTA, ids `opf…`), answered by the virtual phone (`identity/core/okta_verify.py`).

Enrollment: the activation waits (factor result WAITING) with a QR code (Okta Verify's enrollment URI, not a
TOTP key) until the virtual device activates it (control plane or phone page), or times out after
`settings.push_timeout_seconds`; activating again starts over. The completed enrollment also yields an
ACTIVE Okta Verify TOTP factor, as the real app enrolls both.

Verification: the first verify sends a push and waits (WAITING); the following ones are polls, answering
WAITING, then SUCCESS, REJECTED or TIMEOUT (the next verify after that sends a new push). With
`settings.push_number_challenge` the push carries a number challenge (`txn.data["pushAnswer"]`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from mockfinra.clock import isoformat_z
from mockfinra.errors import validation_error
from mockfinra.identity.core import okta_verify
from mockfinra.identity.core.factors import register
from mockfinra.identity.core.factors.base import (
    FactorInput,
    FactorKind,
    FactorOutcome,
    challenging,
)
from mockfinra.security import constant_time_equals, new_token
from mockfinra.store.pushes import get_push
from mockfinra.store.users import Factor, User

if TYPE_CHECKING:
    from mockfinra.context import Context
    from mockfinra.store.authn import Transaction

#: the push outcome → the transaction's factorResult
RESULTS = {"PENDING": "WAITING", "REJECTED": "REJECTED", "TIMEOUT": "TIMEOUT", "CANCELLED": "TIMEOUT"}


def _restart_activation(ctx: Context, factor: Factor, base_url: str | None) -> None:
    """A fresh activation token and QR code, valid `push_timeout_seconds` of mock time."""
    data = factor.data
    factor.secret = new_token(nbytes=18)
    data["activation_nonce"] = new_token(nbytes=12)
    data["activationExpiresAt"] = isoformat_z(
        ctx.clock.now() + timedelta(seconds=ctx.settings.push_timeout_seconds)
    )
    data["deviceActivated"] = False
    if base_url:
        data["mfaBase"] = base_url


@register
class PushFactor(FactorKind):
    factor_type = "push"
    providers = ("OKTA",)
    id_prefixes: ClassVar[dict[str, str]] = {"OKTA": "opf"}
    # ASSUMPTION: the amr Okta records for an Okta Verify push ("software-secured key").
    amr = "swk"
    needs_activation = True
    answer_field = None

    # --- enrollment -------------------------------------------------------------------------------

    def enroll(self, ctx: Context, db: Session, user: User, provider: str, given: FactorInput) -> Factor:
        factor = self.new_factor(ctx, user, "OKTA", "PENDING_ACTIVATION")
        factor.profile = {"credentialId": user.login}
        factor.push_policy = "manual"
        factor.data = {}
        _restart_activation(ctx, factor, given.base_url)
        db.add(factor)
        return factor

    def start_activation(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome | None:
        return FactorOutcome.challenge("WAITING")

    def poll_activation(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        state = okta_verify.activation_state(ctx, factor)
        if state == "ACTIVATED":
            self._complete(ctx, db, factor)
            return FactorOutcome.success()
        return FactorOutcome.challenge("TIMEOUT" if state == "TIMEOUT" else "WAITING")

    def activate(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        """`/lifecycle/activate` for a push factor restarts the activation (after TIMEOUT)."""
        if okta_verify.activation_state(ctx, factor) == "ACTIVATED":
            self._complete(ctx, db, factor)
            return FactorOutcome.success()
        _restart_activation(ctx, factor, given.base_url)
        return FactorOutcome.challenge("WAITING")

    def send_activation(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, channel: str, given: FactorInput
    ) -> FactorOutcome:
        """Send the enrollment link by email or SMS (to `profile.phoneNumber`, else the mobile phone)."""
        from mockfinra.identity.core import phones
        from mockfinra.outbox import emails
        from mockfinra.outbox.messages import record

        user = factor.user
        link = self._device_link(ctx, factor, user)
        meta = {"purpose": "push-activation", "factorId": factor.id, "userId": user.id}
        if channel == "email":
            emails.send(db, ctx.clock, ctx.outbox, user.email, emails.okta_verify_setup(user.first_name, link), meta)
            return FactorOutcome.challenge("WAITING")
        text = f"Open this link on your phone to set up Okta Verify for {ctx.settings.org_name}: {link}"
        raw = given.profile.get("phoneNumber") or user.mobile_phone
        try:
            to = phones.settings_parse(ctx, raw).e164
        except phones.PhoneNumberError as error:
            raise validation_error("phoneNumber", [f"phoneNumber: {error}"]) from None
        record(db, ctx.clock, ctx.outbox, channel="sms", to=to, body=text, link=link, meta=meta)
        return FactorOutcome.challenge("WAITING")

    def _device_link(self, ctx: Context, factor: Factor, user: User) -> str:
        """ASSUMPTION: the emailed/texted enrollment link opens the virtual phone page for the user."""
        return f"{okta_verify.mfa_base(ctx, factor)}/_mock/phone?{urlencode({'login': user.login})}"

    def _complete(self, ctx: Context, db: Session, factor: Factor) -> None:
        user = factor.user
        factor.profile = {"credentialId": user.login, **okta_verify.DEVICE_PROFILE}
        totp = okta_verify.ensure_okta_totp(ctx, db, user)
        factor.data["totpFactorId"] = totp.id
        factor.secret = None

    def qr_code_uri(self, ctx: Context, factor: Factor, user: User, token: str) -> str | None:
        """Okta Verify's enrollment URI, while the enrollment waits and only with this activation's token."""
        from mockfinra.identity.core.factors.totp import qr_token

        if not constant_time_equals(qr_token(factor), token):
            return None
        return okta_verify.enrollment_uri(ctx, factor, user)

    # --- verification -----------------------------------------------------------------------------

    def verify(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        """The first POST sends a push; the following ones (same URL) are polls."""
        push_id = txn.data.get("pushId")
        push = get_push(db, push_id) if push_id else None
        if push is None or push.factor_id != factor.id or not challenging(txn, factor):
            self._send(ctx, db, txn, factor, given)
            return FactorOutcome.challenge("WAITING")
        okta_verify.refresh(ctx, push)
        if push.status == "PENDING":
            return FactorOutcome.challenge("WAITING")
        # The outcome is reported once; a later POST to the verify URL sends a new push.
        txn.data.pop("pushId", None)
        txn.data.pop("pushAnswer", None)
        if push.status == "APPROVED":
            return FactorOutcome.success()
        return FactorOutcome.challenge(RESULTS.get(push.status, "REJECTED"))

    def resend_challenge(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        okta_verify.cancel_push(ctx, db, txn.data.get("pushId"))
        self._send(ctx, db, txn, factor, given)
        return FactorOutcome.challenge("WAITING")

    def leave_challenge(self, ctx: Context, db: Session, txn: Transaction, factor: Factor) -> None:
        okta_verify.cancel_push(ctx, db, txn.data.pop("pushId", None))
        txn.data.pop("pushAnswer", None)

    def _send(self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput) -> None:
        okta_verify.cancel_push(ctx, db, txn.data.get("pushId"))
        push = okta_verify.send_push(ctx, db, factor.user, factor, txn.id, given.client_ip, given.user_agent)
        txn.data["pushId"] = push.id
        txn.data["pushAnswer"] = push.correct_answer

    # --- the control plane ------------------------------------------------------------------------

    def provision(
        self, ctx: Context, db: Session, user: User, spec: dict[str, Any], hash_cost: int
    ) -> tuple[Factor, dict[str, Any]]:
        """An enrolled Okta Verify: the push factor and its TOTP factor (an existing Okta Verify TOTP
        factor is reused; else `sharedSecret` or a new secret)."""
        from mockfinra.identity.core.factors.totp import normalise_secret, otpauth_uri

        policy = okta_verify.check_policy(spec.get("pushPolicy"), "factors.pushPolicy")
        given = spec.get("sharedSecret")
        secret = None
        if given is not None:
            secret = normalise_secret(given)
            if secret is None:
                raise validation_error(
                    "factors.sharedSecret",
                    ["factors.sharedSecret: must be base32 (A-Z, 2-7) of at least 112 bits (23 characters)"],
                )
        existing = next(
            (f for f in user.factors if f.factor_type == okta_verify.TOTP and f.provider == "OKTA"), None
        )
        if existing is not None and secret is not None and existing.secret != secret:
            raise validation_error(
                "factors.sharedSecret",
                ["factors.sharedSecret: the user already has an Okta Verify TOTP factor with another secret"],
            )
        factor = self.new_factor(ctx, user, "OKTA", "ACTIVE")
        factor.profile = {"credentialId": user.login, **okta_verify.DEVICE_PROFILE}
        factor.push_policy = policy
        db.add(factor)
        totp = okta_verify.ensure_okta_totp(ctx, db, user, secret)
        factor.data = {"totpFactorId": totp.id}
        return factor, {
            "pushPolicy": policy,
            "totpFactorId": totp.id,
            "sharedSecret": totp.secret,
            "otpauthUri": otpauth_uri(ctx, totp, user.login),
        }
