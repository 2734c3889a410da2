"""Discovery documents: OpenID Provider metadata and RFC 8414 authorization server metadata."""

from __future__ import annotations

from typing import Any

from mockfinra.context import Context
from mockfinra.identity.oidc.authorize import RESPONSE_MODES
from mockfinra.identity.oidc.clients import supported_scopes
from mockfinra.identity.oidc.tokens import AUTH_SERVER_PATH, issuer_url
from mockfinra.links import Links

AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
CLAIMS = [
    "ver", "jti", "iss", "sub", "aud", "iat", "exp", "cid", "uid", "scp", "auth_time", "amr", "nonce", "at_hash",
    "name", "given_name", "family_name", "preferred_username", "locale", "zoneinfo", "updated_at",
    "email", "email_verified", "entitlements",
]  # fmt: skip


def authorization_server_metadata(ctx: Context, links: Links) -> dict[str, Any]:
    """`/oauth2/default/.well-known/oauth-authorization-server` (RFC 8414), Okta's field order."""

    def url(path: str) -> str:
        return links.url(f"{AUTH_SERVER_PATH}/v1/{path}")

    return {
        "issuer": issuer_url(links),
        "authorization_endpoint": url("authorize"),
        "token_endpoint": url("token"),
        "jwks_uri": url("keys"),
        "response_types_supported": ["code", "token", "id_token", "token id_token"],
        "response_modes_supported": list(RESPONSE_MODES),
        "grant_types_supported": ["authorization_code", "implicit", "interaction_code", "refresh_token"],
        "scopes_supported": supported_scopes(ctx),
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "claims_supported": CLAIMS,
        "code_challenge_methods_supported": ["S256"],
        "introspection_endpoint": url("introspect"),
        "introspection_endpoint_auth_methods_supported": AUTH_METHODS,
        "revocation_endpoint": url("revoke"),
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "end_session_endpoint": url("logout"),
        "request_parameter_supported": False,
    }


def openid_configuration(ctx: Context, links: Links) -> dict[str, Any]:
    """`/oauth2/default/.well-known/openid-configuration` (OpenID Connect Discovery 1.0)."""
    metadata = authorization_server_metadata(ctx, links)
    metadata["userinfo_endpoint"] = links.url(f"{AUTH_SERVER_PATH}/v1/userinfo")
    metadata["subject_types_supported"] = ["public"]
    metadata["id_token_signing_alg_values_supported"] = ["RS256"]
    return metadata
