"""JSON Schemas of the error bodies, one per surface (see `mockfinra.errors.error_envelope`)."""

from __future__ import annotations

from typing import Any

from mockfinra.errors import Surface

OKTA_ERROR: dict[str, Any] = {
    "title": "OktaError",
    "type": "object",
    "required": ["errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"],
    "properties": {
        "errorCode": {"type": "string", "pattern": "^E[0-9]{7}$"},
        "errorSummary": {"type": "string"},
        "errorLink": {"type": "string"},
        "errorId": {"type": "string"},
        "errorCauses": {
            "type": "array",
            "items": {"type": "object", "required": ["errorSummary"], "properties": {"errorSummary": {"type": "string"}}},
        },
    },
}

OAUTH_ERROR: dict[str, Any] = {
    "title": "OAuthError",
    "type": "object",
    "required": ["error", "error_description"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
}

IDX_MESSAGE: dict[str, Any] = {
    "type": "object",
    "required": ["message", "class"],
    "properties": {
        "message": {"type": "string"},
        "i18n": {"type": "object", "properties": {"key": {"type": "string"}}},
        "class": {"type": "string"},
    },
}

IDX_ERROR: dict[str, Any] = {
    "title": "IdxError",
    "description": "An Identity Engine response carrying messages (and, when the transaction lives on, its state).",
    "type": "object",
    "required": ["version", "messages"],
    "properties": {
        "version": {"type": "string"},
        "messages": {
            "type": "object",
            "required": ["type", "value"],
            "properties": {"type": {"const": "array"}, "value": {"type": "array", "items": IDX_MESSAGE}},
        },
    },
}

MOCK_ERROR: dict[str, Any] = {
    "title": "MockError",
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "causes": {"type": "array", "items": {"type": "string"}},
    },
}

#: component name → schema
COMPONENTS: dict[str, dict[str, Any]] = {
    "OktaError": OKTA_ERROR,
    "OAuthError": OAUTH_ERROR,
    "IdxError": IDX_ERROR,
    "MockError": MOCK_ERROR,
}

PLAIN = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def error_content(surface: Surface) -> dict[str, Any]:
    """The `content` of an error response on `surface`."""
    if surface == "okta":
        return {"application/json": {"schema": ref("OktaError")}}
    if surface == "oauth":
        return {"application/json": {"schema": ref("OAuthError")}}
    if surface == "idx":
        return {"application/json": {"schema": ref("IdxError")}}
    if surface == "mock":
        return {"application/json": {"schema": ref("MockError")}}
    if surface == "plain":
        return {PLAIN: {"schema": {"type": "string"}}}
    return {HTML: {"schema": {"type": "string"}}}
