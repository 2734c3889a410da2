"""The JSON of every authn and recovery state, in the shapes of Okta's Authentication API.

`RENDERERS` maps a status to a function returning `(_embedded, _links)`; `register_state` adds one.
`render_result` is the body of any `/api/v1/authn` answer, the recovery ones included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.identity.classic import paths
from mockfinra.identity.classic.factor_views import factor_json, view_for, view_of
from mockfinra.identity.core import policy as rules
from mockfinra.identity.core.authn import AuthnResult
from mockfinra.identity.core.passwords import PasswordPolicy
from mockfinra.identity.core.recovery import RecoveryResult
from mockfinra.identity.core.transactions import Handle
from mockfinra.links import Links
from mockfinra.store.users import Factor, User

AUTHN = paths.AUTHN
Renderer = Callable[[Context, Links, Handle], tuple[dict[str, Any], dict[str, Any]]]
RENDERERS: dict[str, Renderer] = {}

# ASSUMPTION: profile defaults for NTF users (FINRA is in New York).
DEFAULT_LOCALE = "en_US"
DEFAULT_TIME_ZONE = "America/New_York"


def register_state(status: str) -> Callable[[Renderer], Renderer]:
    def decorator(fn: Renderer) -> Renderer:
        RENDERERS[status] = fn
        return fn

    return decorator


def user_json(user: User) -> dict[str, Any]:
    """`_embedded.user`."""
    extra = user.profile_extra or {}
    body: dict[str, Any] = {"id": user.id}
    if user.password_changed_at is not None:
        body["passwordChanged"] = isoformat_z(user.password_changed_at)
    body["profile"] = {
        "login": user.login,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "locale": extra.get("locale", DEFAULT_LOCALE),
        "timeZone": extra.get("timeZone", DEFAULT_TIME_ZONE),
    }
    return body


def _cancel(links: Links) -> dict[str, Any]:
    return links.hal(paths.AUTHN_CANCEL)


def _prev(links: Links) -> dict[str, Any]:
    return links.hal(paths.AUTHN_PREVIOUS)


def _current_factor(handle: Handle) -> Factor | None:
    factor_id = handle.txn.factor_id
    return next((f for f in handle.user.factors if f.id == factor_id), None)


def _mfa_policy(ctx: Context, handle: Handle) -> dict[str, Any]:
    # ASSUMPTION: no "remember this device" in the NASDAQ tenant.
    policy: dict[str, Any] = {
        "allowRememberDevice": False,
        "rememberDeviceByDefault": False,
        "rememberDeviceLifetimeInMinutes": 0,
    }
    info = {}
    for factor in rules.usable_factors(ctx, handle.user):
        entry = view_of(factor).policy_info(factor)
        if entry is not None:
            info[factor.id] = entry
    if info:
        policy["factorsPolicyInfo"] = info
    return policy


@register_state("MFA_REQUIRED")
def _mfa_required(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    factors = []
    for factor in rules.last_used_first(ctx, handle.user):
        entry = factor_json(factor)
        entry["_links"] = {"verify": links.hal(paths.verify_path(factor.id))}
        factors.append(entry)
    embedded = {"user": user_json(handle.user), "policy": _mfa_policy(ctx, handle), "factors": factors}
    return embedded, {"cancel": _cancel(links)}


@register_state("MFA_CHALLENGE")
def _mfa_challenge(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    factor = _current_factor(handle)
    embedded: dict[str, Any] = {"user": user_json(handle.user)}
    extra_links: dict[str, Any] = {}
    if factor is not None:
        view = view_of(factor)
        entry = factor_json(factor)
        more = view.challenge_embedded(ctx, handle.txn, factor)
        if more:
            entry["_embedded"] = more
        embedded["factor"] = entry
        extra_links = view.challenge_links(links, handle.txn, factor)
    embedded["policy"] = _mfa_policy(ctx, handle)
    return embedded, {**extra_links, "prev": _prev(links), "cancel": _cancel(links)}


@register_state("MFA_ENROLL")
def _mfa_enroll(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    user = handle.user
    factors = []
    for option in rules.enroll_options(ctx, user):
        view = view_for(option.kind.factor_type)
        entry: dict[str, Any] = {
            "factorType": option.kind.factor_type,
            "provider": option.provider,
            "vendorName": view.vendor_name(option.provider),
            "status": "ACTIVE" if option.enrolled else "NOT_SETUP",
            "enrollment": rules.enrollment_level(ctx, user, option.kind.factor_type),
        }
        if not option.enrolled:
            entry["_links"] = view.enroll_links(links, user, option.provider)
        factors.append(entry)
    top: dict[str, Any] = {"cancel": _cancel(links)}
    if rules.enroll_skip_allowed(ctx, user):
        top["skip"] = links.hal(paths.AUTHN_SKIP, name="skip")
    return {"user": user_json(user), "factors": factors}, top


@register_state("MFA_ENROLL_ACTIVATE")
def _mfa_enroll_activate(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    factor = _current_factor(handle)
    embedded: dict[str, Any] = {"user": user_json(handle.user)}
    extra_links: dict[str, Any] = {}
    if factor is not None:
        view = view_of(factor)
        entry = factor_json(factor)
        activation = view.activation_payload(ctx, links, factor)
        if activation is not None:
            entry["_embedded"] = {"activation": activation}
        embedded["factor"] = entry
        extra_links = view.activation_links(links, handle.txn, factor)
    return embedded, {**extra_links, "prev": _prev(links), "cancel": _cancel(links)}


def password_policy_json(policy: PasswordPolicy) -> dict[str, Any]:
    """The password policy as Okta embeds it in the PASSWORD_* states."""
    return {
        "expiration": {"passwordExpireDays": policy.expire_days},
        "complexity": {
            "minLength": policy.min_length,
            "minLowerCase": policy.min_lower,
            "minUpperCase": policy.min_upper,
            "minNumber": policy.min_number,
            "minSymbol": policy.min_symbol,
            "excludeUsername": policy.exclude_username,
        },
        "age": {"minAgeMinutes": 0, "historyCount": 0},
    }


def _password_embedded(ctx: Context, handle: Handle, warn: bool = False) -> dict[str, Any]:
    policy = password_policy_json(PasswordPolicy.from_settings(ctx.settings))
    if warn:
        policy["expiration"] = {"passwordExpireDays": rules.days_until_expiry(ctx, handle.user)}
    return {"user": user_json(handle.user), "policy": policy}


def _change_password_link(links: Links) -> dict[str, Any]:
    return links.hal(paths.CHANGE_PASSWORD, name="changePassword")


@register_state("PASSWORD_EXPIRED")
def _password_expired(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    return _password_embedded(ctx, handle), {"next": _change_password_link(links), "cancel": _cancel(links)}


@register_state("PASSWORD_WARN")
def _password_warn(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    top = {
        "next": _change_password_link(links),
        "skip": links.hal(paths.AUTHN_SKIP, name="skip"),
        "cancel": _cancel(links),
    }
    return _password_embedded(ctx, handle, warn=True), top


@register_state("PASSWORD_RESET")
def _password_reset(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    # The recorded responses (and okta-auth-js's `tx.resetPassword()`) name this link `resetPassword`.
    top = {
        "next": links.hal(paths.RESET_PASSWORD, name="resetPassword"),
        "cancel": _cancel(links),
    }
    return _password_embedded(ctx, handle), top


@register_state("RECOVERY_CHALLENGE")
def _recovery_challenge(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    """`next` verify, `cancel`, and `resend` as a single object (not an array, unlike the MFA states).
    Never shows the user: an unknown user's transaction must look the same."""
    factor = handle.txn.recovery_factor_type or "SMS"
    base = paths.RECOVERY_FACTOR.format(factor=factor)
    top = {
        "next": links.hal(f"{base}/verify", name="verify"),
        "cancel": _cancel(links),
        "resend": links.hal(f"{base}/resend", name=factor.lower()),
    }
    return {}, top


@register_state("RECOVERY")
def _recovery(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    user = user_json(handle.user)
    user["recovery_question"] = {"question": handle.user.recovery_question}
    top = {"next": links.hal(f"{paths.RECOVERY}/answer", name="answer"), "cancel": _cancel(links)}
    return {"user": user}, top


def render_transaction(ctx: Context, links: Links, handle: Handle) -> dict[str, Any]:
    txn = handle.txn
    renderer = RENDERERS.get(txn.status)
    embedded, top_links = renderer(ctx, links, handle) if renderer else ({"user": user_json(handle.user)}, {})
    body: dict[str, Any] = {
        "stateToken": handle.state_token,
        "expiresAt": isoformat_z(txn.expires_at),
        "status": txn.status,
    }
    if txn.factor_result:
        body["factorResult"] = txn.factor_result
    if txn.recovery_type:
        body["recoveryType"] = txn.recovery_type
        if txn.recovery_factor_type:
            body["factorType"] = txn.recovery_factor_type
    if txn.relay_state is not None:
        body["relayState"] = txn.relay_state
    body["_embedded"] = embedded
    body["_links"] = top_links
    return body


def _render_recovery(result: RecoveryResult) -> dict[str, Any]:
    """An EMAIL recovery (RECOVERY_CHALLENGE / WAITING without a stateToken), or an unlock that ended."""
    body: dict[str, Any] = {}
    if result.kind == "unlocked" and result.user is not None:
        # ASSUMPTION: as Okta's unlock answer: SUCCESS without a sessionToken (the user signs in next).
        if result.expires_at is not None:
            body["expiresAt"] = isoformat_z(result.expires_at)
        body.update({"status": "SUCCESS", "recoveryType": "UNLOCK"})
        if result.relay_state is not None:
            body["relayState"] = result.relay_state
        body["_embedded"] = {"user": user_json(result.user)}
        return body
    body = {"status": "RECOVERY_CHALLENGE", "factorResult": "WAITING", "factorType": result.factor_type}
    body["recoveryType"] = result.recovery_type
    if result.relay_state is not None:
        body["relayState"] = result.relay_state
    return body


def render_result(ctx: Context, links: Links, result: AuthnResult | RecoveryResult) -> dict[str, Any]:
    """The response body of any authn request."""
    if isinstance(result, RecoveryResult):
        return _render_recovery(result)
    if result.kind == "transaction" and result.handle is not None:
        return render_transaction(ctx, links, result.handle)
    body: dict[str, Any] = {}
    if result.kind == "success" and result.user is not None and result.expires_at is not None:
        body = {
            "expiresAt": isoformat_z(result.expires_at),
            "status": "SUCCESS",
            "sessionToken": result.session_token,
        }
        if result.relay_state is not None:
            body["relayState"] = result.relay_state
        body["_embedded"] = {"user": user_json(result.user)}
    elif result.kind == "locked_out":
        body = {"status": "LOCKED_OUT"}
        if result.relay_state is not None:
            body["relayState"] = result.relay_state
        body["_embedded"] = {}
        body["_links"] = {
            "next": links.hal(f"{paths.RECOVERY}/unlock", name="unlock"),
            "cancel": _cancel(links),
        }
    elif result.relay_state is not None:
        body = {"relayState": result.relay_state}
    return body
