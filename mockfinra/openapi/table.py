"""What given operations answer besides their surface's errors: redirects, pages, downloads, domain errors
(403, 409, 429...), and the bodies of endpoints that read their form themselves.

Keys are `"METHOD /path"` as in the document. `responses` maps a status to a response object (from
`mockfinra.openapi.responses`); `None` removes a status FastAPI assumed (a 200 that is really a redirect).
`parameters` adds to a parameter's schema (or adds the parameter); `requestBody` replaces the body.
"""

from __future__ import annotations

from typing import Any, Callable

from pydantic import BaseModel

from mockfinra.openapi import responses as r
from mockfinra.openapi.bodies import FORMS, form_body, query_parameters
from mockfinra.openapi.downloads import download_paths

Spec = dict[str, Any]

okta_401 = r.error("okta", 401, "The stateToken (or token) is invalid or has expired")
okta_403 = r.error("okta", 403, "Not allowed in the transaction's state, wrong passcode or answer, or locked out")
okta_429 = r.error("okta", 429, "A code was sent moments ago: wait before asking again")
idx_401 = r.error("idx", 401, "The state handle is unknown or has expired (idx.session.expired)")
idx_403 = r.error("idx", 403, "The step is not allowed")
idx_429 = r.error("idx", 429, "A code was sent moments ago")
mock_404 = r.error("mock", 404, "Nothing matches")
mock_409 = r.error("mock", 409, "Not in a state that allows it (already resolved, not waiting)")
html_403 = r.error("html", 403, "The form did not come from this site (CSRF check) or the link is not valid")
html_404 = r.error("html", 404, "Nothing of yours has this id")
html_409 = r.error("html", 409, "Not in a state that allows it")
signin_302 = r.redirect(302, "Not signed in: to the sign-in page")
done_303 = r.redirect(303, "Done (or not signed in): to the next page")

#: to the client's redirect_uri (a code, or an OAuth error) or to the sign-in page; a page for a bad client
AUTHORIZE: Spec = {
    "responses": {
        "200": None,
        "302": r.redirect(302, "To the client's redirect_uri (code or error), or to the sign-in page"),
        "400": r.error("html", 400, "An unknown client or an unregistered redirect_uri: a page, no redirect"),
    }
}
#: every step of the classic Authentication API after the first
AUTHN_STEP: Spec = {"responses": {"401": okta_401, "403": okta_403, "429": okta_429}}
IDX_STEP: Spec = {"responses": {"401": idx_401, "403": idx_403, "429": idx_429}}
#: a session-backed page: the page, or to the sign-in page
PAGE: Spec = {"responses": {"200": r.page(), "302": signin_302}}
#: a session-backed form: 303 on to the next page; 403 when the CSRF check fails
FORM_POST: Spec = {"responses": {"200": None, "303": done_303, "403": html_403}}


def _form(name: str, spec: Spec | None = None, required: bool = True) -> Spec:
    out: Spec = {**(spec or {}), "requestBody": form_body(FORMS[name], required)}
    return out


def _query(name: str, spec: Spec | None = None) -> Spec:
    return {**(spec or {}), "add_parameters": query_parameters(FORMS[name])}


def _merge(*specs: Spec) -> Spec:
    out: Spec = {"responses": {}}
    for spec in specs:
        out["responses"].update(spec.get("responses", {}))
        for key in ("requestBody", "parameters", "add_parameters"):
            if key in spec:
                out[key] = spec[key]
    return out


#: Okta's `{"value": "..."}` wrapper of a credential
_SECRET: Spec = {"type": "object", "required": ["value"], "properties": {"value": {"type": "string", "minLength": 1}}}
_CREDENTIALS_403 = r.error("okta", 403, "The password or answer is wrong, or the password policy refuses the new one (E0000014)")


def _credentials_body(required: list[str], properties: Spec) -> Spec:
    schema = {"type": "object", "required": required, "properties": properties}
    return {"required": True, "content": {"application/json": {"schema": schema}}}


_FORGOT_WITH_ANSWER = {
    "password": _SECRET,
    "recovery_question": {"type": "object", "required": ["answer"], "properties": {"answer": {"type": "string", "minLength": 1}}},
}
_USER_CREDENTIALS = "/api/v1/users/{uid}/credentials"

OPERATIONS: dict[str, Spec] = {
    # --- Users API: credentials ------------------------------------------------------------------
    f"POST {_USER_CREDENTIALS}/change_password": {
        "requestBody": _credentials_body(["oldPassword", "newPassword"], {"oldPassword": _SECRET, "newPassword": _SECRET}),
        "responses": {"403": _CREDENTIALS_403},
    },
    f"POST {_USER_CREDENTIALS}/change_recovery_question": {
        "requestBody": _credentials_body(["password", "recovery_question"], {
            "password": _SECRET,
            "recovery_question": {
                "type": "object", "required": ["question", "answer"],
                "properties": {"question": {"type": "string", "minLength": 1}, "answer": {"type": "string", "minLength": 1}},
            },
        }),
        "responses": {"403": _CREDENTIALS_403},
    },
    f"POST {_USER_CREDENTIALS}/forgot_password_recovery_question": {
        "requestBody": _credentials_body(["password", "recovery_question"], _FORGOT_WITH_ANSWER),
        "responses": {"403": _CREDENTIALS_403},
    },
    f"POST {_USER_CREDENTIALS}/forgot_password": {
        # no body, `null` or `{}`: a reset link; the password with the answer: the password changed
        "requestBody": {"required": False, "content": {"application/json": {"schema": {"anyOf": [
            {"type": "null"},
            {"type": "object", "maxProperties": 0},
            {"type": "object", "required": ["password", "recovery_question"], "properties": _FORGOT_WITH_ANSWER},
        ]}}}},
        "responses": {"403": _CREDENTIALS_403},
    },
    # --- control plane -------------------------------------------------------------------------
    "POST /api/v1/users/{id_or_login}/lifecycle/activate": {
        "responses": {"403": r.error("okta", 403, "The user is already active (E0000016)")}
    },
    "GET /_mock": {"responses": {"200": r.page(description="The trainer's home")}},
    "GET /favicon.ico": {
        "responses": {"200": {"description": "The favicon (SVG)", "content": {"image/svg+xml": {"schema": {"type": "string"}}}}}
    },
    "GET /_mock/ready": {"responses": {"503": r.json("Not ready yet: the seed is loading", {"type": "object"})}},
    "GET /_mock/messages": {"parameters": {"limit": {"minimum": 1}, "wait": {"minimum": 0}}},
    "GET /_mock/messages/latest": {"parameters": {"wait": {"minimum": 0}}, "responses": {"404": mock_404}},
    "GET /_mock/messages/stream": {
        "responses": {"200": r.json("Server-Sent Events: one `message` event per captured message", {"type": "string"},
                                    "text/event-stream")}
    },
    "GET /_mock/ntf-window": {"responses": {"404": mock_404}},
    "DELETE /_mock/ntf-window": {"responses": {"404": mock_404}},
    "POST /_mock/ntf-window": {"responses": {"201": r.json("The window started"), "404": mock_404}},
    "POST /_mock/users": {
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "allOf": [{"$ref": "#/components/schemas/UserSpec"}],
            "anyOf": [{"required": ["password"], "properties": {"password": {"type": "string"}}},
                      {"required": ["status"], "properties": {"status": {"const": "PROVISIONED"}}}],
        }}}},
        "responses": {"409": r.error("mock", 409, "The login is taken")},
    },
    "POST /_mock/push/enrollments/{factor_id}/activate": {"responses": {"409": mock_409}},
    "POST /_mock/push/{push_id}/approve": {"responses": {"409": mock_409}},
    "POST /_mock/push/{push_id}/deny": {"responses": {"409": mock_409}},
    "POST /_mock/tenants": {
        "responses": {
            "200": r.json("The tenant exists already (idempotent)"),
            "201": r.json("The tenant was created (seeded like a fresh start)"),
            "404": r.error("mock", 404, "Tenants are turned off (MOCKFINRA_MAX_TENANTS=0)"),
            "409": r.error("mock", 409, "MOCKFINRA_MAX_TENANTS tenants exist already"),
        }
    },
    "GET /_mock/tenants/{name}": {"responses": {"404": mock_404}},
    "DELETE /_mock/tenants/{name}": {"responses": {"404": mock_404}},
    # --- Okta classic --------------------------------------------------------------------------
    "POST /api/v1/authn": {"responses": {"401": r.error("okta", 401, "Wrong username or password, or a bad token"),
                                         "403": okta_403, "429": okta_429}},
    "POST /api/v1/sessions": {"responses": {"401": r.error("okta", 401, "The session token is invalid or used")}},
    "GET /api/v1/sessions/me": {"responses": {"404": r.error("okta", 404, "No session (sid cookie)")}},
    "DELETE /api/v1/sessions/me": {"responses": {"404": r.error("okta", 404, "No session (sid cookie)")}},
    "POST /api/v1/sessions/me/lifecycle/refresh": {"responses": {"404": r.error("okta", 404, "No session (sid cookie)")}},
    "GET /api/v1/users/{id_or_login}": {"responses": {"401": r.error("okta", 401, "The admin token is missing or wrong"),
                                                      "403": r.error("okta", 403, "`me` without a session")}},
    "GET /login/sessionCookieRedirect": {
        "parameters": {"token": {"required": True}},
        "responses": {"200": None, "302": r.redirect(302, "Signed in: the `sid` cookie is set, on to redirectUrl"),
                      "403": html_403},
    },
    "POST /login/sessionCookieRedirect": {
        "responses": {"200": None, "302": r.redirect(302, "Signed in: the `sid` cookie is set, on to redirectUrl"),
                      "403": html_403},
    },
    # --- OAuth 2.0 / OIDC ----------------------------------------------------------------------
    "GET /oauth2/default/v1/authorize": _query("authorize", AUTHORIZE),
    "POST /oauth2/default/v1/authorize": _form("authorize", AUTHORIZE),
    "POST /oauth2/default/v1/token": _form("token", {"responses": {"401": r.error("oauth", 401, "Client authentication failed")}}),
    "POST /oauth2/default/v1/introspect": _form("introspect", {"responses": {"401": r.error("oauth", 401, "Client authentication failed")}}),
    "POST /oauth2/default/v1/revoke": _form("introspect", {"responses": {"200": r.empty(200, "Revoked (or unknown)"),
                                                                       "401": r.error("oauth", 401, "Client authentication failed")}}),
    "POST /oauth2/default/v1/interact": _form("interact", {"responses": {"401": r.error("oauth", 401, "Client authentication failed"),
                                                                       "404": r.error("oauth", 404, "The Identity Engine is off in this era")}}),
    "GET /oauth2/default/v1/userinfo": {"responses": {"401": r.error("oauth", 401, "No or a bad access token", r.CHALLENGE),
                                                      "403": r.error("oauth", 403, "No `openid` scope", r.CHALLENGE)}},
    "POST /oauth2/default/v1/userinfo": {"responses": {"401": r.error("oauth", 401, "No or a bad access token", r.CHALLENGE),
                                                       "403": r.error("oauth", 403, "No `openid` scope", r.CHALLENGE)}},
    "GET /oauth2/default/v1/logout": {
        "responses": {"200": None, "302": r.redirect(302, "Signed out: to post_logout_redirect_uri or the sign-in page"),
                      "400": r.error("html", 400, "A bad id_token_hint or an unregistered post_logout_redirect_uri")},
    },
    # --- Identity Engine -----------------------------------------------------------------------
    "POST /idp/idx/enroll": {"responses": {"200": None, "403": r.error("idx", 403, "Self-registration is not offered")}},
    # --- MFA service pages ---------------------------------------------------------------------
    "GET /": {"responses": {"200": None, "302": r.redirect(302, "To the user home (signed in) or the sign-in page")}},
    "GET /app/UserHome": PAGE,
    "POST /app/UserHome/methods/{factor_id}/remove": _merge(FORM_POST, {"responses": {"400": r.page(400, "Not allowed (the page says why)")}}),
    "POST /app/UserHome/methods/add": FORM_POST,
    "POST /app/UserHome/password": _merge(FORM_POST, {"responses": {"200": r.page(200, "The page with the outcome")}}),
    "POST /app/UserHome/question": _merge(FORM_POST, {"responses": {"200": r.page(200, "The page with the outcome")}}),
    "POST /login/signout": FORM_POST,
    # --- TRAQS ---------------------------------------------------------------------------------
    "GET /traqs/": PAGE,
    "GET /traqs/api-access": PAGE,
    "GET /traqs/order-form": PAGE,
    "GET /traqs/api-access/tokens/{token_id}/revoke": _merge(PAGE, {"responses": {"404": html_404}}),
    "POST /traqs/ntf-window": FORM_POST,
    "POST /traqs/api-access/tokens": FORM_POST,
    "POST /traqs/api-access/tokens/{token_id}/revoke": _merge(FORM_POST, {"responses": {"404": html_404}}),
    "POST /traqs/sign-out": FORM_POST,
    "POST /traqs/order-form": _form("order-form", _merge(FORM_POST, {"responses": {"200": r.page(200, "The form again, with what to fix")}}), False),
    "POST /traqs/order-form/requests/{order_id}/resend": _form("csrf", _merge(FORM_POST, {"responses": {"404": html_404, "409": html_409}}), False),
    "GET /traqs/authorization-code/callback": {"responses": {"200": None, "303": r.redirect(303, "Signed in: back to the page asked for")}},
}

for _name in ("introspect", "identify", "challenge", "challenge/answer", "challenge/resend", "challenge/poll",
              "authenticators/poll", "skip", "cancel", "recover", "unlock-account", "credential/enroll", "challenge/send"):
    OPERATIONS[f"POST /idp/idx/{_name}"] = IDX_STEP
for _path in ("/factors", "/factors/{factor_id}/lifecycle/activate", "/factors/{factor_id}/lifecycle/activate/poll",
              "/factors/{factor_id}/lifecycle/activate/{channel}", "/factors/{factor_id}/lifecycle/resend",
              "/factors/{factor_id}/verify", "/factors/{factor_id}/verify/resend", "/previous", "/skip", "/cancel",
              "/credentials/change_password", "/credentials/reset_password", "/recovery/password", "/recovery/unlock",
              "/recovery/factors/{factor}/verify", "/recovery/factors/{factor}/resend", "/recovery/token",
              "/recovery/answer"):
    OPERATIONS[f"POST /api/v1/authn{_path}"] = AUTHN_STEP

def _models() -> list[type[BaseModel]]:
    from mockfinra.identity.core.provisioning import UserSpec

    return [UserSpec]


#: models of bodies that routes validate themselves, published under components/schemas
MODELS = _models()

#: operations FastAPI cannot see (catch-all routes): path → builder of their path item
EXTRA_PATHS: dict[str, Callable[[], dict[str, Any]]] = download_paths()


def apply(operation: dict[str, Any], method: str, path: str) -> None:
    spec = OPERATIONS.get(f"{method.upper()} {path}")
    if not spec:
        return
    responses = operation.setdefault("responses", {})
    for status, response in spec.get("responses", {}).items():
        if response is None:
            responses.pop(str(status), None)
        else:
            responses[str(status)] = response
    if "requestBody" in spec:
        operation["requestBody"] = spec["requestBody"]
    parameters = operation.setdefault("parameters", [])
    parameters.extend(spec.get("add_parameters", ()))
    for name, change in spec.get("parameters", {}).items():
        found = next((p for p in parameters if p["name"] == name), None)
        if found is None:
            continue
        for key, value in change.items():
            if key == "required":
                found["required"] = value
            else:
                found.setdefault("schema", {})
                _constrain(found["schema"], key, value)
    if not parameters:
        operation.pop("parameters")


def _constrain(schema: dict[str, Any], key: str, value: Any) -> None:
    """Put a constraint on the non-null branch of a parameter's schema (`anyOf: [T, null]` for optional ones)."""
    branches = schema.get("anyOf")
    if branches:
        for branch in branches:
            if branch.get("type") not in (None, "null"):
                branch[key] = value
        schema["anyOf"] = [b for b in branches if b.get("type") != "null"] if key == "required" else branches
    else:
        schema[key] = value
