"""JSON Schemas of the objects the Okta and OAuth APIs answer with, and which operations answer them.

FastAPI documents these routes' 200s as "any JSON" (they return dicts, so that the wire shape is Okta's own,
not a pydantic model's). Here the shapes are stated once, with the fields clients read typed and required;
other fields are allowed (Okta adds fields over time, and so may the mock). `apply` fills in the success
response of the operations in `ANSWERS` when nothing more specific documents it.
"""

from __future__ import annotations

import re
from typing import Any

from mockfinra.openapi.schemas import ref

Schema = dict[str, Any]

INSTANT: Schema = {"type": "string", "format": "date-time"}
LINK: Schema = {
    "type": "object",
    "required": ["href"],
    "properties": {
        "href": {"type": "string", "format": "uri"},
        "name": {"type": "string"},
        "hints": {"type": "object", "properties": {"allow": {"type": "array", "items": {"type": "string"}}}},
    },
}
LINKS: Schema = {"type": "object", "additionalProperties": {"anyOf": [LINK, {"type": "array", "items": LINK}]}}

AUTHN_STATUSES = [
    "UNAUTHENTICATED", "PASSWORD_WARN", "PASSWORD_EXPIRED", "RECOVERY", "RECOVERY_CHALLENGE", "PASSWORD_RESET",
    "LOCKED_OUT", "MFA_ENROLL", "MFA_ENROLL_ACTIVATE", "MFA_REQUIRED", "MFA_CHALLENGE", "SUCCESS",
]
USER_STATUSES = ["STAGED", "PROVISIONED", "ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT", "SUSPENDED", "DEPROVISIONED"]

AUTHN_TRANSACTION: Schema = {
    "title": "AuthnTransaction",
    "description": "A classic Authentication API transaction: its state, the token to go on with, links to the next steps.",
    "type": "object",
    "required": ["status"],
    "properties": {
        "status": {"enum": AUTHN_STATUSES},
        "stateToken": {"type": "string"},
        "sessionToken": {"type": "string"},
        "recoveryToken": {"type": "string"},
        "expiresAt": INSTANT,
        "factorResult": {"type": "string"},
        "factorType": {"type": "string"},
        "recoveryType": {"type": "string"},
        "relayState": {"type": "string"},
        "_embedded": {"type": "object"},
        "_links": LINKS,
    },
}

OKTA_USER: Schema = {
    "title": "OktaUser",
    "type": "object",
    "required": ["id", "status", "created", "profile", "_links"],
    "properties": {
        "id": {"type": "string"},
        "status": {"enum": USER_STATUSES},
        "created": INSTANT,
        "activated": {"anyOf": [INSTANT, {"type": "null"}]},
        "statusChanged": {"anyOf": [INSTANT, {"type": "null"}]},
        "lastLogin": {"anyOf": [INSTANT, {"type": "null"}]},
        "lastUpdated": INSTANT,
        "passwordChanged": {"anyOf": [INSTANT, {"type": "null"}]},
        "type": {"type": "object", "properties": {"id": {"type": "string"}}},
        "profile": {
            "type": "object",
            "required": ["login"],
            "properties": {"login": {"type": "string"}, "email": {"type": "string"}, "entitlements": {"type": "array"}},
        },
        "credentials": {"type": "object"},
        "_links": LINKS,
    },
}

OKTA_SESSION: Schema = {
    "title": "OktaSession",
    "type": "object",
    "required": ["id", "login", "userId", "createdAt", "expiresAt", "status", "amr", "_links"],
    "properties": {
        "id": {"type": "string"},
        "login": {"type": "string"},
        "userId": {"type": "string"},
        "createdAt": INSTANT,
        "expiresAt": INSTANT,
        "status": {"enum": ["ACTIVE", "MFA_REQUIRED", "MFA_ENROLL"]},
        "lastPasswordVerification": {"anyOf": [INSTANT, {"type": "null"}]},
        "lastFactorVerification": {"anyOf": [INSTANT, {"type": "null"}]},
        "amr": {"type": "array", "items": {"type": "string"}},
        "idp": {"type": "object", "properties": {"id": {"type": "string"}, "type": {"type": "string"}}},
        "mfaActive": {"type": "boolean"},
        "_links": LINKS,
    },
}

OAUTH_TOKENS: Schema = {
    "title": "OAuthTokens",
    "description": "The token endpoint's answer (RFC 6749 §5.1); `refresh_token` with offline_access, `id_token` with openid.",
    "type": "object",
    "required": ["token_type", "expires_in", "access_token", "scope"],
    "properties": {
        "token_type": {"const": "Bearer"},
        "expires_in": {"type": "integer", "minimum": 1},
        "access_token": {"type": "string"},
        "scope": {"type": "string"},
        "refresh_token": {"type": "string"},
        "id_token": {"type": "string"},
    },
}

JWKS: Schema = {
    "title": "Jwks",
    "type": "object",
    "required": ["keys"],
    "properties": {
        "keys": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["kty", "kid", "n", "e"],
                "properties": {
                    "kty": {"const": "RSA"}, "alg": {"const": "RS256"}, "kid": {"type": "string"}, "use": {"const": "sig"},
                    "n": {"type": "string"}, "e": {"type": "string"},
                },
            },
        }
    },
}

INTROSPECTION: Schema = {
    "title": "TokenIntrospection",
    "description": "RFC 7662: `{\"active\": false}` alone for a token that is unknown, expired or revoked.",
    "type": "object",
    "required": ["active"],
    "properties": {
        "active": {"type": "boolean"},
        "token_type": {"type": "string"},
        "scope": {"type": "string"},
        "client_id": {"type": "string"},
        "username": {"type": "string"},
        "exp": {"type": "integer"},
        "iat": {"type": "integer"},
        "sub": {"type": "string"},
        "aud": {"type": "string"},
        "iss": {"type": "string"},
        "jti": {"type": "string"},
        "uid": {"type": "string"},
    },
}

USERINFO: Schema = {
    "title": "OidcUserinfo",
    "type": "object",
    "required": ["sub"],
    "properties": {
        "sub": {"type": "string"},
        "name": {"type": "string"},
        "preferred_username": {"type": "string"},
        "email": {"type": "string"},
        "email_verified": {"type": "boolean"},
        "updated_at": {"type": "integer"},
    },
}

COMPONENTS: dict[str, Schema] = {
    schema["title"]: schema
    for schema in (AUTHN_TRANSACTION, OKTA_USER, OKTA_SESSION, OAUTH_TOKENS, JWKS, INTROSPECTION, USERINFO)
}

#: (methods, path pattern, status, schema of the success response)
ANSWERS: list[tuple[frozenset[str], re.Pattern[str], str, Schema]] = [
    (frozenset({"post"}), re.compile(r"^/api/v1/authn(/.*)?$"), "200", ref("AuthnTransaction")),
    (frozenset({"get", "post", "put"}), re.compile(r"^/api/v1/users/\{[^}]+\}$"), "200", ref("OktaUser")),
    (frozenset({"post"}), re.compile(r"^/api/v1/users$"), "200", ref("OktaUser")),
    (frozenset({"get"}), re.compile(r"^/api/v1/users$"), "200", {"type": "array", "items": ref("OktaUser")}),
    (frozenset({"get", "post"}), re.compile(r"^/api/v1/sessions(/me|/\{[^}]+\})?(/lifecycle/refresh)?$"), "200", ref("OktaSession")),
    (frozenset({"post"}), re.compile(r"^/oauth2/[^/]+/v1/token$"), "200", ref("OAuthTokens")),
    (frozenset({"get"}), re.compile(r"^/oauth2/[^/]+/v1/keys$"), "200", ref("Jwks")),
    (frozenset({"post"}), re.compile(r"^/oauth2/[^/]+/v1/introspect$"), "200", ref("TokenIntrospection")),
    (frozenset({"get", "post"}), re.compile(r"^/oauth2/[^/]+/v1/userinfo$"), "200", ref("OidcUserinfo")),
]


def apply(operation: dict[str, Any], method: str, path: str) -> None:
    """Type the success response of `operation` when it is one of `ANSWERS` and still says "any JSON"."""
    for methods, pattern, status, schema in ANSWERS:
        if method not in methods or not pattern.match(path):
            continue
        content = (operation.get("responses", {}).get(status) or {}).get("content", {}).get("application/json")
        if content is not None and content.get("schema") in ({}, None):
            content["schema"] = schema
        return
