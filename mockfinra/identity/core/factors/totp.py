"""TOTP factors: Google Authenticator (`token:software:totp`/GOOGLE) and Okta Verify codes (…/OKTA).

RFC 6238 with SHA1, 6 digits and 30-second steps, computed by pyotp at MOCK time (`TOTP.at(clock.now())`),
accepting `settings.totp_skew_steps` steps either way and refusing a code whose step was already used.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import TYPE_CHECKING, Any, ClassVar

import pyotp
from sqlalchemy.orm import Session

from mockfinra.errors import validation_error
from mockfinra.identity.core.factors import register
from mockfinra.identity.core.factors.base import FactorInput, FactorKind, FactorOutcome
from mockfinra.security import constant_time_equals, new_token
from mockfinra.store.users import Factor, User

if TYPE_CHECKING:
    from datetime import datetime

    from mockfinra.context import Context
    from mockfinra.store.authn import Transaction

TIME_STEP = 30
DIGITS = 6
WRONG_CODE = "Your passcode doesn't match our records. Please try again."
# ASSUMPTION: the wording for a code replayed within its step (Okta Identity Engine's message).
REPLAYED_CODE = "Each code can only be used once. Please wait for a new code and try again."
_BASE32 = re.compile(r"^[A-Z2-7]+=*$")


def normalise_secret(secret: Any) -> str | None:
    """A usable base32 secret (spaces removed, upper-cased), or None when it is not one.

    pyotp refuses secrets under 112 bits (23 base32 characters), so those are refused here too.
    """
    if not isinstance(secret, str):
        return None
    text = "".join(secret.split()).upper()
    if not text or not _BASE32.match(text):
        return None
    try:
        pyotp.TOTP(text).byte_secret()
    except (ValueError, TypeError):
        return None
    return text


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // TIME_STEP


def code_at(secret: str, moment: datetime, offset: int = 0) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=TIME_STEP).at(moment, counter_offset=offset)


def current_code(ctx: Context, factor: Factor) -> dict[str, Any]:
    """The code an authenticator app shows now (mock time): `{code, secondsRemaining, step}`."""
    now = ctx.clock.now()
    return {
        "code": code_at(factor.secret or "", now),
        "secondsRemaining": TIME_STEP - int(now.timestamp()) % TIME_STEP,
        "step": step_at(now),
    }


def otpauth_uri(ctx: Context, factor: Factor, login: str) -> str:
    """Google Authenticator's key URI: `otpauth://totp/{issuer}:{login}?secret=...&issuer=...`."""
    return pyotp.TOTP(factor.secret or "", digits=DIGITS, interval=TIME_STEP).provisioning_uri(
        name=login, issuer_name=ctx.settings.org_name
    )


def qr_token(factor: Factor) -> str:
    """The per-activation token in the QR code's URL: unguessable (keyed by the secret), never stored."""
    nonce = str((factor.data or {}).get("activation_nonce", ""))
    mac = hmac.new((factor.secret or "").encode(), f"{factor.id}:{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:24]).decode().rstrip("=")


def qr_png(uri: str) -> bytes:
    """The QR code of `uri` as a PNG (segno is imported here: start-up time is measured)."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def match_code(ctx: Context, factor: Factor, passcode: str | None) -> FactorOutcome:
    """Accept a code of the current step ± skew, once per step (RFC 6238 §5.2)."""
    code = (passcode or "").strip()
    if not factor.secret or len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return FactorOutcome.failed(WRONG_CODE)
    now = ctx.clock.now()
    current = step_at(now)
    skew = max(0, ctx.settings.totp_skew_steps)
    for offset in sorted(range(-skew, skew + 1), key=abs):
        if hmac.compare_digest(code_at(factor.secret, now, offset), code):
            step = current + offset
            if factor.last_totp_step is not None and step <= factor.last_totp_step:
                return FactorOutcome.failed(REPLAYED_CODE)
            factor.last_totp_step = step
            return FactorOutcome.success()
    return FactorOutcome.failed(WRONG_CODE)


@register
class TotpFactor(FactorKind):
    factor_type = "token:software:totp"
    providers = ("GOOGLE", "OKTA")
    id_prefixes: ClassVar[dict[str, str]] = {"OKTA": "ost", "GOOGLE": "uft"}
    amr = "otp"
    needs_activation = True
    answer_field = "passcode"

    def _create(self, ctx: Context, user: User, provider: str, secret: str, status: str) -> Factor:
        factor = self.new_factor(ctx, user, provider, status)
        factor.secret = secret
        factor.profile = {"credentialId": user.login}
        return factor

    def enroll(self, ctx: Context, db: Session, user: User, provider: str, given: FactorInput) -> Factor:
        factor = self._create(ctx, user, provider, pyotp.random_base32(), "PENDING_ACTIVATION")
        factor.data = {"activation_nonce": new_token(nbytes=12)}
        db.add(factor)
        return factor

    def check(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        return match_code(ctx, factor, given.passcode)

    def qr_code_uri(self, ctx: Context, factor: Factor, user: User, token: str) -> str | None:
        """Only while the factor awaits activation, and only with this activation's token."""
        if factor.status != "PENDING_ACTIVATION" or not constant_time_equals(qr_token(factor), token):
            return None
        return otpauth_uri(ctx, factor, user.login)

    def provision(
        self, ctx: Context, db: Session, user: User, spec: dict[str, Any], hash_cost: int
    ) -> tuple[Factor, dict[str, Any]]:
        provider = (spec.get("provider") or self.providers[0]).upper()
        given = spec.get("sharedSecret")
        secret = pyotp.random_base32() if given is None else normalise_secret(given)
        if secret is None:
            raise validation_error(
                "factors.sharedSecret",
                ["factors.sharedSecret: must be base32 (A-Z, 2-7) of at least 112 bits (23 characters)"],
            )
        factor = self._create(ctx, user, provider, secret, "ACTIVE")
        db.add(factor)
        return factor, {"sharedSecret": secret, "otpauthUri": otpauth_uri(ctx, factor, user.login)}
