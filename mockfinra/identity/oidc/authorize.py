"""The decision of `v1/authorize`, as plain Python over the store and the clock: the authorization code
flow (`response_type=code`) and, for clients allowed the `implicit` grant, the implicit flow
(`token`, `id_token`, `token id_token`; fragment by default, or form_post; `nonce` required with an ID token).

Order (RFC 6749 §4.1.2.1): a missing or unknown `client_id` or a `redirect_uri` that is not registered is
shown as an HTML error page and NEVER redirected; every later problem is sent to the client's redirect URI
as `error` / `error_description` / `state`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Mapping
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.identity.core.sessions import get_active_session, start_session
from mockfinra.identity.oidc.clients import (
    find_client,
    redirect_uri_allowed,
    supported_scopes,
)
from mockfinra.identity.oidc.codes import PKCE_VALUE, issue_code
from mockfinra.identity.oidc.tokens import implicit_response, issuer_url
from mockfinra.links import Links
from mockfinra.store.users import User, get_user

RESPONSE_MODES = ("query", "fragment", "form_post", "okta_post_message")
PROMPTS = ("none", "login", "consent")
IMPLICIT_RESPONSE_TYPES = (frozenset({"token"}), frozenset({"id_token"}), frozenset({"token", "id_token"}))
SIGNIN_PATH = "/login/login.htm"


@dataclass
class PageError:
    """Shown to the user as HTML; never redirected (the redirect target is not trusted)."""

    status: int
    message: str


@dataclass
class ClientRedirect:
    """Send `params` to the client's redirect URI with `response_mode`; maybe set a new `sid` cookie."""

    redirect_uri: str
    response_mode: str
    params: dict[str, str]
    new_session_id: str | None = None
    session_expires_at: datetime | None = None


@dataclass
class SignInRedirect:
    """No session: go to the sign-in page, which comes back to `from_uri` afterwards."""

    url: str


Outcome = PageError | ClientRedirect | SignInRedirect


@dataclass
class _Auth:
    user: User
    session_id: str
    amr: list[str] = field(default_factory=list)
    auth_time: datetime | None = None
    new_session: bool = False
    expires_at: datetime | None = None


def _error(redirect_uri: str, mode: str, state: str | None, error: str, description: str) -> ClientRedirect:
    params = {"error": error, "error_description": description}
    if state is not None:
        params["state"] = state
    return ClientRedirect(redirect_uri, mode, params)


def signin_url(links: Links, from_uri: str) -> str:
    return links.url(SIGNIN_PATH) + "?" + urlencode({"fromURI": from_uri})


def _authenticate(
    ctx: Context, db: Session, session_token: str | None, sid: str | None
) -> tuple[_Auth | None, str | None]:
    """The signed-in user from a `sessionToken` (creates a session) or the `sid` cookie; else a reason."""
    if session_token is not None:
        created = start_session(ctx, db, session_token)
        user = get_user(db, created.user_id) if created else None
        if created is None or user is None:
            return None, "The session token is invalid, expired or already used."
        auth = _Auth(user, created.id, list(created.amr), created.created_at, True, created.expires_at)
        return auth, None
    existing = get_active_session(ctx, db, sid)
    user = get_user(db, existing.user_id) if existing else None
    if existing is None or user is None:
        return None, "The user is not signed in (no session)."
    auth_time = existing.last_password_verification or existing.created_at
    return _Auth(user, existing.id, list(existing.amr), auth_time), None


def decide(
    ctx: Context, db: Session, links: Links, params: Mapping[str, str], sid: str | None, here: str
) -> Outcome:
    """`params` are the authorize parameters; `here` is this authorize URL (the sign-in page returns to it)."""
    params = {name: value for name, value in params.items() if value != ""}  # empty means absent
    client = find_client(ctx, params.get("client_id"))
    if client is None:
        return PageError(400, f"Invalid value for 'client_id' parameter: '{params.get('client_id', '')}' is not a registered client.")
    redirect_uri = params.get("redirect_uri", "")
    if not redirect_uri:
        return PageError(400, "The 'redirect_uri' parameter is required.")
    if not redirect_uri_allowed(ctx, links, client, redirect_uri):
        return PageError(
            400,
            f"The 'redirect_uri' parameter must be a Login redirect URI of the client '{client.client_id}' "
            f"({'any loopback http URL, ' if client.loopback_redirects else ''}or MOCKFINRA_OAUTH_REDIRECT_URIS); "
            f"got '{redirect_uri}'.",
        )
    state = params.get("state")
    types = frozenset((params.get("response_type") or "").split())
    implicit = types in IMPLICIT_RESPONSE_TYPES
    default_mode = "fragment" if implicit else "query"
    mode = params.get("response_mode") or default_mode
    if mode not in RESPONSE_MODES:
        return _error(
            redirect_uri, default_mode, state, "invalid_request",
            f"Unsupported response_mode '{mode}'; use one of {', '.join(RESPONSE_MODES)}.",
        )
    if implicit and mode == "query":
        # Tokens never go in a query string (OAuth 2.0 Multiple Response Types §2.1): say so in the fragment.
        return _error(
            redirect_uri, "fragment", state, "invalid_request",
            "The response_mode 'query' is not allowed with the response_type 'token' or 'id_token'; use 'fragment' or 'form_post'.",
        )

    def fail(error: str, description: str) -> ClientRedirect:
        return _error(redirect_uri, mode, state, error, description)

    if types != frozenset({"code"}) and not implicit:
        return fail(
            "unsupported_response_type",
            "The response type is not supported by the authorization server; use 'code', 'token', 'id_token' or 'token id_token'.",
        )
    if implicit and "implicit" not in client.grant_types:
        return fail(
            "unauthorized_client",
            f"The client is not authorized to use the provided grant type. Configured grant types: [{', '.join(client.grant_types)}].",
        )
    scopes = (params.get("scope") or "").split()
    if not scopes:
        return fail("invalid_scope", "The 'scope' parameter is required (for example 'openid offline_access').")
    unknown = [s for s in scopes if s not in supported_scopes(ctx)]
    if unknown:
        return fail("invalid_scope", f"One or more scopes are not configured for the authorization server: {' '.join(unknown)}.")
    if implicit and "id_token" in types and "openid" not in scopes:
        return fail("invalid_scope", "The 'openid' scope is required for the response_type 'id_token'.")
    if implicit and "id_token" in types and not params.get("nonce"):
        return fail("invalid_request", "The 'nonce' parameter is required for authorize requests with the 'id_token' response type.")
    challenge = None if implicit else params.get("code_challenge")
    pkce = None if implicit else _pkce_problem(challenge, params.get("code_challenge_method"), client.public)
    if pkce is not None:
        return fail("invalid_request", pkce)
    prompts = (params.get("prompt") or "").split()
    if any(p not in PROMPTS for p in prompts) or ("none" in prompts and len(prompts) > 1):
        return fail("invalid_request", f"Invalid value for 'prompt': '{params.get('prompt')}'.")
    max_age = params.get("max_age")
    if max_age is not None and not (max_age.isascii() and max_age.isdigit() and len(max_age) <= 9):
        return fail("invalid_request", "The 'max_age' parameter must be a number of seconds.")

    force_login = "login" in prompts and params.get("sessionToken") is None
    auth, reason = (None, "Re-authentication was requested (prompt=login).") if force_login else _authenticate(
        ctx, db, params.get("sessionToken"), sid
    )
    too_old = max_age is not None and auth is not None and auth.auth_time is not None and (
        ctx.clock.now() - auth.auth_time > timedelta(seconds=int(max_age or 0))
    )
    if too_old:
        auth, reason = None, "The last sign-in is older than max_age."
    if auth is not None and auth.user.status != "ACTIVE":
        return fail("access_denied", f"The user is {auth.user.status} and cannot sign in.")
    if auth is None:
        if "none" in prompts:
            return fail("login_required", reason or "The user is not signed in.")
        # The sign-in page returns to this URL; without prompt=login and the spent sessionToken, so no loop.
        return SignInRedirect(signin_url(links, _without(here, params, ("prompt", "sessionToken"))))

    if implicit:
        result = implicit_response(
            ctx,
            db,
            auth.user,
            client.client_id,
            [s for s in dict.fromkeys(scopes) if s != "offline_access"],
            issuer_url(links),
            access_token="token" in types,
            id_token="id_token" in types,
            nonce=params.get("nonce"),
            auth_time=auth.auth_time or ctx.clock.now(),
            amr=auth.amr,
        )
    else:
        result = {"code": _code(ctx, db, auth, client.client_id, redirect_uri, scopes, params.get("nonce"), challenge)}
    if state is not None:
        result["state"] = state
    return ClientRedirect(
        redirect_uri,
        mode,
        result,
        new_session_id=auth.session_id if auth.new_session else None,
        session_expires_at=auth.expires_at,
    )


def _code(
    ctx: Context,
    db: Session,
    auth: _Auth,
    client_id: str,
    redirect_uri: str,
    scopes: list[str],
    nonce: str | None,
    challenge: str | None,
) -> str:
    return issue_code(
        ctx,
        db,
        auth.user,
        client_id=client_id,
        redirect_uri=redirect_uri,
        scopes=scopes,
        nonce=nonce,
        code_challenge=challenge,
        session_id=auth.session_id,
        amr=auth.amr,
        auth_time=auth.auth_time or ctx.clock.now(),
    )


def _pkce_problem(challenge: str | None, method: str | None, public: bool) -> str | None:
    """Why the code flow's PKCE parameters are refused (S256 only; required for public clients), or None."""
    if challenge is None:
        if method is not None:
            return "'code_challenge_method' was given without 'code_challenge'."
        if public:
            return "PKCE code challenge is required when the token endpoint authentication method is 'NONE'."
        return None
    if (method or "plain") != "S256":
        return "The 'code_challenge_method' must be 'S256'."
    if not PKCE_VALUE.match(challenge):
        return "The 'code_challenge' must be 43 to 128 base64url characters."
    return None


def _without(here: str, params: Mapping[str, str], names: tuple[str, ...]) -> str:
    base = here.split("?", 1)[0]
    kept = {k: v for k, v in params.items() if k not in names}
    return base + ("?" + urlencode(kept) if kept else "")
