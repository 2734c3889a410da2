"""The registered OAuth clients and the scopes of the authorization server.

- `traqs-api`: a public client (no secret, PKCE required) for users' scripts. Its redirect URIs are any
  loopback URL on any port (RFC 8252 §7.3). The TRAQS "API access" page issues refresh tokens for it.
- `traqs-portal`: a confidential client (client_secret_basic or client_secret_post) used by the TRAQS
  site itself; its redirect URI is the TRAQS site's `/authorization-code/callback`.
- `traqs-implicit`: a public client configured for Okta's implicit flow (grant type `implicit`:
  `response_type` `token`, `id_token` or `token id_token` at `/authorize`), for clients such as
  gimme-aws-creds' OIDC path; loopback redirect URIs on any port, and `MOCKFINRA_OAUTH_REDIRECT_URIS`.

ASSUMPTION: FINRA's client ids, client types and scopes are not published; these names are invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from mockfinra.context import Context
from mockfinra.links import Links
from mockfinra.security import constant_time_equals

API_CLIENT_ID = "traqs-api"
PORTAL_CLIENT_ID = "traqs-portal"
IMPLICIT_CLIENT_ID = "traqs-implicit"
CODE_GRANTS = ("authorization_code", "refresh_token")
PORTAL_CALLBACK_PATH = "/authorization-code/callback"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
OIDC_SCOPES = ("openid", "profile", "email", "offline_access")


@dataclass(frozen=True)
class Client:
    client_id: str
    name: str
    public: bool
    loopback_redirects: bool = False
    secret: str | None = None
    #: Okta's "allowed grant types" of the app: `implicit` allows the token / id_token response types
    grant_types: tuple[str, ...] = CODE_GRANTS

    @property
    def auth_methods(self) -> tuple[str, ...]:
        return ("none",) if self.public else ("client_secret_basic", "client_secret_post")

    def check_secret(self, secret: str) -> bool:
        return self.secret is not None and constant_time_equals(secret, self.secret)


def supported_scopes(ctx: Context) -> list[str]:
    """openid, profile, email, offline_access and the data scope (ASSUMPTION: `traqs.refdata`)."""
    return [*OIDC_SCOPES, ctx.settings.oauth_data_scope]


def registered_clients(ctx: Context) -> dict[str, Client]:
    return {
        API_CLIENT_ID: Client(API_CLIENT_ID, "TRAQS API (scripts)", public=True, loopback_redirects=True),
        PORTAL_CLIENT_ID: Client(
            PORTAL_CLIENT_ID, "TRAQS portal", public=False, secret=ctx.settings.oauth_portal_client_secret
        ),
        IMPLICIT_CLIENT_ID: Client(
            IMPLICIT_CLIENT_ID, "TRAQS (implicit flow)", public=True, loopback_redirects=True, grant_types=("implicit",)
        ),
    }


def find_client(ctx: Context, client_id: str | None) -> Client | None:
    return registered_clients(ctx).get(client_id or "")


def is_loopback(uri: str) -> bool:
    """`http://127.0.0.1:<any port>/...`, `http://localhost:<port>/...` or `http://[::1]:<port>/...`."""
    if any(ord(ch) <= 32 or ch in "\\\x7f" for ch in uri):
        return False
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return (
        parts.scheme == "http"
        and parts.hostname in LOOPBACK_HOSTS
        and parts.username is None
        and not parts.fragment
    )


def redirect_uri_allowed(ctx: Context, links: Links, client: Client, uri: str) -> bool:
    """Exact match against the client's registered URIs; loopback URLs on any port for `traqs-api`."""
    if uri in ctx.settings.oauth_redirect_uris:
        return True
    if client.loopback_redirects and is_loopback(uri):
        return True
    if client.client_id == PORTAL_CLIENT_ID:
        return uri == links.url(PORTAL_CALLBACK_PATH, site="traqs")
    return False
