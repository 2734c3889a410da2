"""The registry of known tenants: one row per tenant in the default store's key/value `meta` table.

A row `tenant:<name>` holds the tenant's incarnation (a new id each time it is created) and when it was
created. Living in the default store, the list survives a restart and every worker process on that store
sees a creation or a deletion: a process that cached a tenant's app re-reads the row now and then and drops
its app when the incarnation is gone or changed (mockfinra/tenants/registry.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mockfinra.clock import isoformat_z
from mockfinra.security import new_id
from mockfinra.store.base import get_locked
from mockfinra.store.meta import TENANT_PREFIX, Meta

KEY_PREFIX = TENANT_PREFIX


@dataclass(frozen=True)
class TenantRecord:
    name: str
    incarnation: str
    created_at: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "createdAt": self.created_at}


def _record(row: Meta) -> TenantRecord:
    value = json.loads(row.value)
    return TenantRecord(row.key[len(KEY_PREFIX) :], value["incarnation"], value["createdAt"])


def read(db: Session, name: str, lock: bool = False) -> TenantRecord | None:
    row = get_locked(db, Meta, KEY_PREFIX + name) if lock else db.get(Meta, KEY_PREFIX + name)
    return _record(row) if row is not None else None


def list_all(db: Session) -> list[TenantRecord]:
    rows = db.scalars(select(Meta).where(Meta.key.startswith(KEY_PREFIX)).order_by(Meta.key))
    return [_record(row) for row in rows]


def count(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(Meta).where(Meta.key.startswith(KEY_PREFIX))) or 0)


def add(db: Session, name: str) -> TenantRecord:
    """Insert the row of a new incarnation (flushed: a concurrent insert of the same name waits, then fails)."""
    record = TenantRecord(name, new_id("ten", 20), isoformat_z(datetime.now(timezone.utc)))
    value = json.dumps({"incarnation": record.incarnation, "createdAt": record.created_at})
    db.add(Meta(key=KEY_PREFIX + name, value=value))
    db.flush()
    return record


def remove(db: Session, name: str) -> None:
    row = db.get(Meta, KEY_PREFIX + name)
    if row is not None:
        db.delete(row)
        db.flush()

