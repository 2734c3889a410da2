"""JWT access and ID tokens: minting, the token response, and `verify_access_token` for the download host.

Access tokens follow Okta's custom authorization server: RS256, header `kid`, claims `ver`, `jti`
(`AT.…`), `iss` (`{mfa base}/oauth2/default`), `aud`, `iat`, `exp`, `cid`, `uid`, `scp`, `auth_time`,
`sub` (the login) and the custom claim `entitlements`.

Times: every expiry follows the MOCK clock (an access token is recorded with its mock-time expiry, which is
what this server checks). The times written INTO the JWTs (`iat`, `exp`, `auth_time`) are by default shifted
to the wall clock (`settings.token_times = "real"`), because real clients (okta-auth-js, the Sign-In Widget,
JWT verifiers) check them against their own clock with a few minutes of skew: after a trainer moves the mock
clock by 30 days, sign-in through those clients still works. `token_times = "mock"` writes mock times.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.identity.oidc import keys
from mockfinra.identity.oidc.refresh import issue_refresh_token
from mockfinra.links import Links
from mockfinra.security import new_id
from mockfinra.store.oauth import AccessTokenRecord, RefreshToken
from mockfinra.store.users import User, get_user

#: ASSUMPTION: Okta's custom authorization server `default` (FINRA's token endpoint URL is unknown)
AUTH_SERVER_ID = "default"
AUTH_SERVER_PATH = f"/oauth2/{AUTH_SERVER_ID}"


class InvalidAccessToken(Exception):
    """An access token that must be refused; `reason` is short and human readable ("expired", ...)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class AccessTokenClaims:
    """What a resource server needs from a valid access token.

    `entitlements` are the user's CURRENT entitlements (read from the store when verifying), so that
    removing an entitlement takes effect at once; `claims` holds the token's own claims.
    """

    sub: str
    uid: str
    entitlements: list[str]
    scopes: list[str]
    expires_at: datetime
    client_id: str
    jti: str = ""
    issuer: str = ""
    issued_at: datetime | None = None
    claims: dict[str, Any] = field(default_factory=dict)


def issuer_url(links: Links) -> str:
    """`{mfa base}/oauth2/default`, built from the request (the same on every site)."""
    return links.url(AUTH_SERVER_PATH, site="mfa")


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def token_epoch(ctx: Context, moment: datetime) -> int:
    """A mock instant as a JWT time (see the module docstring: the wall-clock counterpart by default)."""
    if ctx.settings.token_times == "mock":
        return _epoch(moment)
    return _epoch(ctx.clock.to_wall(moment))


def _sign(ctx: Context, db: Session, claims: dict[str, Any]) -> str:
    import jwt

    kid, private_key = keys.current_key(ctx, db)
    return jwt.encode(claims, private_key, algorithm=keys.ALGORITHM, headers={"kid": kid})


def mint_access_token(
    ctx: Context,
    db: Session,
    user: User,
    client_id: str,
    scopes: Iterable[str],
    issuer: str,
    *,
    auth_time: datetime | None = None,
    refresh_token_id: str | None = None,
    code_id: str | None = None,
) -> tuple[str, int]:
    """A signed access token and its lifetime in seconds; the token's `jti` is recorded."""
    now = ctx.clock.now()
    ttl = ctx.settings.access_token_ttl_seconds
    scope_list = list(dict.fromkeys(scopes))
    jti = new_id("AT.", 32)
    claims = {
        "ver": 1,
        "jti": jti,
        "iss": issuer,
        "aud": ctx.settings.oauth_audience,
        "iat": token_epoch(ctx, now),
        "exp": token_epoch(ctx, now) + ttl,
        "cid": client_id,
        "uid": user.id,
        "scp": scope_list,
        "auth_time": token_epoch(ctx, auth_time or now),
        "sub": user.login,
        "entitlements": list(user.entitlements),
    }
    db.add(
        AccessTokenRecord(
            jti=jti,
            client_id=client_id,
            user_id=user.id,
            scopes=scope_list,
            refresh_token_id=refresh_token_id,
            code_id=code_id,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
    )
    return _sign(ctx, db, claims), ttl


def user_claims(user: User, scopes: Iterable[str]) -> dict[str, Any]:
    """Profile and email claims by scope (ID token and userinfo), plus `entitlements`."""
    scope_set = set(scopes)
    claims: dict[str, Any] = {}
    if "profile" in scope_set:
        claims.update(
            name=f"{user.first_name} {user.last_name}".strip() or user.login,
            given_name=user.first_name,
            family_name=user.last_name,
            preferred_username=user.login,
            locale=user.profile_extra.get("locale", "en_US"),
            zoneinfo=user.profile_extra.get("timeZone", "America/New_York"),
            updated_at=_epoch(user.last_updated_at),
        )
    if "email" in scope_set:
        claims.update(email=user.email, email_verified=True)
    claims["entitlements"] = list(user.entitlements)
    return claims


def _half_hash(value: str) -> str:
    """`at_hash`: the left half of SHA-256 of the access token, base64url (OIDC Core §3.1.3.6)."""
    half = hashlib.sha256(value.encode("ascii")).digest()[:16]
    return base64.urlsafe_b64encode(half).rstrip(b"=").decode()


def mint_id_token(
    ctx: Context,
    db: Session,
    user: User,
    client_id: str,
    scopes: Iterable[str],
    issuer: str,
    *,
    nonce: str | None = None,
    auth_time: datetime | None = None,
    amr: Iterable[str] = (),
    access_token: str | None = None,
) -> str:
    now = ctx.clock.now()
    claims: dict[str, Any] = {
        "sub": user.id,
        "ver": 1,
        "iss": issuer,
        "aud": client_id,
        "iat": token_epoch(ctx, now),
        "exp": token_epoch(ctx, now) + ctx.settings.id_token_ttl_seconds,
        "jti": new_id("ID.", 32),
        "amr": list(dict.fromkeys(amr)) or ["pwd"],
        "auth_time": token_epoch(ctx, auth_time or now),
        "preferred_username": user.login,
    }
    claims.update(user_claims(user, scopes))
    if nonce:
        claims["nonce"] = nonce
    if access_token:
        claims["at_hash"] = _half_hash(access_token)
    return _sign(ctx, db, claims)


def token_response(
    ctx: Context,
    db: Session,
    user: User,
    client_id: str,
    scopes: list[str],
    issuer: str,
    *,
    refresh_token: str | None = None,
    refresh_row: RefreshToken | None = None,
    code_id: str | None = None,
    nonce: str | None = None,
    auth_time: datetime | None = None,
    amr: Iterable[str] = (),
) -> dict[str, Any]:
    """The token endpoint's JSON: access token, plus ID token (openid) and refresh token (when given)."""
    access, ttl = mint_access_token(
        ctx,
        db,
        user,
        client_id,
        scopes,
        issuer,
        auth_time=auth_time,
        refresh_token_id=refresh_row.id if refresh_row is not None else None,
        code_id=code_id,
    )
    body: dict[str, Any] = {
        "token_type": "Bearer",
        "expires_in": ttl,
        "access_token": access,
        "scope": " ".join(scopes),
    }
    if refresh_token is not None:
        body["refresh_token"] = refresh_token
    if "openid" in scopes:
        body["id_token"] = mint_id_token(
            ctx, db, user, client_id, scopes, issuer, nonce=nonce, auth_time=auth_time, amr=amr, access_token=access
        )
    return body


def implicit_response(
    ctx: Context,
    db: Session,
    user: User,
    client_id: str,
    scopes: list[str],
    issuer: str,
    *,
    access_token: bool,
    id_token: bool,
    nonce: str | None,
    auth_time: datetime | None,
    amr: Iterable[str],
) -> dict[str, str]:
    """What `/authorize` hands an implicit client: an access token (`token`) and/or an ID token (`id_token`,
    with `at_hash` when an access token comes with it). Never a refresh token."""
    body: dict[str, str] = {}
    access = None
    if access_token:
        access, ttl = mint_access_token(ctx, db, user, client_id, scopes, issuer, auth_time=auth_time)
        body.update({"token_type": "Bearer", "expires_in": str(ttl), "access_token": access, "scope": " ".join(scopes)})
    if id_token:
        body["id_token"] = mint_id_token(
            ctx, db, user, client_id, scopes, issuer, nonce=nonce, auth_time=auth_time, amr=amr, access_token=access
        )
    return body


def issue_tokens_for_user(
    ctx: Context,
    db: Session,
    user: User,
    client_id: str,
    scopes: Iterable[str],
    issuer: str,
    *,
    nonce: str | None = None,
    amr: Iterable[str] = ("pwd",),
) -> dict[str, Any]:
    """Tokens as the token endpoint would return them (a refresh token when `offline_access` is asked).

    For tests and tools: no authorize round trip. `issuer` is e.g. `http://127.0.0.1:8400/oauth2/default`.
    """
    scope_list = list(dict.fromkeys(scopes))
    now = ctx.clock.now()
    refresh_token, refresh_row = None, None
    if "offline_access" in scope_list:
        refresh_token, refresh_row = issue_refresh_token(
            ctx, db, user, client_id, scope_list, source="direct", amr=amr, auth_time=now
        )
    return token_response(
        ctx,
        db,
        user,
        client_id,
        scope_list,
        issuer,
        refresh_token=refresh_token,
        refresh_row=refresh_row,
        nonce=nonce,
        auth_time=now,
        amr=amr,
    )


def decode_signed(ctx: Context, db: Session, token: str) -> dict[str, Any] | None:
    """The claims of any token this server signed (signature checked; times and audience not), else None."""
    try:
        return _decode(ctx, db, token, None)
    except InvalidAccessToken:
        return None


def _decode(ctx: Context, db: Session, token: str, audience: str | None) -> dict[str, Any]:
    """Signature and shape checks only; times are checked against the mock clock by the caller."""
    import jwt

    if not isinstance(token, str) or token.count(".") != 2:
        raise InvalidAccessToken("malformed")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise InvalidAccessToken("malformed") from None
    if header.get("alg") != keys.ALGORITHM:
        raise InvalidAccessToken("unsupported algorithm")
    public = keys.public_key(ctx, db, str(header.get("kid", "")))
    if public is None:
        raise InvalidAccessToken("unknown signing key")
    options: Any = {"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": audience is not None}
    try:
        return jwt.decode(token, public, algorithms=[keys.ALGORITHM], audience=audience, options=options)
    except jwt.InvalidSignatureError:
        raise InvalidAccessToken("bad signature") from None
    except jwt.InvalidAudienceError:
        raise InvalidAccessToken("wrong audience") from None
    except jwt.PyJWTError:
        raise InvalidAccessToken("malformed") from None


def _as_time(value: Any) -> datetime:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise InvalidAccessToken("malformed")
    return datetime.fromtimestamp(value, timezone.utc)


def verify_access_token(ctx: Context, db: Session, token: str, issuer: str | None = None) -> AccessTokenClaims:
    """Check an access token: signature (`kid`), audience, issuer, its recorded expiry against the MOCK clock,
    that it was not revoked, and that its user still exists and is ACTIVE. Raises `InvalidAccessToken(reason)`.

    `issuer=None` accepts any issuer ending in `/oauth2/default` (a token fetched on 127.0.0.1 then used on
    localhost or on a real NTF host name stays valid); pass `issuer_url(Links(request))` to be strict.
    """
    claims = _decode(ctx, db, token, ctx.settings.oauth_audience)
    iss = claims.get("iss")
    if not isinstance(iss, str) or (iss != issuer if issuer else not iss.endswith(AUTH_SERVER_PATH)):
        raise InvalidAccessToken("wrong issuer")
    _as_time(claims.get("exp"))
    jti, uid = claims.get("jti"), claims.get("uid")
    if not isinstance(jti, str) or not isinstance(uid, str):
        raise InvalidAccessToken("malformed")
    user = get_user(db, uid)
    if user is None:
        raise InvalidAccessToken("unknown user")
    record = db.get(AccessTokenRecord, jti)
    if record is None or record.user_id != uid:
        raise InvalidAccessToken("unknown token")
    expires_at = record.expires_at
    if expires_at <= ctx.clock.now():
        raise InvalidAccessToken("expired")
    if record.revoked_at is not None:
        raise InvalidAccessToken("revoked")
    # ASSUMPTION: tokens stop working as soon as the user is no longer ACTIVE (locked out, suspended...).
    if user.status != "ACTIVE":
        raise InvalidAccessToken(f"user is {user.status}")
    scopes = claims.get("scp")
    return AccessTokenClaims(
        sub=user.login,
        uid=user.id,
        entitlements=list(user.entitlements),
        scopes=[str(s) for s in scopes] if isinstance(scopes, list) else [],
        expires_at=expires_at,
        client_id=str(claims.get("cid", "")),
        jti=jti,
        issuer=iss,
        issued_at=_as_time(claims["iat"]) if "iat" in claims else None,
        claims=claims,
    )
