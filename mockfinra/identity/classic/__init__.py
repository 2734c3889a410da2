"""Okta's classic API over the identity domain: `/api/v1/authn`, `/api/v1/users`, factors and sessions.

`routes` assembles the routers (`authn_routes`, `recovery_routes`, `users_routes`, `factors_routes`,
`sessions_routes`); `paths` holds every path; `bodies` the request bodies' base and `respond`; `render` the
JSON of every authn and recovery state; `factor_views` how each factor kind looks; `user_views` the Okta
user object; `user_search` Okta's `q`/`filter`/`search` for listing users.
"""
