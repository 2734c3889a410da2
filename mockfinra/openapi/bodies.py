"""The fields of the forms that endpoints read themselves (OAuth 2.0, the TRAQS order form), as schemas."""

from __future__ import annotations

from typing import Any

FORM = "application/x-www-form-urlencoded"

Field = dict[str, Any]
TEXT: Field = {"type": "string"}

CLIENT: dict[str, Field] = {"client_id": TEXT, "client_secret": TEXT}

AUTHORIZE: dict[str, Field] = {
    "client_id": TEXT,
    "response_type": {"type": "string", "enum": ["code"]},
    "redirect_uri": TEXT,
    "scope": TEXT,
    "state": TEXT,
    "nonce": TEXT,
    "code_challenge": TEXT,
    "code_challenge_method": {"type": "string", "enum": ["S256"]},
    "response_mode": {"type": "string", "enum": ["query", "fragment", "form_post", "okta_post_message"]},
    "prompt": {"type": "string", "enum": ["none", "login", "consent"]},
    "max_age": {"type": "string", "pattern": "^[0-9]{1,9}$"},
    "sessionToken": TEXT,
}

#: name → (fields, required names)
FORMS: dict[str, tuple[dict[str, Field], tuple[str, ...]]] = {
    "authorize": (AUTHORIZE, ("client_id", "response_type", "redirect_uri", "scope", "state")),
    "token": (
        {
            "grant_type": {"type": "string", "enum": ["authorization_code", "interaction_code", "refresh_token"]},
            "code": TEXT,
            "interaction_code": TEXT,
            "refresh_token": TEXT,
            "redirect_uri": TEXT,
            "code_verifier": TEXT,
            "scope": TEXT,
            **CLIENT,
        },
        ("grant_type",),
    ),
    "introspect": (
        {
            "token": {"type": "string", "minLength": 1},
            "token_type_hint": {"type": "string", "enum": ["access_token", "refresh_token", "id_token", "device_secret"]},
            **CLIENT,
        },
        ("token",),
    ),
    "interact": (
        {
            "client_id": TEXT,
            "redirect_uri": TEXT,
            "scope": TEXT,
            "state": TEXT,
            "code_challenge": TEXT,
            "code_challenge_method": {"type": "string", "enum": ["S256"]},
            "activation_token": TEXT,
            "recovery_token": TEXT,
        },
        ("client_id", "redirect_uri", "scope", "code_challenge", "code_challenge_method"),
    ),
    "order-form": (
        {
            "csrf": TEXT,
            "first_name": TEXT,
            "last_name": TEXT,
            "email": TEXT,
            "firm": TEXT,
            # checked (a 400 page naming the field) only for a signed-in user: without a session the form redirects
            "products": {"anyOf": [TEXT, {"type": "array", "items": TEXT}], "description": "TRACE, ADF, ORF and/or TRF"},
            "access": {"anyOf": [TEXT, {"type": "array", "items": TEXT}], "description": "WEB and/or API"},
        },
        (),
    ),
    # the CSRF token is checked (403) only once a session is found; without one the page redirects to sign-in
    "csrf": ({"csrf": TEXT}, ()),
}


def form_body(form: tuple[dict[str, Field], tuple[str, ...]], required: bool = True) -> dict[str, Any]:
    """`required=False` for forms of session-backed pages: without a session they redirect to sign-in
    before reading any form."""
    fields, names = form
    schema: dict[str, Any] = {"type": "object", "properties": fields, "required": list(names)}
    return {"required": required, "content": {FORM: {"schema": schema}}}


def query_parameters(form: tuple[dict[str, Field], tuple[str, ...]]) -> list[dict[str, Any]]:
    fields, required = form
    return [{"name": name, "in": "query", "required": name in required, "schema": schema} for name, schema in fields.items()]
