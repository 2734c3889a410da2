"""Every path of Okta's classic API that mockfinra serves, in one place: routers and links both use these."""

from __future__ import annotations

from mockfinra.identity.hosted import SESSION_COOKIE_REDIRECT as SESSION_COOKIE_REDIRECT

AUTHN = "/api/v1/authn"
AUTHN_FACTORS = f"{AUTHN}/factors"
FACTOR_VERIFY = f"{AUTHN_FACTORS}/{{fid}}/verify"
FACTOR_LIFECYCLE = f"{AUTHN_FACTORS}/{{fid}}/lifecycle"
AUTHN_PREVIOUS = f"{AUTHN}/previous"
AUTHN_SKIP = f"{AUTHN}/skip"
AUTHN_CANCEL = f"{AUTHN}/cancel"
CHANGE_PASSWORD = f"{AUTHN}/credentials/change_password"
RESET_PASSWORD = f"{AUTHN}/credentials/reset_password"
RECOVERY = f"{AUTHN}/recovery"
RECOVERY_FACTOR = f"{RECOVERY}/factors/{{factor}}"

USERS = "/api/v1/users"
USER = f"{USERS}/{{uid}}"
USER_FACTORS = f"{USER}/factors"
USER_QUESTIONS = f"{USER_FACTORS}/questions"
FACTOR_QR = f"{USER_FACTORS}/{{fid}}/qr/{{token}}"

SESSIONS = "/api/v1/sessions"

TRUSTED_ORIGINS = "/api/v1/trustedOrigins"
TRUSTED_ORIGIN = f"{TRUSTED_ORIGINS}/{{id}}"


def verify_path(factor_id: str) -> str:
    return FACTOR_VERIFY.format(fid=factor_id)


def lifecycle_path(factor_id: str) -> str:
    return FACTOR_LIFECYCLE.format(fid=factor_id)


def qr_path(user_id: str, factor_id: str, token: str) -> str:
    return FACTOR_QR.format(uid=user_id, fid=factor_id, token=token)
