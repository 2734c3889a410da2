"""How each factor kind looks in Okta's classic API: profile, `_links` and `_embedded` per authn state.

One `FactorView` per factor type, looked up with `view_of`; a kind without a view of its own gets the
defaults (a plain code factor). The domain side of a factor is in `identity/core/factors/`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.identity.classic import paths
from mockfinra.identity.core import okta_verify, phones
from mockfinra.identity.core.factors.totp import DIGITS, TIME_STEP, qr_token
from mockfinra.links import Links
from mockfinra.store.authn import Transaction
from mockfinra.store.users import Factor, User


class FactorView:
    """Defaults: a factor answered with a code at `/verify` and activated with a code at `/lifecycle/activate`."""

    factor_type: ClassVar[str] = ""

    def vendor_name(self, provider: str) -> str:
        return provider

    def public_profile(self, factor: Factor, masked: bool = True) -> dict[str, Any]:
        """The factor's `profile` as Okta shows it (phone numbers masked when `masked`)."""
        return dict(factor.profile or {})

    def enroll_links(self, links: Links, user: User, provider: str) -> dict[str, Any]:
        """`_links` of this factor's entry in MFA_ENROLL (the question factor adds `questions`)."""
        return {"enroll": links.hal(paths.AUTHN_FACTORS)}

    def activation_payload(
        self, ctx: Context, links: Links, factor: Factor, lifecycle: str | None = None
    ) -> dict[str, Any] | None:
        """`factor._embedded.activation` in MFA_ENROLL_ACTIVATE, or (with `lifecycle`, the factor's
        `/lifecycle/activate` path in the Factors API) in an enrolled factor (None: no activation object)."""
        return None

    def activation_links(self, links: Links, txn: Transaction, factor: Factor) -> dict[str, Any]:
        """Top-level `_links` in MFA_ENROLL_ACTIVATE besides `prev`/`cancel` (sms adds `resend`)."""
        return {"next": links.hal(f"{paths.lifecycle_path(factor.id)}/activate", name="activate")}

    def challenge_links(self, links: Links, txn: Transaction, factor: Factor) -> dict[str, Any]:
        """Top-level `_links` in MFA_CHALLENGE besides `prev`/`cancel` (push: `next` poll, `resend`)."""
        return {"next": links.hal(paths.verify_path(factor.id), name="verify")}

    def challenge_embedded(self, ctx: Context, txn: Transaction, factor: Factor) -> dict[str, Any] | None:
        """`factor._embedded` in MFA_CHALLENGE (push number challenge: `{"challenge": {...}}`)."""
        return None

    def policy_info(self, factor: Factor) -> dict[str, Any] | None:
        """This factor's entry in `_embedded.policy.factorsPolicyInfo` (push: `{"autoPushEnabled": false}`)."""
        return None


class QuestionView(FactorView):
    factor_type = "question"

    def public_profile(self, factor: Factor, masked: bool = True) -> dict[str, Any]:
        profile = factor.profile or {}
        return {"question": profile.get("question"), "questionText": profile.get("questionText")}

    def enroll_links(self, links: Links, user: User, provider: str) -> dict[str, Any]:
        result = super().enroll_links(links, user, provider)
        result["questions"] = links.hal(paths.USER_QUESTIONS.format(uid=user.id), method="GET")
        return result


class TotpView(FactorView):
    factor_type = "token:software:totp"

    def activation_payload(
        self, ctx: Context, links: Links, factor: Factor, lifecycle: str | None = None
    ) -> dict[str, Any]:
        qr = paths.qr_path(factor.user_id, factor.id, qr_token(factor))
        return {
            "timeStep": TIME_STEP,
            "sharedSecret": factor.secret,
            "encoding": "base32",
            "keyLength": DIGITS,
            "_links": {"qrcode": links.hal(qr, method=None, type="image/png")},
        }


class PhoneView(FactorView):
    """SMS and voice call: masked numbers and `resend` arrays named after the factor type."""

    def public_profile(self, factor: Factor, masked: bool = True) -> dict[str, Any]:
        profile = dict(factor.profile or {})
        number = profile.get("phoneNumber")
        if masked and isinstance(number, str):
            profile["phoneNumber"] = phones.mask_phone(number)
        return profile

    def activation_links(self, links: Links, txn: Transaction, factor: Factor) -> dict[str, Any]:
        base = paths.lifecycle_path(factor.id)
        return {
            "next": links.hal(f"{base}/activate", name="activate"),
            "resend": [links.hal(f"{base}/resend", name=factor.factor_type)],
        }

    def challenge_links(self, links: Links, txn: Transaction, factor: Factor) -> dict[str, Any]:
        verify = paths.verify_path(factor.id)
        return {
            "next": links.hal(verify, name="verify"),
            "resend": [links.hal(f"{verify}/resend", name=factor.factor_type)],
        }


class SmsView(PhoneView):
    factor_type = "sms"


class CallView(PhoneView):
    factor_type = "call"


class PushView(FactorView):
    """Okta Verify push: WAITING activation with a QR code and `send` links; polls on the verify URL."""

    factor_type = "push"

    def activation_payload(
        self, ctx: Context, links: Links, factor: Factor, lifecycle: str | None = None
    ) -> dict[str, Any]:
        activate = lifecycle or f"{paths.lifecycle_path(factor.id)}/activate"
        qr = paths.qr_path(factor.user_id, factor.id, qr_token(factor))
        expires = okta_verify.activation_expires_at(factor)
        state = okta_verify.activation_state(ctx, factor)
        return {
            "expiresAt": isoformat_z(expires) if expires else None,
            "factorResult": "TIMEOUT" if state == "TIMEOUT" else "WAITING",
            "_links": {
                "qrcode": links.hal(qr, method=None, type="image/png"),
                "send": [
                    links.hal(f"{activate}/email", name="email"),
                    links.hal(f"{activate}/sms", name="sms"),
                ],
            },
        }

    def activation_links(self, links: Links, txn: Transaction, factor: Factor) -> dict[str, Any]:
        lifecycle = paths.lifecycle_path(factor.id)
        if txn.factor_result == "TIMEOUT":
            return {"next": links.hal(f"{lifecycle}/activate", name="activate")}
        return {"next": links.hal(f"{lifecycle}/activate/poll", name="poll")}

    def challenge_links(self, links: Links, txn: Transaction, factor: Factor) -> dict[str, Any]:
        verify = paths.verify_path(factor.id)
        name = "poll" if txn.factor_result == "WAITING" else "verify"
        return {"next": links.hal(verify, name=name), "resend": [links.hal(f"{verify}/resend", name="push")]}

    def challenge_embedded(self, ctx: Context, txn: Transaction, factor: Factor) -> dict[str, Any] | None:
        answer = txn.data.get("pushAnswer")
        if txn.factor_result == "WAITING" and answer is not None:
            return {"challenge": {"correctAnswer": answer}}
        return None

    def policy_info(self, factor: Factor) -> dict[str, Any] | None:
        return {"autoPushEnabled": False}


_VIEWS: dict[str, FactorView] = {view.factor_type: view for view in (QuestionView(), TotpView(), SmsView(), CallView(), PushView())}
_DEFAULT = FactorView()


def register_view(view: FactorView) -> None:
    """Give a factor type (`view.factor_type`) its classic view."""
    _VIEWS[view.factor_type] = view


def unregister_view(factor_type: str) -> None:
    _VIEWS.pop(factor_type, None)


def view_for(factor_type: str) -> FactorView:
    return _VIEWS.get(factor_type, _DEFAULT)


def view_of(factor: Factor) -> FactorView:
    return view_for(factor.factor_type)


def factor_json(factor: Factor) -> dict[str, Any]:
    """A factor as the authn states embed it: id, type, provider, vendor and public profile."""
    view = view_of(factor)
    return {
        "id": factor.id,
        "factorType": factor.factor_type,
        "provider": factor.provider,
        "vendorName": view.vendor_name(factor.provider),
        "profile": view.public_profile(factor, masked=True),
    }


# --- the Factors API (`/api/v1/users/{id}/factors`) ---------------------------------------------------


def _user_factor_links(links: Links, factor: Factor) -> dict[str, Any]:
    """ASSUMPTION: `resend` is one link object here (Okta's management OpenAPI and its SDKs' models), not
    the array of the authn states."""
    uid = factor.user_id
    own = paths.user_factor_path(uid, factor.id)
    out: dict[str, Any] = {}
    if factor.status == "PENDING_ACTIVATION":
        activate = paths.USER_FACTOR_ACTIVATE.format(uid=uid, fid=factor.id)
        if factor.factor_type == "push":
            out["poll"] = links.hal(f"{activate}/poll")
        else:
            out["activate"] = links.hal(activate)
        if factor.factor_type in ("sms", "call"):
            out["resend"] = links.hal(paths.USER_FACTOR_RESEND.format(uid=uid, fid=factor.id), name=factor.factor_type)
    else:
        out["verify"] = links.hal(paths.USER_FACTOR_VERIFY.format(uid=uid, fid=factor.id))
    if factor.factor_type == "question":
        out["questions"] = links.hal(paths.USER_QUESTIONS.format(uid=uid), method="GET")
    out["self"] = {"href": links.url(own), "hints": {"allow": ["GET", "DELETE"]}}
    out["user"] = links.hal(paths.USER.format(uid=uid), method="GET")
    return out


def user_factor_json(ctx: Context, links: Links, factor: Factor) -> dict[str, Any]:
    """A factor of the Factors API: `factor_json` plus status, times, `_links` and, while it awaits
    activation, `_embedded.activation` (TOTP secret and QR code; push QR code and send links)."""
    view = view_of(factor)
    body: dict[str, Any] = {
        "id": factor.id,
        "factorType": factor.factor_type,
        "provider": factor.provider,
        "vendorName": view.vendor_name(factor.provider),
        "status": factor.status,
        "created": isoformat_z(factor.created_at),
        "lastUpdated": isoformat_z(factor.last_updated_at),
        "profile": view.public_profile(factor, masked=False),
        "_links": _user_factor_links(links, factor),
    }
    if factor.status == "PENDING_ACTIVATION":
        lifecycle = paths.USER_FACTOR_ACTIVATE.format(uid=factor.user_id, fid=factor.id)
        activation = view.activation_payload(ctx, links, factor, lifecycle)
        if activation is not None:
            body["_embedded"] = {"activation": activation}
    return body


def catalog_entry_json(links: Links, user: User, factor_type: str, provider: str, status: str) -> dict[str, Any]:
    """One entry of `/factors/catalog`: what can be enrolled, and whether it is."""
    view = view_for(factor_type)
    entry: dict[str, Any] = {
        "factorType": factor_type,
        "provider": provider,
        "vendorName": view.vendor_name(provider),
        "status": status,
        # ASSUMPTION: the NASDAQ tenant marks every factor OPTIONAL in its catalog.
        "enrollment": "OPTIONAL",
        "_links": {"enroll": links.hal(paths.USER_FACTORS.format(uid=user.id))},
    }
    if factor_type == "question":
        entry["_links"]["questions"] = links.hal(paths.USER_QUESTIONS.format(uid=user.id), method="GET")
    return entry
