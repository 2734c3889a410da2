"""Password checks that cost the same whether or not the user exists (no user enumeration by timing).

Every surface that takes a login and a password (the classic and Identity Engine sign-ins, the legacy
download host's Basic auth) verifies against the user's hash, or, for an unknown user or one without a
password, against a dummy hash of the same cost: one scrypt either way. A hash made at a lower cost than the
configured one (the seed's users are hashed cheaply so that start-up stays fast) is topped up with a dummy
check, so a seeded user does not answer faster than an unknown one.
"""

from __future__ import annotations

from mockfinra.context import Context
from mockfinra.security import hash_secret, verify_secret

_KEY = "password_check.dummy_hash"


def dummy_hash(ctx: Context) -> str:
    """A hash at the configured cost, made once per app, to verify against when there is no real one."""
    cached = ctx.resources.get(_KEY)
    if cached is None:
        cached = hash_secret("mockfinra-no-such-user", ctx.settings.hash_cost)
        ctx.resources[_KEY] = cached
    return cached


def verify_password(ctx: Context, password: str, stored: str | None) -> bool:
    """`password` against `stored`; with no stored hash, one dummy check of the same cost, and False."""
    if not stored:
        verify_secret(password, dummy_hash(ctx))
        return False
    matches = verify_secret(password, stored)
    if _cost(stored) < ctx.settings.hash_cost:
        verify_secret(password, dummy_hash(ctx))
    return matches


def _cost(stored: str) -> int:
    parts = stored.split("$")
    return int(parts[1]) if len(parts) == 4 and parts[1].isdigit() else 0
