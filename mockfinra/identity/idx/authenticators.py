"""The Identity Engine's view of factors: authenticators (what an org offers) and enrollments (what a user has).

The domain's factors (`identity/core/factors`) map onto Okta's authenticators:

| authenticator key   | type              | methods          | domain factors                                    |
|---------------------|-------------------|------------------|---------------------------------------------------|
| `okta_password`     | password          | password         | the user's password                               |
| `security_question` | security_question | security_question| `question`                                        |
| `google_otp`        | app               | otp              | `token:software:totp` / GOOGLE                    |
| `okta_verify`       | app               | push, totp       | `push` and `token:software:totp` / OKTA           |
| `phone_number`      | phone             | sms, voice       | `sms` and `call` factors on one number            |
| `okta_email`        | email             | email            | the user's email address (recovery only)          |

Authenticator ids are fixed per org (`aut…`); an enrollment's id is its factor's id (a phone: the SMS
factor's, else the voice call's), `lae…` for the password and `eae…` for the email (derived from the user).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

from mockfinra.context import Context
from mockfinra.identity.core import phones
from mockfinra.identity.core.factors.totp import qr_png
from mockfinra.identity.core.policy import usable_factors
from mockfinra.store.users import Factor, User

PASSWORD = "okta_password"
QUESTION = "security_question"
GOOGLE = "google_otp"
OKTA_VERIFY = "okta_verify"
PHONE = "phone_number"
EMAIL = "okta_email"


@dataclass(frozen=True)
class Authenticator:
    key: str
    type: str
    id: str
    display_name: str
    methods: tuple[str, ...]

    def json(self, methods: tuple[str, ...] | None = None) -> dict[str, Any]:
        return {
            "type": self.type,
            "key": self.key,
            "id": self.id,
            "displayName": self.display_name,
            "methods": [{"type": method} for method in (methods or self.methods)],
        }


CATALOGUE: dict[str, Authenticator] = {
    item.key: item
    for item in (
        Authenticator(PASSWORD, "password", "autpwd0mockfinra0001", "Password", ("password",)),
        Authenticator(QUESTION, "security_question", "autsq00mockfinra0001", "Security Question", ("security_question",)),
        Authenticator(GOOGLE, "app", "autga00mockfinra0001", "Google Authenticator", ("otp",)),
        Authenticator(OKTA_VERIFY, "app", "autov00mockfinra0001", "Okta Verify", ("push", "totp")),
        Authenticator(PHONE, "phone", "autph00mockfinra0001", "Phone", ("sms", "voice")),
        Authenticator(EMAIL, "email", "autem00mockfinra0001", "Email", ("email",)),
    )
}
BY_ID = {item.id: item for item in CATALOGUE.values()}
#: the domain factor types behind each phone method
PHONE_METHODS = {"sms": "sms", "voice": "call"}
METHOD_OF_FACTOR = {"sms": "sms", "call": "voice"}


def _derived_id(prefix: str, seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return prefix + base64.b32encode(digest).decode().lower().rstrip("=")[:17]


@dataclass
class Enrollment:
    """One authenticator a user has: its methods and, per method, the domain factor that answers it."""

    authenticator: Authenticator
    id: str
    factors: dict[str, Factor] = field(default_factory=dict)
    profile: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.authenticator.key

    @property
    def methods(self) -> tuple[str, ...]:
        if not self.factors:
            return self.authenticator.methods
        return tuple(method for method in self.authenticator.methods if method in self.factors)

    def json(self, methods: tuple[str, ...] | None = None) -> dict[str, Any]:
        body = self.authenticator.json(methods or self.methods)
        body["id"] = self.id
        if self.profile:
            body["profile"] = dict(self.profile)
        return body

    def last_used(self) -> float:
        times = [f.last_verified_at.timestamp() for f in self.factors.values() if f.last_verified_at]
        return max(times, default=0.0)


def password_enrollment(user: User | None, identifier: str = "") -> Enrollment:
    """The password "enrollment" (for an unknown user, one derived from the identifier: no enumeration)."""
    seed = user.id if user is not None else f"unknown:{identifier.lower()}"
    return Enrollment(CATALOGUE[PASSWORD], _derived_id("lae", seed))


def email_enrollment(user: User | None, identifier: str = "") -> Enrollment:
    seed = user.id if user is not None else f"unknown:{identifier.lower()}"
    address = user.email if user is not None else identifier
    return Enrollment(CATALOGUE[EMAIL], _derived_id("eae", seed), profile={"email": mask_email(address)})


def mask_email(address: str) -> str:
    """Okta's masked address: the first and last letters of the local part (`t***t@example.com`)."""
    local, at, domain = address.partition("@")
    if not at or len(local) < 2:
        return address
    return f"{local[0]}{'*' * 3}{local[-1]}@{domain}"


def enrollments(ctx: Context, user: User) -> list[Enrollment]:
    """The user's authenticators but the password and email, in the catalogue's order (a phone per number).
    Factors of a kind the era retired are left out."""
    out: dict[str, Enrollment] = {}
    phones_by_number: dict[str, Enrollment] = {}
    for factor in usable_factors(ctx, user):
        kind = factor.factor_type
        if kind == "question":
            profile = factor.profile or {}
            out[QUESTION] = Enrollment(
                CATALOGUE[QUESTION],
                factor.id,
                {"security_question": factor},
                {"questionKey": profile.get("question"), "question": profile.get("questionText")},
            )
        elif kind == "token:software:totp" and factor.provider == "GOOGLE":
            out[GOOGLE] = Enrollment(CATALOGUE[GOOGLE], factor.id, {"otp": factor})
        elif kind in ("push", "token:software:totp"):
            entry = out.setdefault(OKTA_VERIFY, Enrollment(CATALOGUE[OKTA_VERIFY], factor.id))
            entry.factors["push" if kind == "push" else "totp"] = factor
            if kind == "push":
                entry.id = factor.id
                entry.profile = {"deviceName": (factor.profile or {}).get("name", "Okta Verify")}
        elif kind in METHOD_OF_FACTOR:
            number = str((factor.profile or {}).get("phoneNumber", ""))
            entry = phones_by_number.get(number)
            if entry is None:
                entry = Enrollment(CATALOGUE[PHONE], factor.id, profile={"phoneNumber": phones.mask_phone(number)})
                phones_by_number[number] = entry
            entry.factors[METHOD_OF_FACTOR[kind]] = factor
            if kind == "sms":
                entry.id = factor.id
    ordered = [out[key] for key in (QUESTION, GOOGLE, OKTA_VERIFY) if key in out]
    return ordered + list(phones_by_number.values())


def enrollable(ctx: Context, user: User | None) -> list[Authenticator]:
    """Authenticators the user can still set up (the era decides about the phone; the password is set
    through its own step)."""
    have = {entry.key for entry in enrollments(ctx, user)} if user is not None else set()
    keys = [QUESTION, GOOGLE, OKTA_VERIFY, PHONE]
    if ctx.era.factor_retired("sms") and ctx.era.factor_retired("call"):
        keys.remove(PHONE)
    return [CATALOGUE[key] for key in keys if key not in have]


def find(ctx: Context, user: User | None, identifier: str, given_id: Any, enrollment_id: Any = None) -> Enrollment | Authenticator | None:
    """What a selection's `authenticator.id` names: an authenticator id, or an enrollment id (okta-auth-js
    sends the id of the enrollment it is verifying). `enrollmentId` picks one of several phones."""
    if not isinstance(given_id, str):
        return None
    own = enrollments(ctx, user) if user is not None else []
    extra = [password_enrollment(user, identifier), email_enrollment(user, identifier)]
    for entry in [*own, *extra]:
        if entry.id == given_id:
            return entry
    authenticator = BY_ID.get(given_id)
    if authenticator is None:
        return None
    matches = [entry for entry in [*own, *extra] if entry.key == authenticator.key]
    if isinstance(enrollment_id, str):
        matches = [entry for entry in matches if entry.id == enrollment_id] or matches
    return matches[0] if matches else authenticator


def qr_data_uri(uri: str) -> str:
    """A QR code as the Identity Engine embeds it: `data:image/png;base64,...`."""
    return "data:image/png;base64," + base64.b64encode(qr_png(uri)).decode()
