"""The IDX endpoints' logic: each request (an IDX form as JSON) becomes one step of the identity domain.

Every function takes the request body, runs the step over the store and returns a `Step`: the transaction
to render, or the end of the flow (success, or a terminal message). Requests carry `stateHandle`, the
state token of the domain's authn transaction; the IDX-only sub-state (a phone chosen without its method,
an authenticator chosen before its enrollment data is given, the Okta Verify channel) is `txn.data["idx"]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.errors import OktaError, invalid_state, invalid_token, validation_error
from mockfinra.identity.core import authn, recovery
from mockfinra.identity.core.authn import AuthnResult
from mockfinra.identity.core.factors import FactorInput
from mockfinra.identity.core.recovery import RECOVERY_IDENTIFY, RECOVERY_SELECT, RecoveryResult
from mockfinra.identity.core.transactions import Handle, load_transaction
from mockfinra.identity.idx import authenticators as auths
from mockfinra.identity.idx import messages as text
from mockfinra.identity.oidc.interactions import live_interaction
from mockfinra.store.idx import Interaction
from mockfinra.store.users import Factor

#: the prefix of IDX state handles (as Okta's)
STATE_PREFIX = "02.id."
#: what a restarted (cancelled) sign-in keeps of the old transaction's data
KEPT_ON_CANCEL = ("protocol", "interaction", "clientId", "fromUri", "client")
#: the recovery methods each recovery authenticator offers
RECOVERY_METHODS = {auths.EMAIL: ("email", "EMAIL"), "sms": ("sms", "SMS"), "voice": ("voice", "CALL")}


@dataclass
class Step:
    """What a request produced: a transaction to render (`handle`), or the flow's end."""

    handle: Handle | None = None
    result: AuthnResult | None = None
    interaction: Interaction | None = None
    terminal: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200


@dataclass
class Given:
    """A request's values: `stateHandle`, `identifier`, `credentials`, `authenticator` and the rest; and who
    sent it (`client`, for the sign-in events)."""

    body: dict[str, Any]
    client: dict[str, Any] = field(default_factory=dict)

    @property
    def state_handle(self) -> str:
        value = self.body.get("stateHandle") or self.body.get("stateToken")
        return value if isinstance(value, str) else ""

    def text(self, name: str, source: dict[str, Any] | None = None) -> str | None:
        value = (self.body if source is None else source).get(name)
        if value is None or isinstance(value, (dict, list, bool)):
            return None
        return str(value)

    def credentials(self) -> dict[str, Any]:
        value = self.body.get("credentials")
        return value if isinstance(value, dict) else {}

    def authenticator(self) -> dict[str, Any]:
        value = self.body.get("authenticator")
        return value if isinstance(value, dict) else {}


# --- the transaction's IDX sub-state ------------------------------------------------------------------


def _sub(handle: Handle) -> dict[str, Any]:
    state = handle.txn.data.get("idx")
    if not isinstance(state, dict):
        state = {}
        handle.txn.data["idx"] = state
    return state


def _set_sub(handle: Handle, **values: Any) -> None:
    state = dict(_sub(handle))
    for key, value in values.items():
        if value is None:
            state.pop(key, None)
        else:
            state[key] = value
    handle.txn.data["idx"] = state


def _load(ctx: Context, db: Session, given: Given) -> Handle:
    if not given.state_handle:
        raise invalid_token()
    return load_transaction(ctx, db, given.state_handle, allow_anonymous=True)


def _after(ctx: Context, db: Session, given: Given, result: AuthnResult | RecoveryResult) -> Step:
    """Render a domain result: the transaction it left, or the end of the flow."""
    if isinstance(result, RecoveryResult):
        return Step(terminal=[text.UNLOCKED])
    if result.kind == "transaction" and result.handle is not None:
        return Step(handle=result.handle)
    if result.kind == "success":
        interaction = None
        if result.ended is not None and result.ended.data.get("interaction"):
            interaction = db.get(Interaction, result.ended.data["interaction"])
        return Step(result=result, interaction=interaction)
    if result.kind == "locked_out":
        return Step(terminal=[text.LOCKED], status=403)
    return Step(handle=_load(ctx, db, given))


def _current(ctx: Context, db: Session, given: Given) -> Step:
    return Step(handle=_load(ctx, db, given))


# --- the start: interaction handle or state handle -------------------------------------------------


def introspect(ctx: Context, db: Session, given: Given) -> Step:
    """`/idp/idx/introspect` with `interactionHandle` (the first time: the sign-in starts) or a state handle."""
    handle_value = given.body.get("interactionHandle")
    if isinstance(handle_value, str) and handle_value:
        interaction = live_interaction(ctx, db, handle_value)
        if interaction is None:
            raise invalid_token()
        return Step(handle=_interaction_transaction(ctx, db, interaction, given.client))
    return _current(ctx, db, given)


def _interaction_transaction(ctx: Context, db: Session, interaction: Interaction, client: dict[str, Any]) -> Handle:
    """The interaction's transaction (a reload introspects again: the same one, in its current state)."""
    from mockfinra.store.authn import Transaction

    if interaction.transaction_id:
        txn = db.get(Transaction, interaction.transaction_id)
        token = txn.data.get("idxHandle") if txn is not None else None
        if txn is not None and isinstance(token, str) and txn.expires_at > ctx.clock.now():
            return load_transaction(ctx, db, token, allow_anonymous=True)
    data = {"protocol": "idx", "interaction": interaction.id, "clientId": interaction.client_id, "client": client}
    if interaction.activation_token:
        result = authn.token_authentication(
            ctx, db, interaction.activation_token, data=data, token_prefix=STATE_PREFIX
        )
        assert result.handle is not None
        handle = result.handle
    else:
        handle = authn.start_identify(ctx, db, data, STATE_PREFIX)
    # The raw handle is kept so a reload (introspect with the interaction handle) resumes the same one.
    handle.txn.data["idxHandle"] = handle.state_token
    db.flush()
    interaction.transaction_id = handle.txn.id
    return handle


def start_hosted(ctx: Context, db: Session, from_uri: str | None, client: dict[str, Any]) -> Handle:
    """A sign-in on the MFA service's own pages (no OAuth client): success opens a session (`sid`)."""
    data: dict[str, Any] = {"protocol": "idx", "client": client}
    if from_uri:
        data["fromUri"] = from_uri
    return authn.start_identify(ctx, db, data, STATE_PREFIX)


def start_hosted_activation(ctx: Context, db: Session, token: str, client: dict[str, Any]) -> Handle:
    """The invitation's link on the MFA service's own pages: set the password, then enroll."""
    data = {"protocol": "idx", "client": client}
    result = authn.token_authentication(ctx, db, token, data=data, token_prefix=STATE_PREFIX)
    assert result.handle is not None
    return result.handle


# --- identify and the password ----------------------------------------------------------------------


def identify(ctx: Context, db: Session, given: Given) -> Step:
    """`identify` (with or without the password) and `identify-recovery`."""
    handle = _load(ctx, db, given)
    identifier = (given.text("identifier") or "").strip()
    if not identifier:
        raise validation_error("identifier", ["identifier: The field cannot be left blank"])
    if handle.txn.status == RECOVERY_IDENTIFY:
        return Step(handle=recovery.identify_for_recovery(ctx, db, given.state_handle, identifier))
    handle = authn.identify(ctx, db, given.state_handle, identifier)
    password = given.text("passcode", given.credentials())
    if password is not None:
        return _after(ctx, db, given, authn.verify_password(ctx, db, given.state_handle, password))
    return Step(handle=handle)


# --- select, challenge, answer ----------------------------------------------------------------------


def _chosen(ctx: Context, handle: Handle, given: Given) -> tuple[auths.Enrollment | auths.Authenticator, str | None]:
    choice = given.authenticator()
    found = auths.find(
        ctx, handle.user, str(handle.txn.data.get("identifier", "")), choice.get("id"), choice.get("enrollmentId")
    )
    if found is None:
        raise validation_error("authenticator", ["authenticator: not one of the choices offered"])
    method = given.text("methodType", choice)
    return found, method


def _retired(ctx: Context, key: str, method: str | None) -> bool:
    if key != auths.PHONE:
        return False
    kinds = [auths.PHONE_METHODS[m] for m in ([method] if method in auths.PHONE_METHODS else ["sms", "voice"])]
    return all(ctx.era.factor_retired(kind) for kind in kinds)


def challenge(ctx: Context, db: Session, given: Given) -> Step:
    """`/idp/idx/challenge`: select an authenticator to verify (sign-in or recovery), give its method, resend
    a push, or select-authenticator-unlock-account."""
    handle = _load(ctx, db, given)
    status = handle.txn.status
    if status == RECOVERY_IDENTIFY and handle.txn.recovery_type == "UNLOCK":
        return _unlock_select(ctx, db, given)
    if status in (RECOVERY_SELECT, "RECOVERY_CHALLENGE"):
        return _recovery_select(ctx, db, handle, given)
    if status not in ("MFA_REQUIRED", "MFA_CHALLENGE"):
        raise invalid_state()
    found, method = _chosen(ctx, handle, given)
    key = found.key
    if _retired(ctx, key, method):
        raise OktaError("E0000001", "authenticator", [f"authenticator: {_retired_message()}"], status=400)
    if not isinstance(found, auths.Enrollment) or not found.factors:
        raise validation_error("authenticator", ["authenticator: not one of the user's security methods"])
    factor = _factor_for(found, method)
    if factor is None:
        _set_sub(handle, selecting=found.id)
        handle.txn.status = "MFA_REQUIRED"
        return Step(handle=handle)
    _set_sub(handle, selecting=None)
    return _after(ctx, db, given, authn.verify_factor(ctx, db, given.state_handle, factor.id, _input(given)))


def _retired_message() -> str:
    from mockfinra.eras import RETIRED_MESSAGE

    return RETIRED_MESSAGE


def _factor_for(entry: auths.Enrollment, method: str | None) -> Factor | None:
    """The domain factor that answers this enrollment's `method`; None when the method must be asked."""
    if method:
        factor = entry.factors.get(method)
        if factor is None:
            raise validation_error("methodType", [f"methodType: '{method}' is not available for {entry.authenticator.display_name}"])
        return factor
    if len(entry.factors) == 1:
        return next(iter(entry.factors.values()))
    if entry.key == auths.OKTA_VERIFY:
        return entry.factors.get("push") or entry.factors.get("totp")
    return None


def _input(given: Given, base_url: str | None = None) -> FactorInput:
    credentials = given.credentials()
    return FactorInput(
        passcode=given.text("passcode", credentials) or given.text("totp", credentials),
        answer=given.text("answer", credentials),
        base_url=base_url,
    )


def answer(ctx: Context, db: Session, given: Given) -> Step:
    """`/idp/idx/challenge/answer`: the credentials of the current challenge, enrollment or password step."""
    handle = _load(ctx, db, given)
    txn = handle.txn
    status = txn.status
    credentials = given.credentials()
    if not credentials:
        raise validation_error("credentials", ["credentials: The field cannot be left blank"])
    passcode = given.text("passcode", credentials)
    state = given.state_handle
    if status == authn.PASSWORD:
        return _after(ctx, db, given, authn.verify_password(ctx, db, state, passcode or ""))
    if status == "MFA_CHALLENGE" and txn.factor_id:
        return _after(ctx, db, given, authn.verify_factor(ctx, db, state, txn.factor_id, _input(given)))
    if status == "MFA_ENROLL" and _sub(handle).get("enrolling") == auths.QUESTION:
        return _enroll_question(ctx, db, given, credentials)
    if status == "MFA_ENROLL_ACTIVATE" and txn.factor_id:
        result = authn.activate_factor(ctx, db, state, txn.factor_id, _input(given))
        return _after(ctx, db, given, _phone_sibling(ctx, db, handle, result))
    if status == "PASSWORD_RESET":
        return _after(ctx, db, given, authn.reset_password(ctx, db, state, passcode or ""))
    if status in ("PASSWORD_EXPIRED", "PASSWORD_WARN"):
        return _after(ctx, db, given, authn.renew_password(ctx, db, state, passcode or ""))
    if status == "RECOVERY_CHALLENGE":
        return _after(ctx, db, given, recovery.verify_challenge(ctx, db, state, passcode))
    raise invalid_state()


def _enroll_question(ctx: Context, db: Session, given: Given, credentials: dict[str, Any]) -> Step:
    key = given.text("questionKey", credentials)
    question = given.text("question", credentials)
    profile: dict[str, Any] = {"question": key, "answer": given.text("answer", credentials)}
    if key == "custom":
        profile["questionText"] = question
    result = authn.enroll_factor(ctx, db, given.state_handle, "question", "OKTA", FactorInput(profile=profile))
    if result.handle is not None:
        _set_sub(result.handle, enrolling=None)
    return _after(ctx, db, given, result)


def _phone_sibling(ctx: Context, db: Session, handle: Handle, result: AuthnResult) -> AuthnResult:
    """A phone enrolled by SMS can also take voice calls, and the other way round: the Identity Engine's Phone
    authenticator has both methods (ASSUMPTION: both, where the era has them)."""
    factor = next((f for f in handle.user.factors if f.id == handle.txn.factor_id), None) if handle.user else None
    if factor is None or factor.status != "ACTIVE" or factor.factor_type not in auths.METHOD_OF_FACTOR:
        return result
    from mockfinra.identity.core.factors import kind_for

    other = "call" if factor.factor_type == "sms" else "sms"
    number = (factor.profile or {}).get("phoneNumber")
    if ctx.era.factor_retired(other) or any(f.factor_type == other for f in handle.user.factors):
        return result
    kind = kind_for(other, "OKTA")
    if kind is None or not number:
        return result
    sibling, _ = kind.provision(ctx, db, handle.user, {"phoneNumber": number}, ctx.settings.hash_cost)
    if sibling not in handle.user.factors:
        handle.user.factors.append(sibling)
    return result


def resend(ctx: Context, db: Session, given: Given) -> Step:
    """`/idp/idx/challenge/resend`: the code again (phone challenge, phone enrollment, recovery)."""
    handle = _load(ctx, db, given)
    txn = handle.txn
    state = given.state_handle
    if txn.status == "MFA_CHALLENGE" and txn.factor_id:
        return _after(ctx, db, given, authn.resend_challenge(ctx, db, state, txn.factor_id, _input(given)))
    if txn.status == "MFA_ENROLL_ACTIVATE" and txn.factor_id:
        return _after(ctx, db, given, authn.activation_action(ctx, db, state, txn.factor_id, "resend", _input(given)))
    if txn.status == "RECOVERY_CHALLENGE":
        return Step(handle=recovery.resend_challenge(ctx, db, state))
    raise invalid_state()


def poll(ctx: Context, db: Session, given: Given) -> Step:
    """`/idp/idx/authenticators/poll` and `/challenge/poll`: a push sign-in or an Okta Verify enrollment.

    While nothing happened the answer is the same body again (200)."""
    handle = _load(ctx, db, given)
    txn = handle.txn
    state = given.state_handle
    if txn.status == "MFA_CHALLENGE" and txn.factor_id and txn.factor_result == "WAITING":
        return _after(ctx, db, given, authn.verify_factor(ctx, db, state, txn.factor_id, _input(given)))
    if txn.status == "MFA_ENROLL_ACTIVATE" and txn.factor_id:
        if txn.factor_result == "TIMEOUT":
            return Step(handle=handle)
        return _after(ctx, db, given, authn.activation_action(ctx, db, state, txn.factor_id, "poll", _input(given)))
    return Step(handle=handle)


# --- enrollment --------------------------------------------------------------------------------------


def enroll(ctx: Context, db: Session, given: Given, base_url: str) -> Step:
    """`/idp/idx/credential/enroll`: choose an authenticator to set up (with its data, or ask for it), or
    choose the Okta Verify channel."""
    handle = _load(ctx, db, given)
    txn = handle.txn
    if txn.status not in ("MFA_ENROLL", "MFA_ENROLL_ACTIVATE") or handle.user is None:
        raise invalid_state()
    choice = given.authenticator()
    authenticator = auths.BY_ID.get(str(choice.get("id", "")))
    if authenticator is None:
        raise validation_error("authenticator", ["authenticator: not one of the choices offered"])
    channel = given.text("channel", choice)
    pending = next((f for f in handle.user.factors if f.id == txn.factor_id), None) if txn.factor_id else None
    if authenticator.key == auths.OKTA_VERIFY and pending is not None and pending.factor_type == "push" and channel:
        _set_sub(handle, channel=channel, channelSent=None)
        return Step(handle=handle)
    if txn.status == "MFA_ENROLL_ACTIVATE":
        authn.previous(ctx, db, given.state_handle)
    if authenticator not in auths.enrollable(ctx, handle.user):
        raise validation_error("authenticator", ["authenticator: this security method cannot be set up now"])
    state = given.state_handle
    if authenticator.key == auths.QUESTION:
        _set_sub(handle, enrolling=auths.QUESTION)
        return Step(handle=handle)
    if authenticator.key == auths.GOOGLE:
        _set_sub(handle, enrolling=None)
        return _after(ctx, db, given, authn.enroll_factor(ctx, db, state, "token:software:totp", "GOOGLE", FactorInput()))
    if authenticator.key == auths.PHONE:
        method = given.text("methodType", choice)
        number = given.text("phoneNumber", choice)
        if not method or not number:
            _set_sub(handle, enrolling=auths.PHONE)
            return Step(handle=handle)
        if method not in auths.PHONE_METHODS:
            raise validation_error("methodType", [f"methodType: '{method}' is not one of sms, voice"])
        if _retired(ctx, auths.PHONE, method):
            raise OktaError("E0000001", "authenticator", [f"authenticator: {_retired_message()}"])
        _set_sub(handle, enrolling=None)
        given_input = FactorInput(profile={"phoneNumber": number})
        return _after(ctx, db, given, authn.enroll_factor(ctx, db, state, auths.PHONE_METHODS[method], "OKTA", given_input))
    _set_sub(handle, enrolling=None, channel=channel or "qrcode", channelSent=None)
    return _after(ctx, db, given, authn.enroll_factor(ctx, db, state, "push", "OKTA", FactorInput(base_url=base_url)))


def send(ctx: Context, db: Session, given: Given, base_url: str) -> Step:
    """`/idp/idx/challenge/send`: the Okta Verify setup link by email or SMS (`enrollment-channel-data`)."""
    handle = _load(ctx, db, given)
    txn = handle.txn
    channel = _sub(handle).get("channel")
    if txn.status != "MFA_ENROLL_ACTIVATE" or not txn.factor_id or channel not in ("email", "sms"):
        raise invalid_state()
    profile = {"phoneNumber": given.text("phoneNumber")} if channel == "sms" else {}
    result = authn.activation_action(
        ctx, db, given.state_handle, txn.factor_id, "send", FactorInput(profile=profile, base_url=base_url), channel
    )
    _set_sub(handle, channelSent=True)
    return _after(ctx, db, given, result)


def skip(ctx: Context, db: Session, given: Given) -> Step:
    _load(ctx, db, given)
    return _after(ctx, db, given, authn.skip(ctx, db, given.state_handle))


def cancel(ctx: Context, db: Session, given: Given) -> Step:
    """`/idp/idx/cancel`: this sign-in ends and a new one starts (same interaction)."""
    _load(ctx, db, given)
    handle = authn.restart(ctx, db, given.state_handle, KEPT_ON_CANCEL, STATE_PREFIX)
    interaction_id = handle.txn.data.get("interaction")
    if interaction_id:
        interaction = db.get(Interaction, interaction_id)
        handle.txn.data["idxHandle"] = handle.state_token
        db.flush()
        if interaction is not None:
            interaction.transaction_id = handle.txn.id
    return Step(handle=handle)


# --- recovery and unlock ------------------------------------------------------------------------------


def recover(ctx: Context, db: Session, given: Given) -> Step:
    """`/idp/idx/recover` ("Forgot password?")."""
    _load(ctx, db, given)
    return Step(handle=recovery.begin(ctx, db, given.state_handle, "PASSWORD"))


def unlock_account(ctx: Context, db: Session, given: Given) -> Step:
    """`/idp/idx/unlock-account` ("Unlock account?")."""
    _load(ctx, db, given)
    return Step(handle=recovery.begin(ctx, db, given.state_handle, "UNLOCK"))


def _method_of(ctx: Context, handle: Handle, given: Given) -> str:
    """The recovery method (EMAIL, SMS, CALL) a selection names."""
    found, method = _chosen(ctx, handle, given)
    if found.key == auths.EMAIL:
        return "EMAIL"
    if found.key == auths.PHONE:
        wanted = method or "sms"
        if wanted not in ("sms", "voice"):
            raise validation_error("methodType", [f"methodType: '{wanted}' is not one of sms, voice"])
        return RECOVERY_METHODS[wanted][1]
    raise validation_error("authenticator", ["authenticator: not a recovery method"])


def _recovery_select(ctx: Context, db: Session, handle: Handle, given: Given) -> Step:
    return Step(handle=recovery.send_challenge(ctx, db, given.state_handle, _method_of(ctx, handle, given)))


def _unlock_select(ctx: Context, db: Session, given: Given) -> Step:
    identifier = (given.text("identifier") or "").strip()
    if not identifier:
        raise validation_error("identifier", ["identifier: The field cannot be left blank"])
    handle = recovery.identify_for_recovery(ctx, db, given.state_handle, identifier)
    return Step(handle=recovery.send_challenge(ctx, db, given.state_handle, _method_of(ctx, handle, given)))
