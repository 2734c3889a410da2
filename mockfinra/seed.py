"""The seed: demo users loaded at first start and by `POST /_mock/reset`."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from mockfinra.context import Context
from mockfinra.errors import MockfinraError
from mockfinra.identity.core.provisioning import UserSpec, parse_user_spec, provision_user
from mockfinra.store.meta import get_meta, set_meta

#: Seed passwords and answers are published in the seed file, so a slow hash protects nothing there;
#: a cheap cost keeps start-up fast. Secrets users set later use `Settings.hash_cost`.
SEED_HASH_COST = 4


class SeedError(Exception):
    """The seed file cannot be read or one of its users is invalid."""


def read_seed(path: Path) -> list[UserSpec]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(f"seed file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SeedError(f"seed file {path} is not valid TOML: {error}") from None
    specs = []
    for index, raw in enumerate(data.get("users", [])):
        try:
            specs.append(parse_user_spec(raw))
        except MockfinraError as error:
            raise SeedError(f"seed file {path}: users[{index}]: {error}") from None
    return specs


def load_seed(ctx: Context) -> int:
    """Create the seed users in one transaction; returns how many."""
    specs = read_seed(ctx.settings.seed)
    with ctx.store.transaction() as db:
        for index, spec in enumerate(specs):
            try:
                provision_user(ctx, db, spec, hash_cost=SEED_HASH_COST)
            except MockfinraError as error:
                raise SeedError(f"seed file {ctx.settings.seed}: users[{index}] ({spec.login}): {error}") from None
        set_meta(db, "seeded", str(ctx.settings.seed))
    return len(specs)


def load_initial_state(ctx: Context) -> None:
    """Create the tables; load the seed unless this store was seeded before (a restart keeps state)."""
    ctx.store.create_all()
    with ctx.store.transaction() as db:
        seeded = get_meta(db, "seeded") is not None
    if not seeded:
        load_seed(ctx)
    ctx.ready = True


def reset_state(ctx: Context) -> int:
    """Wipe everything, reset the clock and reload the seed. Not ready while it runs."""
    ctx.ready = False
    try:
        ctx.clock.reset()
        ctx.store.wipe()
        for hook in list(ctx.resources.get("reset_hooks", [])):
            hook(ctx)
        return load_seed(ctx)
    finally:
        ctx.ready = True


FACTOR_LABELS = {
    ("question", None): "question",
    ("token:software:totp", "GOOGLE"): "google-totp",
    ("token:software:totp", "OKTA"): "okta-totp",
    ("push", None): "okta-push",
    ("sms", None): "sms",
    ("call", None): "call",
}


def factor_label(factor_type: str, provider: str | None) -> str:
    """A short name for a factor kind in the start-up table."""
    return FACTOR_LABELS.get((factor_type, provider)) or FACTOR_LABELS.get((factor_type, None)) or factor_type


def seed_summary(ctx: Context) -> list[dict[str, Any]]:
    """Login, password, entitlements and factor kinds of each seed user (for the start-up table)."""
    try:
        specs = read_seed(ctx.settings.seed)
    except SeedError:
        return []
    return [
        {
            "login": spec.login,
            "password": spec.password or "(invitation pending)",
            "status": spec.status,
            "entitlements": ", ".join(spec.entitlements) or "-",
            "factors": ", ".join(factor_label(f.factorType, f.provider) for f in spec.factors) or "-",
        }
        for spec in specs
    ]
