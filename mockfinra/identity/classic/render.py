"""The JSON of each authn state, in the shapes of Okta's Authentication API.

`RENDERERS` maps a status to a function returning `(_embedded, _links)`; `register_state` lets another
module add a state (for example the recovery states) without touching this one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.identity.core import policy as rules
from mockfinra.identity.core.authn import AuthnResult
from mockfinra.identity.core.transactions import Handle
from mockfinra.identity.core.factors import FactorPlugin, plugin_of
from mockfinra.identity.core.factors.base import VERIFY_PATH
from mockfinra.identity.core.passwords import policy_description
from mockfinra.links import Links
from mockfinra.store.users import Factor, User

AUTHN = "/api/v1/authn"
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


def factor_json(plugin: FactorPlugin, factor: Factor) -> dict[str, Any]:
    return {
        "id": factor.id,
        "factorType": factor.factor_type,
        "provider": factor.provider,
        "vendorName": plugin.vendor_name(factor.provider),
        "profile": plugin.public_profile(factor, masked=True),
    }


def _cancel(links: Links) -> dict[str, Any]:
    return links.hal(f"{AUTHN}/cancel")


def _prev(links: Links) -> dict[str, Any]:
    return links.hal(f"{AUTHN}/previous")


def _current_factor(handle: Handle) -> Factor | None:
    factor_id = handle.txn.factor_id
    return next((f for f in handle.user.factors if f.id == factor_id), None)


def _mfa_policy(handle: Handle) -> dict[str, Any]:
    # ASSUMPTION: no "remember this device" in the NASDAQ tenant.
    policy: dict[str, Any] = {
        "allowRememberDevice": False,
        "rememberDeviceByDefault": False,
        "rememberDeviceLifetimeInMinutes": 0,
    }
    info = {}
    for factor in rules.active_factors(handle.user):
        entry = plugin_of(factor).policy_info(factor)
        if entry is not None:
            info[factor.id] = entry
    if info:
        policy["factorsPolicyInfo"] = info
    return policy


@register_state("MFA_REQUIRED")
def _mfa_required(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    factors = []
    for factor in rules.active_factors(handle.user):
        entry = factor_json(plugin_of(factor), factor)
        entry["_links"] = {"verify": links.hal(VERIFY_PATH.format(fid=factor.id))}
        factors.append(entry)
    embedded = {"user": user_json(handle.user), "policy": _mfa_policy(handle), "factors": factors}
    return embedded, {"cancel": _cancel(links)}


@register_state("MFA_CHALLENGE")
def _mfa_challenge(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    factor = _current_factor(handle)
    embedded: dict[str, Any] = {"user": user_json(handle.user)}
    extra_links: dict[str, Any] = {}
    if factor is not None:
        plugin = plugin_of(factor)
        entry = factor_json(plugin, factor)
        more = plugin.challenge_embedded(ctx, handle.txn, factor)
        if more:
            entry["_embedded"] = more
        embedded["factor"] = entry
        extra_links = plugin.challenge_links(links, handle.txn, factor)
    embedded["policy"] = _mfa_policy(handle)
    return embedded, {**extra_links, "prev": _prev(links), "cancel": _cancel(links)}


@register_state("MFA_ENROLL")
def _mfa_enroll(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    user = handle.user
    enrollment = (
        "REQUIRED" if rules.enrollment_required(ctx) and not rules.active_factors(user) else "OPTIONAL"
    )
    factors = []
    for option in rules.enroll_options(user):
        plugin = option.plugin
        entry: dict[str, Any] = {
            "factorType": plugin.factor_type,
            "provider": option.provider,
            "vendorName": plugin.vendor_name(option.provider),
            "status": "ACTIVE" if option.enrolled else "NOT_SETUP",
            "enrollment": enrollment,
        }
        if not option.enrolled:
            entry["_links"] = plugin.enroll_links(links, user, option.provider)
        factors.append(entry)
    top: dict[str, Any] = {"cancel": _cancel(links)}
    if rules.enroll_skip_allowed(ctx, user):
        top["skip"] = links.hal(f"{AUTHN}/skip", name="skip")
    return {"user": user_json(user), "factors": factors}, top


@register_state("MFA_ENROLL_ACTIVATE")
def _mfa_enroll_activate(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    factor = _current_factor(handle)
    embedded: dict[str, Any] = {"user": user_json(handle.user)}
    extra_links: dict[str, Any] = {}
    if factor is not None:
        plugin = plugin_of(factor)
        entry = factor_json(plugin, factor)
        activation = plugin.activation_payload(ctx, links, factor)
        if activation is not None:
            entry["_embedded"] = {"activation": activation}
        embedded["factor"] = entry
        extra_links = plugin.activation_links(links, handle.txn, factor)
    return embedded, {**extra_links, "prev": _prev(links), "cancel": _cancel(links)}


def _password_embedded(ctx: Context, handle: Handle, warn: bool = False) -> dict[str, Any]:
    policy = policy_description(ctx.settings)
    if warn:
        policy["expiration"] = {"passwordExpireDays": rules.days_until_expiry(ctx, handle.user)}
    return {"user": user_json(handle.user), "policy": policy}


def _change_password_link(links: Links) -> dict[str, Any]:
    return links.hal(f"{AUTHN}/credentials/change_password", name="changePassword")


@register_state("PASSWORD_EXPIRED")
def _password_expired(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    return _password_embedded(ctx, handle), {"next": _change_password_link(links), "cancel": _cancel(links)}


@register_state("PASSWORD_WARN")
def _password_warn(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    top = {
        "next": _change_password_link(links),
        "skip": links.hal(f"{AUTHN}/skip", name="skip"),
        "cancel": _cancel(links),
    }
    return _password_embedded(ctx, handle, warn=True), top


@register_state("PASSWORD_RESET")
def _password_reset(ctx: Context, links: Links, handle: Handle) -> tuple[dict[str, Any], dict[str, Any]]:
    # The recorded responses (and okta-auth-js's `tx.resetPassword()`) name this link `resetPassword`.
    top = {
        "next": links.hal(f"{AUTHN}/credentials/reset_password", name="resetPassword"),
        "cancel": _cancel(links),
    }
    return _password_embedded(ctx, handle), top


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


def render_result(ctx: Context, links: Links, result: AuthnResult) -> dict[str, Any]:
    """The response body of any authn request."""
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
            "next": links.hal(f"{AUTHN}/recovery/unlock", name="unlock"),
            "cancel": _cancel(links),
        }
    elif result.relay_state is not None:
        body = {"relayState": result.relay_state}
    return body
