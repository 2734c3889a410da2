"""Phone factors: SMS (`sms`/OKTA, ids `sms…`) here, and the base class the voice call factor shares.

Enrollment takes a phone number (E.164 after parsing, shown masked), sends a code and waits in
MFA_ENROLL_ACTIVATE for it (`resend` at `/lifecycle/resend`). Verification without a passCode sends a code
and answers MFA_CHALLENGE (`resend` at `/verify/resend`); with one it checks it. A code lives
`settings.otp_ttl_seconds` and is used once; a resend within `settings.resend_throttle_seconds` is refused
with 429 E0000109 (SMS) / E0000133 (call). Wrong codes at sign-in count toward the factor lockout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy.orm import Session

from mockfinra.errors import validation_error
from mockfinra.identity.core import phones
from mockfinra.identity.core.factors import register
from mockfinra.identity.core.factors.base import (
    FactorInput,
    FactorKind,
    FactorOutcome,
    challenging,
)
from mockfinra.store.users import Factor, User

if TYPE_CHECKING:
    from mockfinra.context import Context
    from mockfinra.store.authn import Transaction

WRONG_CODE = "Your passcode doesn't match our records. Please try again."
EXISTING_PHONE = "There is an existing verified phone number."
PHONE_FACTOR_TYPES = ("sms", "call")
ACTIVATION = "activation"
CHALLENGE = "challenge"


def verified_phones(user: User) -> set[str]:
    """The E.164 numbers of the user's ACTIVE sms and call factors."""
    return {
        str(f.profile.get("phoneNumber"))
        for f in user.factors
        if f.factor_type in PHONE_FACTOR_TYPES and f.status == "ACTIVE" and f.profile.get("phoneNumber")
    }


class PhoneFactor(FactorKind):
    """What SMS and voice call factors share; `kind` ("sms" | "call") picks the message and the errors."""

    providers = ("OKTA",)
    needs_activation = True
    answer_field = "passcode"
    kind: ClassVar[str] = "sms"

    # --- enrollment -----------------------------------------------------------------------------

    def _number(self, ctx: Context, raw: Any, field: str) -> phones.PhoneNumber:
        try:
            number = phones.settings_parse(ctx, raw)
        except phones.PhoneNumberError as error:
            raise validation_error(field, [f"{field}: {error}"]) from None
        if number.extension and self.kind == "sms":
            raise validation_error(field, [f"{field}: a text message cannot go to an extension."])
        return number

    def _extension(self, raw: Any, number: phones.PhoneNumber, field: str) -> str | None:
        if self.kind != "call":
            return None
        try:
            return phones.parse_extension(raw) or number.extension
        except phones.PhoneNumberError as error:
            raise validation_error(field, [f"{field}: {error}"]) from None

    def _create(
        self, ctx: Context, user: User, number: phones.PhoneNumber, extension: str | None, status: str
    ) -> Factor:
        factor = self.new_factor(ctx, user, "OKTA", status)
        profile: dict[str, Any] = {"phoneNumber": number.e164}
        if extension:
            profile["phoneExtension"] = extension
        factor.profile = profile
        return factor

    def enroll(self, ctx: Context, db: Session, user: User, provider: str, given: FactorInput) -> Factor:
        profile = given.profile
        number = self._number(ctx, profile.get("phoneNumber"), "phoneNumber")
        extension = self._extension(profile.get("phoneExtension"), number, "phoneExtension")
        verified = verified_phones(user)
        if verified and number.e164 not in verified:
            raise validation_error("factorEnrollRequest", [EXISTING_PHONE])
        factor = self._create(ctx, user, number, extension, "PENDING_ACTIVATION")
        db.add(factor)
        return factor

    def start_activation(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome | None:
        self._send(ctx, db, factor, ACTIVATION)
        return None

    def activate(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        if phones.code_matches(ctx, factor.data, given.passcode, ACTIVATION):
            return FactorOutcome.success()
        return FactorOutcome.failed(WRONG_CODE)

    def resend_activation(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        phones.check_throttle(ctx, factor.data, self.kind)
        self._send(ctx, db, factor, ACTIVATION)
        return FactorOutcome.challenge()

    # --- verification ---------------------------------------------------------------------------

    def challenge(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome | None:
        """Send a code. Asking again for the factor being challenged is a resend (throttled)."""
        if challenging(txn, factor):
            phones.check_throttle(ctx, factor.data, self.kind)
        self._send(ctx, db, factor, CHALLENGE)
        return FactorOutcome.challenge()

    def check(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        if phones.code_matches(ctx, factor.data, given.passcode, CHALLENGE):
            return FactorOutcome.success()
        return FactorOutcome.failed(WRONG_CODE)

    def resend_challenge(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        phones.check_throttle(ctx, factor.data, self.kind)
        self._send(ctx, db, factor, CHALLENGE)
        return FactorOutcome.challenge()

    def leave_challenge(self, ctx: Context, db: Session, txn: Transaction, factor: Factor) -> None:
        phones.forget_code(factor.data)

    # --- sending and showing ----------------------------------------------------------------------

    def _send(self, ctx: Context, db: Session, factor: Factor, purpose: str) -> None:
        code = phones.new_code()
        phones.store_code(ctx, factor.data, code, purpose)
        profile = factor.profile or {}
        phones.send_code(
            ctx,
            db,
            self.kind,
            str(profile.get("phoneNumber", "")),
            code,
            extension=profile.get("phoneExtension"),
            meta={"purpose": purpose, "factorId": factor.id, "factorType": self.factor_type, "userId": factor.user_id},
        )

    # --- the control plane ------------------------------------------------------------------------

    def provision(
        self, ctx: Context, db: Session, user: User, spec: dict[str, Any], hash_cost: int
    ) -> tuple[Factor, dict[str, Any]]:
        number = self._number(ctx, spec.get("phoneNumber"), "factors.phoneNumber")
        extension = self._extension(spec.get("phoneExtension"), number, "factors.phoneExtension")
        factor = self._create(ctx, user, number, extension, "ACTIVE")
        db.add(factor)
        return factor, {}


@register
class SmsFactor(PhoneFactor):
    factor_type = "sms"
    id_prefixes: ClassVar[dict[str, str]] = {"OKTA": "sms"}
    amr = "sms"
    kind = "sms"
