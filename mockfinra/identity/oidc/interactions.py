"""`v1/interact` (the Identity Engine's start of an OAuth sign-in) and the interaction code at its end.

`interact` checks the client, the redirect URI, the scopes and the PKCE challenge as `v1/authorize` does and
returns an interaction handle; the IDX sign-in (`identity/idx`) runs in an authn transaction bound to the
interaction; when it succeeds an interaction code is issued (`codes.issue_interaction_code`), which the token endpoint's `interaction_code`
grant exchanges (with the PKCE verifier) for tokens. Plain Python over the store and the mock clock.

ASSUMPTION: an interaction handle lives `settings.idx_interaction_ttl_seconds` (Okta does not publish it).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Mapping

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.errors import OAuthError
from mockfinra.identity.oidc.clients import Client, find_client, redirect_uri_allowed, supported_scopes
from mockfinra.identity.oidc.codes import PKCE_VALUE
from mockfinra.links import Links
from mockfinra.security import digest, new_id, new_token
from mockfinra.store.idx import Interaction, find_interaction


def interact(ctx: Context, db: Session, links: Links, params: Mapping[str, str]) -> tuple[str, Interaction]:
    """Check an interact request; returns the new interaction handle and its record."""
    values = {name: value for name, value in params.items() if value != ""}
    client = find_client(ctx, values.get("client_id"))
    if client is None:
        raise OAuthError("invalid_client", "Invalid value for 'client_id' parameter.", 401)
    redirect_uri = values.get("redirect_uri", "")
    if not redirect_uri:
        raise OAuthError("invalid_request", "The 'redirect_uri' parameter is required.")
    if not redirect_uri_allowed(ctx, links, client, redirect_uri):
        raise OAuthError(
            "invalid_request",
            f"The 'redirect_uri' parameter must be a Login redirect URI of the client '{client.client_id}'.",
        )
    scopes = (values.get("scope") or "").split()
    if not scopes:
        raise OAuthError("invalid_scope", "The 'scope' parameter is required (for example 'openid profile').")
    unknown = [scope for scope in scopes if scope not in supported_scopes(ctx)]
    if unknown:
        raise OAuthError(
            "invalid_scope", f"One or more scopes are not configured for the authorization server: {' '.join(unknown)}."
        )
    challenge = values.get("code_challenge")
    if not challenge:
        raise OAuthError("invalid_request", "PKCE code challenge is required ('code_challenge').")
    if values.get("code_challenge_method", "plain") != "S256":
        raise OAuthError("invalid_request", "The 'code_challenge_method' must be 'S256'.")
    if not PKCE_VALUE.match(challenge):
        raise OAuthError("invalid_request", "The 'code_challenge' must be 43 to 128 base64url characters.")
    handle = new_token(nbytes=24)
    now = ctx.clock.now()
    interaction = Interaction(
        id=new_id("int", 24),
        handle_digest=digest(handle),
        client_id=client.client_id,
        redirect_uri=redirect_uri,
        scopes=scopes,
        code_challenge=challenge,
        state=values.get("state"),
        nonce=values.get("nonce"),
        activation_token=values.get("activation_token"),
        recovery_token=values.get("recovery_token"),
        created_at=now,
        expires_at=now + timedelta(seconds=ctx.settings.idx_interaction_ttl_seconds),
    )
    db.add(interaction)
    return handle, interaction


def live_interaction(ctx: Context, db: Session, handle: str) -> Interaction | None:
    """The interaction behind a handle, unless it is unknown or expired."""
    interaction = find_interaction(db, handle) if handle else None
    if interaction is None or interaction.expires_at <= ctx.clock.now():
        return None
    return interaction


def interaction_client(ctx: Context, interaction: Interaction) -> Client | None:
    return find_client(ctx, interaction.client_id)
