"""The factor plugin base class and the values plugins and the authn state machine exchange."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy.orm import Session

from mockfinra.errors import OktaError, invalid_state, validation_error
from mockfinra.security import new_id
from mockfinra.store.users import Factor, User

if TYPE_CHECKING:
    from mockfinra.context import Context
    from mockfinra.links import Links
    from mockfinra.store.authn import Transaction

VERIFY_PATH = "/api/v1/authn/factors/{fid}/verify"
ACTIVATE_PATH = "/api/v1/authn/factors/{fid}/lifecycle/activate"
ENROLL_PATH = "/api/v1/authn/factors"
INVALID_PROFILE = "Invalid Profile."


@dataclass
class FactorCall:
    """One request's input to a plugin: the JSON body, the query parameters and who is calling."""

    body: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    client_ip: str | None = None
    user_agent: str | None = None
    #: the MFA service's absolute base URL as this request sees it (push QR codes and activation links)
    base_url: str | None = None

    def text(self, name: str) -> str | None:
        """A body field as text (numbers are accepted: some clients send passCode as a number)."""
        value = self.body.get(name)
        if value is None or isinstance(value, (dict, list, bool)):
            return None
        return str(value)


@dataclass
class FactorOutcome:
    """What a plugin's `verify`/`activate`/`challenge` decided.

    - `SUCCESS`: the factor is proven (activation complete); the machine moves the transaction on.
    - `CHALLENGE`: stay in (or enter) MFA_CHALLENGE / MFA_ENROLL_ACTIVATE; `factor_result` becomes the
      transaction's top-level `factorResult` (WAITING, REJECTED, TIMEOUT, ...), None for a plain challenge.
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


class FactorPlugin:
    """Defaults for every factor kind; subclasses set the class attributes and override what differs."""

    #: Okta factorType, e.g. "question", "token:software:totp", "sms", "call", "push"
    factor_type: ClassVar[str] = ""
    #: providers this plugin serves, first one the default ("OKTA", "GOOGLE")
    providers: ClassVar[tuple[str, ...]] = ("OKTA",)
    #: factor id prefix per provider (Okta: ufs question, ost Okta TOTP, uft Google TOTP, ...)
    id_prefixes: ClassVar[dict[str, str]] = {}
    #: the `amr` value a verification adds to the session ("kba", "otp", "sms", "tel", "swk", ...)
    amr: ClassVar[str] = "mfa"
    #: True when enrollment goes through MFA_ENROLL_ACTIVATE; False: enroll makes the factor ACTIVE
    needs_activation: ClassVar[bool] = True
    #: the body field carrying the user's answer to a challenge ("passCode", "answer"); None: none
    response_field: ClassVar[str | None] = "passCode"
    #: MFA_ENROLL lists this plugin (a plugin may exist only for provisioning, e.g. a retired factor)
    enrollable: ClassVar[bool] = True

    # --- identity -------------------------------------------------------------------------------

    def vendor_name(self, provider: str) -> str:
        return provider

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

    # --- enrollment and activation ---------------------------------------------------------------

    def enroll(
        self, ctx: Context, db: Session, user: User, provider: str, profile: dict[str, Any], call: FactorCall
    ) -> Factor:
        """Validate the enroll request's profile and create the factor (PENDING_ACTIVATION or ACTIVE)."""
        raise validation_error("factorEnrollRequest", [INVALID_PROFILE])

    def activation_payload(self, ctx: Context, links: Links, factor: Factor) -> dict[str, Any] | None:
        """`factor._embedded.activation` in MFA_ENROLL_ACTIVATE (None: no activation object)."""
        return None

    def activate(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, call: FactorCall
    ) -> FactorOutcome:
        """Check the activation request (`/lifecycle/activate`). SUCCESS makes the factor ACTIVE."""
        return self.check(ctx, db, txn, factor, call)

    def poll_activation(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, call: FactorCall
    ) -> FactorOutcome:
        """`/lifecycle/activate/poll` (push). Not available for code-based factors."""
        raise invalid_state()

    def resend_activation(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, call: FactorCall
    ) -> FactorOutcome:
        """`/lifecycle/resend` (sms/call: send the enrollment code again)."""
        raise invalid_state()

    def send_activation(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, channel: str, call: FactorCall
    ) -> FactorOutcome:
        """`/lifecycle/activate/{email|sms}` (push: send the activation link)."""
        raise invalid_state()

    # --- challenge and verification --------------------------------------------------------------

    def verify(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, call: FactorCall
    ) -> FactorOutcome:
        """`/factors/{id}/verify`: check the answer when one is given, else start a challenge.

        A push plugin overrides this to answer polls (the same URL) with WAITING / SUCCESS / REJECTED.
        """
        if self.response_field and call.text(self.response_field) is not None:
            return self.check(ctx, db, txn, factor, call)
        return self.challenge(ctx, db, txn, factor, call) or FactorOutcome.challenge()

    def challenge(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, call: FactorCall
    ) -> FactorOutcome | None:
        """Start a challenge without an answer (sms/call send a code, push sends a push).

        None means "nothing to send, the factor just needs the answer": the machine shows MFA_CHALLENGE.
        """
        return None

    def check(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, call: FactorCall
    ) -> FactorOutcome:
        """Check the user's answer (`call.body[self.response_field]`)."""
        return FactorOutcome.failed()

    def resend_challenge(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, call: FactorCall
    ) -> FactorOutcome:
        """`/factors/{id}/verify/resend`."""
        raise invalid_state()

    def leave_challenge(self, ctx: Context, db: Session, txn: Transaction, factor: Factor) -> None:
        """The transaction left MFA_CHALLENGE for this factor (`/previous`, `/cancel`): drop pending work."""

    # --- rendering -------------------------------------------------------------------------------

    def public_profile(self, factor: Factor, masked: bool = True) -> dict[str, Any]:
        """The factor's `profile` as Okta shows it (phone numbers masked when `masked`)."""
        return dict(factor.profile or {})

    def enroll_links(self, links: Links, user: User, provider: str) -> dict[str, Any]:
        """`_links` of this factor's entry in MFA_ENROLL (the question factor adds `questions`)."""
        return {"enroll": links.hal(ENROLL_PATH)}

    def activation_links(self, links: Links, txn: Transaction, factor: Factor) -> dict[str, Any]:
        """Top-level `_links` in MFA_ENROLL_ACTIVATE besides `prev`/`cancel` (sms adds `resend`)."""
        return {"next": links.hal(ACTIVATE_PATH.format(fid=factor.id), name="activate")}

    def challenge_links(self, links: Links, txn: Transaction, factor: Factor) -> dict[str, Any]:
        """Top-level `_links` in MFA_CHALLENGE besides `prev`/`cancel` (push: `next` poll, `resend`)."""
        return {"next": links.hal(VERIFY_PATH.format(fid=factor.id), name="verify")}

    def challenge_embedded(self, ctx: Context, txn: Transaction, factor: Factor) -> dict[str, Any] | None:
        """`factor._embedded` in MFA_CHALLENGE (push number challenge: `{"challenge": {...}}`)."""
        return None

    def qr_code_uri(self, ctx: Context, factor: Factor, user: User, token: str) -> str | None:
        """The URI to draw at `/api/v1/users/{uid}/factors/{fid}/qr/{token}`; None: no QR (404)."""
        return None

    def start_activation(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, call: FactorCall
    ) -> FactorOutcome | None:
        """Called right after `enroll` created a factor that needs activation (sms: send the code,
        push: WAITING). A CHALLENGE outcome's `factor_result` becomes the top-level `factorResult`."""
        return None

    def policy_info(self, factor: Factor) -> dict[str, Any] | None:
        """This factor's entry in `_embedded.policy.factorsPolicyInfo` (push: `{"autoPushEnabled": false}`)."""
        return None

    # --- the control plane -----------------------------------------------------------------------

    def provision(
        self, ctx: Context, db: Session, user: User, spec: dict[str, Any], hash_cost: int
    ) -> tuple[Factor, dict[str, Any]]:
        """Create an ACTIVE factor for `POST /_mock/users` / the seed; returns it and what the caller
        should be told (a TOTP secret and its otpauth URI, ...)."""
        raise OktaError("E0000001", "factors", [f"factors: {self.factor_type} cannot be provisioned"])
