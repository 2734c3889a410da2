"""The `/api/v1/authn` state machine: transactions (stateTokens), transitions, lockout and rendering.

- `transactions`: create, load (expire / slide) and finish transactions behind a stateToken.
- `lockout`: failed-password and failed-factor counters, lockout and auto-unlock.
- `machine`: the transitions of each endpoint; returns an `AuthnStep` for `render`.
- `render`: the JSON of each state (a registry other modules can extend, e.g. for recovery states).
"""
