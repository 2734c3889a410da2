"""The OAuth 2.0 / OpenID Connect authorization server `default` (Okta custom-AS paths `/oauth2/default/...`).

Modules: `clients` (the registered clients and scopes), `keys` (the RSA signing key), `tokens` (JWT access
and ID tokens, and `verify_access_token` for the download host), `refresh` (opaque refresh tokens), `codes`
(authorization codes and PKCE), `grants` (the token endpoint's grants), `authorize` (the authorize
decision), `metadata` (discovery documents) and `routes` (the thin HTTP layer).
"""
