"""The seed: demo users loaded at first start and by `POST /_mock/reset`."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field

from mockfinra.context import Context
from mockfinra.errors import MockfinraError, validation_error
from mockfinra.identity.core.provisioning import UserSpec, parse_user_spec, provision_user
from mockfinra.identity.core.users import send_invitation
from mockfinra.identity.hosted import WELCOME_PATH
from mockfinra.journal.recorder import recorder
from mockfinra.server_address import server_url
from mockfinra.shared_state import shared_state
from mockfinra.store.base import serialised
from mockfinra.store.meta import get_meta, set_meta

#: Seed passwords and answers are published in the seed file, so a slow hash protects nothing there;
#: a cheap cost keeps start-up fast. Secrets users set later use `Settings.hash_cost`.
SEED_HASH_COST = 4


class SeedError(Exception):
    """The seed file cannot be read or one of its users is invalid."""


ProfileValue = str | bool | list[str]


class SeedUser(UserSpec):
    """A seed user: the shape of `POST /_mock/users` plus `profile`, further profile attributes (for
    example `organization`, the firm, and `orderFormAdmin`, see mockfinra/traqs/profile.py)."""

    profile: dict[str, ProfileValue] = Field(default_factory=dict)


def parse_seed_user(raw: Any) -> SeedUser:
    """Validate one `[[users]]` entry; E0000001 naming each bad field."""
    if not isinstance(raw, dict):
        raise validation_error("users", ["users: each entry must be a table"])
    fields = dict(raw)
    profile = fields.pop("profile", {})
    spec = parse_user_spec(fields)
    if not isinstance(profile, dict) or not all(
        isinstance(value, (str, bool)) or (isinstance(value, list) and all(isinstance(item, str) for item in value))
        for value in profile.values()
    ):
        raise validation_error("profile", ["profile: a table of strings, booleans or lists of strings"])
    return SeedUser.model_validate({**spec.model_dump(), "profile": profile})


def read_seed(path: Path) -> list[SeedUser]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(f"seed file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SeedError(f"seed file {path} is not valid TOML: {error}") from None
    specs = []
    for index, raw in enumerate(data.get("users", [])):
        try:
            specs.append(parse_seed_user(raw))
        except MockfinraError as error:
            raise SeedError(f"seed file {path}: users[{index}]: {error}") from None
    return specs


def load_seed(ctx: Context, base_url: str | None = None) -> int:
    """Create the seed users in one transaction; returns how many.

    Each PROVISIONED user is sent the invitation (the activation email; unless `seed_invitations` is off),
    its link on `base_url` (the MFA service's origin as the caller's request saw it), else on the configured
    server address.
    """
    specs = read_seed(ctx.settings.seed)
    origin = (base_url or server_url(ctx.settings)).rstrip("/")
    with ctx.store.transaction() as db:
        for index, spec in enumerate(specs):
            try:
                created = provision_user(ctx, db, spec, hash_cost=SEED_HASH_COST)
                user = created["user"]
                user.profile_extra.update(spec.profile)
                if created["activationToken"] and ctx.settings.seed_invitations:
                    db.flush()
                    send_invitation(ctx, db, user, f"{origin}{WELCOME_PATH.format(token=created['activationToken'])}")
            except MockfinraError as error:
                raise SeedError(f"seed file {ctx.settings.seed}: users[{index}] ({spec.login}): {error}") from None
        set_meta(db, "seeded", str(ctx.settings.seed))
    return len(specs)


def load_initial_state(ctx: Context) -> None:
    """Create the tables; load the seed unless this store was seeded before (a restart keeps state).

    Several processes may start on one empty database at once (workers): the check and the seeding are one
    transaction serialised across processes, so exactly one of them seeds and the others find its seed."""
    ctx.store.create_all(upgrade=ctx.settings.db_upgrade_on_start)
    with ctx.store.transaction() as db:
        serialised(db, "seed")
        shared_state(ctx).join(db)
        if get_meta(db, "seeded") is None:
            load_seed(ctx)
    ctx.ready = True


def reset_state(ctx: Context, base_url: str | None = None) -> int:
    """Wipe everything, reset the clock and reload the seed (its invitations sent again, links on
    `base_url`). Not ready while it runs."""
    ctx.ready = False
    try:
        with shared_state(ctx).changing():  # with several workers: one transaction, seen by every worker
            ctx.clock.reset()
            ctx.era_override = None
            recorder(ctx).flush()  # the journal's queue goes with everything else
            ctx.store.wipe()  # but the meta facts that outlive it (the tenants among them): store/meta.py
            for hook in list(ctx.resources.get("reset_hooks", [])):
                hook(ctx)
            return load_seed(ctx, base_url)
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
