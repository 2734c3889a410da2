"""Trusted origins, as Okta's Security → API → Trusted Origins: an origin with the scopes `CORS` (its
JavaScript may call the API from the browser) and/or `REDIRECT` (sign-in and sign-out may redirect to it).

Two sources, one list:
- `MOCKFINRA_TRUSTED_ORIGINS` (settings): comma-separated entries `ORIGIN` or `ORIGIN=SCOPE[+SCOPE]`, e.g.
  `https://spa.example=CORS, https://portal.example=REDIRECT, http://127.0.0.1:9000`. A plain entry (the
  only form before scopes existed) has both scopes. These are fixed for the process and cannot be deleted.
- runtime entries, stored (`/_mock/trusted-origins`, `/api/v1/trustedOrigins`); `POST /_mock/reset` drops them.

Parsing an origin or a settings entry is in `mockfinra.origins` (pure; the settings use it too).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Iterable

from sqlalchemy.orm import Session

from mockfinra.origins import SCOPES, Scope, normalise_origin, normalise_scopes, parse_entry
from mockfinra.security import new_id
from mockfinra.store.trusted_origins import TrustedOrigin, find_origin, stored_origins

if TYPE_CHECKING:
    from mockfinra.context import Context

__all__ = ["SCOPES", "OriginEntry", "OriginProblem", "Scope", "normalise_origin", "parse_entry"]


class OriginProblem(Exception):
    """Why a trusted-origin request cannot be done. `kind`: invalid, duplicate, not_found or configured."""

    def __init__(self, kind: str, message: str, field: str = "origin") -> None:
        self.kind = kind
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class OriginEntry:
    id: str
    name: str
    origin: str
    scopes: tuple[Scope, ...]
    status: str
    #: `settings` (MOCKFINRA_TRUSTED_ORIGINS) or `runtime` (added through an API)
    source: str
    created: datetime | None = None
    last_updated: datetime | None = None

    def trusts(self, scope: Scope) -> bool:
        return self.status == "ACTIVE" and scope in self.scopes


def configured(entries: Iterable[str]) -> list[OriginEntry]:
    """The settings' entries (validated when the settings were read)."""
    found: dict[str, OriginEntry] = {}
    for entry in entries:
        origin, scopes = parse_entry(entry)
        merged = tuple(s for s in SCOPES if s in scopes or (origin in found and s in found[origin].scopes))
        stable_id = "tos" + hashlib.sha256(origin.encode()).hexdigest()[:17]
        found[origin] = OriginEntry(stable_id, origin, origin, merged, "ACTIVE", "settings")
    return list(found.values())


def _entry(row: TrustedOrigin) -> OriginEntry:
    scopes = tuple(scope for scope in SCOPES if scope in row.scopes)
    return OriginEntry(
        row.id, row.name, row.origin, scopes, row.status, "runtime", row.created_at, row.last_updated
    )


def all_origins(ctx: Context, db: Session) -> list[OriginEntry]:
    """Every trusted origin: the configured ones first, then the runtime ones in the order added."""
    return [*configured(ctx.settings.trusted_origins), *(_entry(row) for row in stored_origins(db))]


def trusted_origins_for(ctx: Context, db: Session, scope: Scope) -> list[str]:
    """The origins trusted for `scope` now."""
    return [entry.origin for entry in all_origins(ctx, db) if entry.trusts(scope)]


def is_trusted(ctx: Context, db: Session, origin: str, scope: Scope) -> bool:
    try:
        wanted = normalise_origin(origin)
    except ValueError:
        return False
    return wanted in trusted_origins_for(ctx, db, scope)


def get_origin(ctx: Context, db: Session, origin_id: str) -> OriginEntry:
    for entry in all_origins(ctx, db):
        if entry.id == origin_id:
            return entry
    raise OriginProblem("not_found", f"No trusted origin with id '{origin_id}'.", "id")


def add_origin(
    ctx: Context, db: Session, origin: str, scopes: Iterable[str], name: str | None = None
) -> OriginEntry:
    """Trust `origin` for `scopes` from now on. An origin already trusted (by either source) is refused."""
    try:
        normal = normalise_origin(origin)
    except ValueError as error:
        raise OriginProblem("invalid", str(error)) from None
    try:
        wanted = normalise_scopes(scopes)
    except ValueError as error:
        raise OriginProblem("invalid", str(error), "scopes") from None
    if any(entry.origin == normal for entry in all_origins(ctx, db)):
        raise OriginProblem("duplicate", f"The origin {normal} is already a trusted origin.")
    now = ctx.clock.now()
    label = (name or "").strip() or normal
    row = TrustedOrigin(
        id=new_id("tos"), name=label, origin=normal, scopes=list(wanted), status="ACTIVE",
        created_at=now, last_updated=now,
    )
    db.add(row)
    db.flush()
    return _entry(row)


def _stored(ctx: Context, db: Session, origin_id: str) -> TrustedOrigin:
    entry = get_origin(ctx, db, origin_id)
    if entry.source == "settings":
        raise OriginProblem(
            "configured", f"The trusted origin {entry.origin} comes from MOCKFINRA_TRUSTED_ORIGINS and cannot be changed here.", "id"
        )
    row = find_origin(db, entry.origin)
    assert row is not None
    return row


def update_origin(
    ctx: Context, db: Session, origin_id: str, *, origin: str | None = None,
    scopes: Iterable[str] | None = None, name: str | None = None, status: str | None = None,
) -> OriginEntry:
    row = _stored(ctx, db, origin_id)
    if origin is not None:
        try:
            normal = normalise_origin(origin)
        except ValueError as error:
            raise OriginProblem("invalid", str(error)) from None
        if normal != row.origin and any(entry.origin == normal for entry in all_origins(ctx, db)):
            raise OriginProblem("duplicate", f"The origin {normal} is already a trusted origin.")
        row.origin = normal
    if scopes is not None:
        try:
            row.scopes = list(normalise_scopes(scopes))
        except ValueError as error:
            raise OriginProblem("invalid", str(error), "scopes") from None
    if name is not None and name.strip():
        row.name = name.strip()
    if status is not None:
        row.status = status
    row.last_updated = ctx.clock.now()
    db.flush()
    return _entry(row)


def delete_origin(ctx: Context, db: Session, origin_id: str) -> OriginEntry:
    row = _stored(ctx, db, origin_id)
    entry = _entry(row)
    db.delete(row)
    return entry


def find_by_origin(ctx: Context, db: Session, origin: str) -> OriginEntry:
    try:
        normal = normalise_origin(origin)
    except ValueError as error:
        raise OriginProblem("invalid", str(error)) from None
    for entry in all_origins(ctx, db):
        if entry.origin == normal:
            return entry
    raise OriginProblem("not_found", f"{normal} is not a trusted origin.")
