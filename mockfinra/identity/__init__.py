"""The NASDAQ MFA service: one identity domain, served in several wire formats.

- `core/`: the domain, plain Python over the store and the mock clock (no web framework, no links, no JSON):
  `users` (accounts, profile, credentials, invitations), `lifecycle` (Okta's user lifecycle operations),
  `passwords` (policy and expiry), `policy` (which factors a user must verify or enroll), `transactions`
  (authn transactions behind a state token), `authn` (the sign-in state machine), `lockout`, `sessions`
  (session tokens, sessions, trusted redirects), `recovery` (forgotten password, unlock), `phones` (numbers
  and one-time codes), `okta_verify` (the virtual Okta Verify device), `provisioning` (ready users for the
  control plane and the seed), and `factors/` (one module per factor kind, taking a normalised answer).
- `classic/`: Okta's classic API (`/api/v1/authn`, users, factors, sessions): routers, every path in
  `paths`, all authn and recovery state JSON in `render`, per-factor views in `factor_views`, the user
  wire format in `user_views`.
- `idx/`: the Identity Engine's IDX protocol (`/idp/idx/*`).
- `oidc/`: the authorization server `default` (authorize, token, keys, userinfo).
- `web`: the hosted sign-in pages and the user's home.
- `routes`: every router of the MFA service, mounted at the root.

`core` imports neither FastAPI nor a wire package; `classic` and `idx` do not import each other (the
import-linter contracts in pyproject.toml).
"""
