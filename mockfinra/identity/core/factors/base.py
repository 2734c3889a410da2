"""The factor kind base class and the values factor kinds and the authn transactions exchange.

A factor kind is domain logic only: it reads a normalised `FactorInput` (whatever wire format the request
came in) and answers a `FactorOutcome`. How a factor looks on a wire lives with that wire format: Okta's
classic API in `identity/classic/factor_views.py`, the Identity Engine in `identity/idx/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy.orm import Session

from mockfinra.errors import OktaError, invalid_state, validation_error
from mockfinra.security import new_id
from mockfinra.store.users import Factor, User

if TYPE_CHECKING:
    from mockfinra.context import Context
    from mockfinra.store.authn import Transaction

INVALID_PROFILE = "Invalid Profile."


@dataclass
class FactorInput:
    """One request's input to a factor, in the domain's words.

    - `passcode`: a one-time code (an authenticator app's TOTP, an SMS or voice code, an activation code).
    - `answer`: a security question's answer.
    - `profile`: enrollment details (`phoneNumber`, `phoneExtension`, `question` and `answer`, ...), and the
      phone number a push activation link is texted to.
    - `malformed`: the fields the request gave in a shape the wire format does not allow (a `profile` that
      is not an object, ...); the domain refuses them at the point the real service does.
    - who is calling (for the push notification) and the MFA service's absolute base URL as this request
      sees it (push QR codes and activation links carry it).
    """

    passcode: str | None = None
    answer: str | None = None
    profile: dict[str, Any] = field(default_factory=dict)
    malformed: tuple[str, ...] = ()
    client_ip: str | None = None
    user_agent: str | None = None
    base_url: str | None = None


@dataclass
class FactorOutcome:
    """What a factor kind's `verify`/`activate`/`challenge` decided.

    - `SUCCESS`: the factor is proven (activation complete); the transaction moves on.
    - `CHALLENGE`: stay in (or enter) the challenge / activation; `factor_result` is the transaction's
      factor result (WAITING, REJECTED, TIMEOUT, ...), None for a plain challenge.
    - `FAILED`: the answer was wrong: 403 with `code` (E0000068 by default) and `causes`; when `counts`,
      the failure counts toward `settings.factor_lockout_threshold`.
    """

    result: str
    factor_result: str | None = None
    causes: list[str] = field(default_factory=list)
    code: str = "E0000068"
    counts: bool = True

    @classmethod
    def success(cls) -> FactorOutcome:
        return cls("SUCCESS")

    @classmethod
    def challenge(cls, factor_result: str | None = None) -> FactorOutcome:
        return cls("CHALLENGE", factor_result=factor_result)

    @classmethod
    def failed(cls, *causes: str, code: str = "E0000068", counts: bool = True) -> FactorOutcome:
        return cls("FAILED", causes=list(causes), code=code, counts=counts)


def challenging(txn: Transaction, factor: Factor) -> bool:
    """The transaction is in a challenge of this factor (a push waits, a code was sent)."""
    return txn.status == "MFA_CHALLENGE" and txn.factor_id == factor.id


class FactorKind:
    """Defaults for every factor kind; subclasses set the class attributes and override what differs."""

    #: Okta factorType, e.g. "question", "token:software:totp", "sms", "call", "push"
    factor_type: ClassVar[str] = ""
    #: providers this kind serves, first one the default ("OKTA", "GOOGLE")
    providers: ClassVar[tuple[str, ...]] = ("OKTA",)
    #: factor id prefix per provider (Okta: ufs question, ost Okta TOTP, uft Google TOTP, ...)
    id_prefixes: ClassVar[dict[str, str]] = {}
    #: the `amr` value a verification adds to the session ("kba", "otp", "sms", "tel", "swk", ...)
    amr: ClassVar[str] = "mfa"
    #: True when enrollment needs an activation step; False: enroll makes the factor ACTIVE
    needs_activation: ClassVar[bool] = True
    #: which `FactorInput` field answers a challenge ("passcode", "answer"); None: nothing is typed
    answer_field: ClassVar[str | None] = "passcode"
    #: offered for enrollment (a kind may exist only for provisioning, e.g. a retired factor)
    enrollable: ClassVar[bool] = True

    # --- identity -------------------------------------------------------------------------------

    def new_factor(self, ctx: Context, user: User, provider: str, status: str) -> Factor:
        """An unsaved Factor row of this kind (the caller fills in secrets and profile)."""
        now = ctx.clock.now()
        prefix = self.id_prefixes.get(provider, "fac")
        return Factor(
            id=new_id(prefix),
            user_id=user.id,
            factor_type=self.factor_type,
            provider=provider,
            status=status,
            profile={},
            data={},
            created_at=now,
            last_updated_at=now,
        )

    def answer_of(self, given: FactorInput) -> str | None:
        """The user's answer to a challenge in `given`, or None when the request carries none."""
        return getattr(given, self.answer_field) if self.answer_field else None

    # --- enrollment and activation ---------------------------------------------------------------

    def enroll(
        self, ctx: Context, db: Session, user: User, provider: str, given: FactorInput
    ) -> Factor:
        """Validate the enrollment details (`given.profile`) and create the factor (PENDING_ACTIVATION or ACTIVE)."""
        raise validation_error("factorEnrollRequest", [INVALID_PROFILE])

    def start_activation(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome | None:
        """Right after `enroll` created a factor that needs activation (sms: send the code, push: WAITING).
        A CHALLENGE outcome's `factor_result` becomes the transaction's factor result."""
        return None

    def activate(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        """Check the activation (a code). SUCCESS makes the factor ACTIVE."""
        return self.check(ctx, db, txn, factor, given)

    def poll_activation(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        """Poll an activation that completes elsewhere (push). Not available for code-based factors."""
        raise invalid_state()

    def resend_activation(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        """Send the enrollment code again (sms/call)."""
        raise invalid_state()

    def send_activation(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, channel: str, given: FactorInput
    ) -> FactorOutcome:
        """Send the activation link by `channel` (push: email or sms)."""
        raise invalid_state()

    # --- challenge and verification --------------------------------------------------------------

    def verify(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        """Check the answer when one is given, else start a challenge.

        A push kind overrides this to answer polls with WAITING / SUCCESS / REJECTED.
        """
        if self.answer_of(given) is not None:
            return self.check(ctx, db, txn, factor, given)
        return self.challenge(ctx, db, txn, factor, given) or FactorOutcome.challenge()

    def challenge(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome | None:
        """Start a challenge without an answer (sms/call send a code, push sends a push).

        None means "nothing to send, the factor just needs the answer".
        """
        return None

    def check(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        """Check the user's answer (`self.answer_of(given)`)."""
        return FactorOutcome.failed()

    def resend_challenge(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        """Send the challenge again."""
        raise invalid_state()

    def leave_challenge(self, ctx: Context, db: Session, txn: Transaction, factor: Factor) -> None:
        """The transaction left the challenge of this factor (back, cancel, another factor): drop pending work."""

    def qr_code_uri(self, ctx: Context, factor: Factor, user: User, token: str) -> str | None:
        """The URI the factor's activation QR code encodes for this activation `token`; None: no QR code."""
        return None

    # --- the control plane -----------------------------------------------------------------------

    def provision(
        self, ctx: Context, db: Session, user: User, spec: dict[str, Any], hash_cost: int
    ) -> tuple[Factor, dict[str, Any]]:
        """Create an ACTIVE factor for `POST /_mock/users` / the seed; returns it and what the caller
        should be told (a TOTP secret and its otpauth URI, ...)."""
        raise OktaError("E0000001", "factors", [f"factors: {self.factor_type} cannot be provisioned"])
