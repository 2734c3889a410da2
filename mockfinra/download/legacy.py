"""Certificate-era authentication for the legacy download host: NWSF user id + password + client certificate.

ASSUMPTION: the NWSF user id and password are the MFA user's login and password (the mock keeps one
user directory). Failed passwords count toward the same lockout as sign-in (`lockout_threshold`), and
the answer to a bad user id or a bad password is the same.
"""

from __future__ import annotations

import base64
import binascii

from sqlalchemy.orm import Session
from starlette.requests import Request

from mockfinra.auth_header import BASIC, credentials
from mockfinra.context import Context
from mockfinra.download.caller import Caller
from mockfinra.download.tls import client_certificate_pem, connection_is_tls
from mockfinra.errors import ClientError
from mockfinra.identity.core import lockout
from mockfinra.identity.core.password_check import verify_password
from mockfinra.identity.core.passwords import is_expired
from mockfinra.store.users import User, find_user_by_login

REALM = "download"
BAD_CREDENTIALS = "The user id or password is not valid."


def legacy_caller(ctx: Context, db: Session, request: Request) -> Caller:
    """Check the client certificate, then Basic credentials, then that both name the same user."""
    settings = ctx.settings
    cert_pem = client_certificate_pem(request)
    if cert_pem is None:
        if connection_is_tls(request):
            hint = "" if settings.tls_ca else " This server does not ask for one: start it with --tls-ca (the CA's ca.pem)."
            raise ClientError(
                403,
                "A client certificate is required. Present the certificate issued for your user id "
                f"(`mockfinra certs client --login <user id>`) together with its key.{hint}",
                "client_certificate_required",
            )
        if not settings.legacy_allow_plain_http:
            raise ClientError(
                403,
                "A client certificate is required (serve with TLS): start the mock with --tls-cert, --tls-key "
                "and --tls-ca (see `mockfinra certs init`), or set MOCKFINRA_LEGACY_ALLOW_PLAIN_HTTP=true to "
                "accept the user id and password alone on plain HTTP.",
                "client_certificate_required",
            )
    login, password = basic_credentials(request)
    user = authenticate(ctx, db, login, password)
    if cert_pem is not None:
        check_certificate(ctx, cert_pem, user.login)
    return Caller(login=user.login, entitlements=tuple(user.entitlements or ()))


def basic_credentials(request: Request) -> tuple[str, str]:
    encoded = credentials(request, BASIC)
    if encoded is None:
        raise _unauthorized("Send your NWSF user id and password with HTTP Basic authentication.")
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _unauthorized("The Basic credentials are not valid base64 of 'user id:password'.") from None
    login, colon, password = decoded.partition(":")
    if not colon or not login:
        raise _unauthorized("The Basic credentials are not of the form 'user id:password'.")
    return login, password


def authenticate(ctx: Context, db: Session, login: str, password: str) -> User:
    """The active user with this login and password; failures count toward the lockout."""
    user = find_user_by_login(db, login, factors=False)  # a failed check needs no factors (same cost as unknown)
    if user is None or user.password_hash is None:
        verify_password(ctx, password, None)  # the same cost as a wrong password: no enumeration by timing
        raise _unauthorized(BAD_CREDENTIALS)
    if lockout.is_locked(ctx, user):
        raise ClientError(
            403,
            "This user is locked out after too many failed sign-ins; an administrator must unlock it.",
            "locked_out",
        )
    if not verify_password(ctx, password, user.password_hash):
        if user.status in ("ACTIVE", "PASSWORD_EXPIRED"):
            lockout.password_failed(ctx, user)
        raise _unauthorized(BAD_CREDENTIALS, commit=True)
    if user.status not in ("ACTIVE", "PASSWORD_EXPIRED"):
        raise _unauthorized(BAD_CREDENTIALS)
    if user.status == "PASSWORD_EXPIRED" or is_expired(user.password_changed_at, ctx.clock.now(), ctx.settings):
        raise ClientError(403, "The password has expired: change it in the NASDAQ MFA service first.", "password_expired")
    user.failed_password_attempts = 0
    return user


def check_certificate(ctx: Context, cert_pem: str, login: str) -> None:
    """The certificate must name the user (CN, emailAddress or an rfc822Name) and, when a CA is
    configured, be issued by it (TLS already checked that; this also covers servers that only forward it)."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.x509.oid import NameOID

    try:
        cert = x509.load_pem_x509_certificate(cert_pem.encode("ascii"))
    except ValueError:
        raise ClientError(403, "The client certificate cannot be read.", "bad_certificate") from None
    ca_path = ctx.settings.tls_ca
    if ca_path is not None:
        try:
            ca = x509.load_pem_x509_certificate(ca_path.read_bytes())
            cert.verify_directly_issued_by(ca)
        except (OSError, ValueError, TypeError, InvalidSignature) as error:
            raise ClientError(
                403, f"The client certificate was not issued by this mock's CA ({error.__class__.__name__}).", "bad_certificate"
            ) from None
    names = {str(a.value).lower() for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)}
    names |= {str(a.value).lower() for a in cert.subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)}
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names |= {value.lower() for value in san.get_values_for_type(x509.RFC822Name)}
    except x509.ExtensionNotFound:
        pass
    if login.lower() not in names:
        shown = cert.subject.rfc4514_string()
        raise ClientError(
            403,
            f"The client certificate ({shown}) was not issued to user id {login}; use the certificate issued for it.",
            "certificate_mismatch",
        )


def _unauthorized(message: str, commit: bool = False) -> ClientError:
    return ClientError(
        401,
        message,
        "unauthorized",
        headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
        commit=commit,
    )
