"""The messages of IDX responses: Okta's i18n keys and texts for each domain error, and HTTP statuses.

The keys are the ones Okta's clients know (the Sign-In Widget shows its own translation of a key it has, else
the `message`); where Okta's key is not known to us the text is ours (marked ASSUMPTION).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockfinra.eras import RETIRED_MESSAGE
from mockfinra.errors import MockfinraError, OAuthError, OktaError
from mockfinra.identity.idx.ion import message

SESSION_EXPIRED = message(
    "You have been logged out due to inactivity. Refresh or return to the sign in screen.", "idx.session.expired"
)
INCORRECT_PASSWORD = message("Password is incorrect", "incorrectPassword")
WRONG_CODE = message(
    "Your code doesn't match our records. Please try again.", "authfactor.challenge.soft_token.invalid_passcode"
)
USED_CODE = message(
    "Each code can only be used once. Please wait for a new code and try again.",
    "authfactor.challenge.soft_token.used_passcode",
)
# ASSUMPTION: the key of a wrong security-question answer (Okta's is not in the widget's bundle).
WRONG_ANSWER = message(
    "Your answer doesn't match our records. Please try again.", "authfactor.challenge.questions_factor.answer_invalid"
)
LOCKED = message("Your account is locked. Please contact your administrator.", "errors.E0000119")
FACTOR_LOCKED = message("Your account is locked because of too many authentication attempts.", "errors.E0000069")
INVALID_STATE = message("The operation is not allowed. Please refresh the page to proceed.", "errors.E0000079")
PUSH_REJECTED = message("You have chosen to reject this login.", "api.authn.poll.error.push_rejected")
# ASSUMPTION: what a push that nobody answered says (Okta's key is not known to us).
PUSH_EXPIRED = message("Your push notification has expired.", "api.authn.poll.error.push_expired")
QR_EXPIRED = message("The QR code expired. Set up Okta Verify again.", "oie.enroll.okta_verify.qr.expired")
UNLOCKED = message(
    "You can log in using your existing username and password.", "oie.selfservice.unlock_user.success.message", "INFO"
)
UNLOCK_NOT_ALLOWED = message(
    "Self Service Unlock is not allowed at this time. Please contact support for assistance.",
    "oie.selfservice.user.unlock.not.allowed",
)
RECOVERY_COMPLETED = message(
    "You can now sign in with your existing username and new password.", "idx.recovery.completed", "INFO"
)
# ASSUMPTION: the key; a user who still has a retired SMS or voice factor (era 2026) is told why it is not offered.
FACTORS_RETIRED = message(RETIRED_MESSAGE, "mockfinra.factors.retired", "INFO")
ACCESS_DENIED = message("You do not have permission to perform the requested action.", "security.access_denied")
REGISTRATION_DISABLED = message(
    "Self-registration is not enabled: an administrator creates NTF users through the FINRA Order Form.",
    "oie.registration.is.not.enabled",
)

_OKTA: dict[str, tuple[int, dict[str, Any]]] = {
    "E0000004": (401, INCORRECT_PASSWORD),
    "E0000011": (401, SESSION_EXPIRED),
    "E0000069": (403, FACTOR_LOCKED),
    "E0000079": (400, INVALID_STATE),
    "E0000119": (403, LOCKED),
}


@dataclass
class IdxProblem:
    """An error as an IDX response carries it: the HTTP status and the messages."""

    status: int
    messages: list[dict[str, Any]]


def problem_of(error: MockfinraError) -> IdxProblem:
    """The status and messages of a domain error raised by a step."""
    if isinstance(error, OktaError):
        known = _OKTA.get(error.code)
        if known is not None:
            return IdxProblem(known[0], [known[1]])
        if error.code == "E0000068":
            cause = " ".join(error.causes)
            if "answer" in cause:
                return IdxProblem(401, [WRONG_ANSWER])
            if "only be used once" in cause:
                return IdxProblem(401, [USED_CODE])
            return IdxProblem(401, [WRONG_CODE])
        if error.code in ("E0000109", "E0000133", "E0000047"):
            return IdxProblem(429, [message(error.summary, f"errors.{error.code}")])
        if error.code == "E0000014":
            text = " ".join(cause.split(": ", 1)[-1] for cause in error.causes) or error.summary
            return IdxProblem(400, [message(text, "registration.error.password.passwordRequirementsNotMet")])
        if error.code == "E0000001":
            return IdxProblem(400, [message(_validation_text(error), "api.validation.failed")])
        return IdxProblem(error.status, [message(error.summary, f"errors.{error.code}")])
    if isinstance(error, OAuthError):
        return IdxProblem(error.status, [message(error.description, error.error)])
    return IdxProblem(error.status, [message(str(error), "errors.E0000001")])


def _validation_text(error: OktaError) -> str:
    causes = [cause.split(": ", 1)[-1] for cause in error.causes]
    if any("Phone Number" in cause for cause in causes):
        return "Invalid Phone Number."
    return " ".join(causes) or error.summary
