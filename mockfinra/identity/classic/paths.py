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
USER_FACTORS_CATALOG = f"{USER_FACTORS}/catalog"
USER_FACTOR = f"{USER_FACTORS}/{{fid}}"
USER_FACTOR_ACTIVATE = f"{USER_FACTOR}/lifecycle/activate"
USER_FACTOR_ACTIVATE_POLL = f"{USER_FACTOR_ACTIVATE}/poll"
USER_FACTOR_ACTIVATE_SEND = f"{USER_FACTOR_ACTIVATE}/{{channel}}"
USER_FACTOR_VERIFY = f"{USER_FACTOR}/verify"
USER_FACTOR_RESEND = f"{USER_FACTOR}/resend"
USER_FACTOR_TRANSACTION = f"{USER_FACTOR}/transactions/{{tid}}"
FACTOR_QR = f"{USER_FACTORS}/{{fid}}/qr/{{token}}"

USER_LIFECYCLE = f"{USER}/lifecycle"
EXPIRE_PASSWORD = f"{USER_LIFECYCLE}/expire_password"
EXPIRE_PASSWORD_WITH_TEMP = f"{USER_LIFECYCLE}/expire_password_with_temp_password"
USER_RESET_PASSWORD = f"{USER_LIFECYCLE}/reset_password"
USER_CREDENTIALS = f"{USER}/credentials"
USER_CHANGE_PASSWORD = f"{USER_CREDENTIALS}/change_password"
USER_FORGOT_PASSWORD = f"{USER_CREDENTIALS}/forgot_password"
USER_FORGOT_PASSWORD_ANSWER = f"{USER_CREDENTIALS}/forgot_password_recovery_question"
USER_CHANGE_QUESTION = f"{USER_CREDENTIALS}/change_recovery_question"

SESSIONS = "/api/v1/sessions"

TRUSTED_ORIGINS = "/api/v1/trustedOrigins"
TRUSTED_ORIGIN = f"{TRUSTED_ORIGINS}/{{id}}"


def verify_path(factor_id: str) -> str:
    return FACTOR_VERIFY.format(fid=factor_id)


def lifecycle_path(factor_id: str) -> str:
    return FACTOR_LIFECYCLE.format(fid=factor_id)


def qr_path(user_id: str, factor_id: str, token: str) -> str:
    return FACTOR_QR.format(uid=user_id, fid=factor_id, token=token)


def user_factor_path(user_id: str, factor_id: str) -> str:
    return USER_FACTOR.format(uid=user_id, fid=factor_id)
