"""Who is asking: a bearer access token (API download host) or Basic credentials (legacy host)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from starlette.requests import Request

from mockfinra.auth_header import BEARER, credentials
from mockfinra.context import Context
from mockfinra.errors import ClientError

REALM = "apidownload"


@dataclass(frozen=True)
class Caller:
    login: str
    entitlements: tuple[str, ...]


def bearer_caller(ctx: Context, db: Session, request: Request) -> Caller:
    """The caller behind `Authorization: Bearer <access token>`; 401 (RFC 6750 challenge) otherwise."""
    from mockfinra.identity.oidc.tokens import InvalidAccessToken, verify_access_token

    header = request.headers.get("authorization", "").strip()
    if not header:
        raise unauthorized(
            "No access token. Send the header 'Authorization: Bearer <access token>'; get an access token by "
            "exchanging your TRAQS refresh token at the token endpoint (grant_type=refresh_token)."
        )
    token = credentials(request, BEARER)
    if token is None:
        raise unauthorized("The Authorization header is not of the form 'Bearer <access token>'.")
    try:
        # The issuer is not checked: a token from /oauth2/default is good on any host name of the mock.
        claims = verify_access_token(ctx, db, token)
    except InvalidAccessToken as error:
        raise unauthorized(f"The access token is not valid: {error.reason}") from None
    scope = ctx.settings.oauth_data_scope
    if ctx.settings.download_require_scope and scope not in claims.scopes:
        raise ClientError(
            403,
            f"The access token lacks the scope '{scope}' that reference-data downloads need; "
            f"request it when you exchange the refresh token (scope={scope}).",
            "insufficient_scope",
            headers={"WWW-Authenticate": _challenge("insufficient_scope", f"scope {scope} required")},
        )
    return Caller(login=claims.sub, entitlements=tuple(str(e).upper() for e in claims.entitlements))


def unauthorized(message: str) -> ClientError:
    return ClientError(401, message, "invalid_token", headers={"WWW-Authenticate": _challenge("invalid_token", message)})


def _challenge(error: str, description: str) -> str:
    # RFC 6750 §3: error_description is limited to printable ASCII without '"' and '\'.
    safe = "".join(ch for ch in description if 0x20 <= ord(ch) < 0x7F and ch not in '"\\')
    return f'Bearer realm="{REALM}", error="{error}", error_description="{safe}"'
