"""HTTP layer of the authorization server `default`: `/oauth2/default/...` (Okta custom-AS paths).

Thin: parameters in, domain functions, JSON/redirect out. OAuth errors use RFC 6749's JSON format; the
authorize endpoint shows an HTML page for a bad client or redirect URI instead of redirecting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from mockfinra.auth_header import BEARER, credentials
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.error_responses import generic_error
from mockfinra.errors import OAuthError
from mockfinra.identity.core.sessions import close_session, get_active_session
from mockfinra.identity.oidc import authorize, introspection, keys, metadata
from mockfinra.identity.oidc.clients import Client, find_client, redirect_uri_allowed
from mockfinra.identity.oidc.grants import authenticate_client, exchange
from mockfinra.identity.oidc.responses import (
    NO_STORE,
    SID_COOKIE,
    client_redirect,
    set_sid_cookie,
)
from mockfinra.identity.oidc.tokens import (
    AUTH_SERVER_PATH,
    InvalidAccessToken,
    decode_signed,
    issuer_url,
    user_claims,
    verify_access_token,
)
from mockfinra.links import Links
from mockfinra.store.users import get_user

router = APIRouter(prefix=AUTH_SERVER_PATH, tags=["oauth2"])

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass
class Params:
    values: dict[str, str]
    duplicates: list[str]
    form_body: bool

    def require_form(self) -> None:
        if not self.form_body:
            raise OAuthError("invalid_request", "The request body must be application/x-www-form-urlencoded.")
        self.require_unique()

    def require_unique(self) -> None:
        if self.duplicates:
            raise OAuthError("invalid_request", f"Parameters must not be repeated: {', '.join(self.duplicates)}.")


async def _params(request: Request, include_query: bool) -> Params:
    values: dict[str, str] = {}
    duplicates: list[str] = []
    items: list[tuple[str, Any]] = list(request.query_params.multi_items()) if include_query else []
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    form_body = request.method == "POST" and content_type in FORM_TYPES
    if form_body:
        try:
            form = await request.form()
        except Exception:  # noqa: BLE001 - any unparsable body is the client's error
            raise OAuthError("invalid_request", "The request body is not a valid form.") from None
        items += list(form.multi_items())
    for name, value in items:
        if not isinstance(value, str):
            continue
        if name in values and name not in duplicates:
            duplicates.append(name)
        values[name] = value
    return Params(values, duplicates, form_body)


async def body_params(request: Request) -> Params:
    return await _params(request, include_query=False)


async def all_params(request: Request) -> Params:
    return await _params(request, include_query=True)


def _json(body: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(body, status, headers=NO_STORE)


# --- discovery and keys --------------------------------------------------------------------------


@router.get("/.well-known/openid-configuration")
def openid_configuration(request: Request, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    return metadata.openid_configuration(ctx, Links(request))


@router.get("/.well-known/oauth-authorization-server")
def authorization_server_metadata(request: Request, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    return metadata.authorization_server_metadata(ctx, Links(request))


@router.get("/v1/keys")
def jwks(ctx: Context = Depends(get_context)) -> JSONResponse:
    with ctx.store.transaction() as db:
        body = keys.jwks(ctx, db)
    return JSONResponse(body, headers={"Cache-Control": "max-age=300"})


# --- authorize ----------------------------------------------------------------------------------


@router.get("/v1/authorize", operation_id="oauth2_authorize_get")
@router.post("/v1/authorize", operation_id="oauth2_authorize_post")
def authorize_endpoint(
    request: Request, params: Params = Depends(all_params), ctx: Context = Depends(get_context)
) -> Response:
    links = Links(request)
    if params.duplicates:
        message = f"Parameters must not be repeated: {', '.join(params.duplicates)}."
        return generic_error("html", 400, message, scope=request.scope)
    here = links.url(f"{AUTH_SERVER_PATH}/v1/authorize")
    with ctx.store.transaction() as db:
        outcome = authorize.decide(ctx, db, links, params.values, request.cookies.get(SID_COOKIE), here)
    if isinstance(outcome, authorize.PageError):
        return generic_error("html", outcome.status, outcome.message, "invalid_request", scope=request.scope)
    if isinstance(outcome, authorize.SignInRedirect):
        return RedirectResponse(outcome.url, status_code=302, headers=NO_STORE)
    response = client_redirect(outcome)
    if outcome.new_session_id:
        set_sid_cookie(response, outcome.new_session_id, links.scheme == "https", links.cookie_path())
    return response


# --- token, introspect, revoke -------------------------------------------------------------------


@router.post("/v1/token")
def token_endpoint(
    request: Request, params: Params = Depends(body_params), ctx: Context = Depends(get_context)
) -> JSONResponse:
    params.require_form()
    issuer = issuer_url(Links(request))
    with ctx.store.transaction() as db:
        body = exchange(ctx, db, params.values, request.headers.get("authorization", ""), issuer)
    return _json(body)


def _token_client(request: Request, params: Params, ctx: Context) -> Client:
    """Introspection and revocation (RFC 7662, RFC 7009): a form post by an authenticated client naming a token."""
    params.require_form()
    client = authenticate_client(ctx, params.values, request.headers.get("authorization", ""))
    if not params.values.get("token"):
        raise OAuthError("invalid_request", "The 'token' parameter is required.")
    return client


@router.post("/v1/introspect")
def introspect_endpoint(
    request: Request, params: Params = Depends(body_params), ctx: Context = Depends(get_context)
) -> JSONResponse:
    client = _token_client(request, params, ctx)
    with ctx.store.transaction() as db:
        body = introspection.introspect(ctx, db, client, params.values)
    return _json(body)


@router.post("/v1/revoke")
def revoke_endpoint(
    request: Request, params: Params = Depends(body_params), ctx: Context = Depends(get_context)
) -> Response:
    client = _token_client(request, params, ctx)
    hint = params.values.get("token_type_hint")
    if hint is not None and hint not in introspection.HINTS:
        raise OAuthError("unsupported_token_type", f"The token_type_hint '{hint}' is not supported.")
    with ctx.store.transaction() as db:
        introspection.revoke(ctx, db, client, params.values)
    return Response(status_code=200, headers=NO_STORE)


# --- userinfo and logout ------------------------------------------------------------------------


def _bearer_error(request: Request, error: str, description: str, status: int) -> OAuthError:
    realm = issuer_url(Links(request))
    header = f'Bearer realm="{realm}", error="{error}", error_description="{description}"'
    return OAuthError(error, description, status, {"WWW-Authenticate": header})


@router.get("/v1/userinfo", operation_id="oauth2_userinfo_get")
@router.post("/v1/userinfo", operation_id="oauth2_userinfo_post")
def userinfo_endpoint(request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    token = credentials(request, BEARER)
    if token is None:
        raise _bearer_error(request, "invalid_token", "The access token is missing (Authorization: Bearer).", 401)
    with ctx.store.transaction() as db:
        try:
            claims = verify_access_token(ctx, db, token)
        except InvalidAccessToken as problem:
            raise _bearer_error(request, "invalid_token", f"The access token is invalid: {problem.reason}.", 401) from None
        if "openid" not in claims.scopes:
            raise _bearer_error(request, "insufficient_scope", "The access token must have the 'openid' scope.", 403)
        user = get_user(db, claims.uid)
        assert user is not None  # verify_access_token checked it
        body = {"sub": user.id, **user_claims(user, claims.scopes)}
    return _json(body)


@router.get("/v1/logout")
def logout_endpoint(
    request: Request, params: Params = Depends(all_params), ctx: Context = Depends(get_context)
) -> Response:
    """End the `sid` session; go to `post_logout_redirect_uri` (registered for the hint's client) or sign-in."""
    links = Links(request)
    values = params.values
    target = values.get("post_logout_redirect_uri")
    with ctx.store.transaction() as db:
        if target:
            hint = decode_signed(ctx, db, values.get("id_token_hint", ""))
            if hint is None:
                message = "A valid 'id_token_hint' is required with 'post_logout_redirect_uri'."
                return generic_error("html", 400, message, scope=request.scope)
            client = find_client(ctx, str(hint.get("aud", "")))
            if client is None or not redirect_uri_allowed(ctx, links, client, target):
                message = f"The 'post_logout_redirect_uri' is not registered: '{target}'."
                return generic_error("html", 400, message, scope=request.scope)
            if values.get("state") is not None:
                target += ("&" if "?" in target else "?") + urlencode({"state": values["state"]})
        session = get_active_session(ctx, db, request.cookies.get(SID_COOKIE))
        if session is not None:
            close_session(db, session)
    response = RedirectResponse(target or links.url(authorize.SIGNIN_PATH), status_code=302)
    response.delete_cookie(SID_COOKIE, path=links.cookie_path())
    return response
