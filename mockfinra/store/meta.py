"""Small key/value facts about the store itself (for example: the seed has been loaded)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockfinra.store.base import Base, get_locked

#: the worker processes' shared state (mockfinra/shared_state.py)
SHARED_STATE = "shared"
#: the outbox's recording sequence across worker processes (mockfinra/outbox/messages.py)
OUTBOX_SEQ = "outbox.seq"
#: the registry of tenants (mockfinra/tenants/book.py): one row per tenant, `tenant:<name>`
TENANT_PREFIX = "tenant:"
#: facts a reset keeps: the first two only ever increase, so that other processes (and open streams) notice
#: changes; the tenants are other worlds, not part of the one reset
SURVIVES_RESET = (SHARED_STATE, OUTBOX_SEQ)
SURVIVES_RESET_PREFIXES = (TENANT_PREFIX,)


class Meta(Base):
    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def get_meta(db: Session, key: str) -> str | None:
    row = db.get(Meta, key)
    return row.value if row else None


def set_meta(db: Session, key: str, value: str) -> None:
    row = db.get(Meta, key)
    if row is None:
        db.add(Meta(key=key, value=value))
    else:
        row.value = value


def next_counter(db: Session, key: str, at_least: int) -> int:
    """The stored counter `key` raised to above its value and `at_least - 1`, under the row's lock (so
    concurrent transactions in any process get distinct, increasing values in commit order).

    The row must exist already (created where creation is serialised, see `seed.load_initial_state`);
    if it does not, it is created here."""
    row = get_locked(db, Meta, key)
    value = max(int(row.value) + 1 if row is not None else 1, at_least)
    if row is None:
        db.add(Meta(key=key, value=str(value)))
    else:
        row.value = str(value)
    return value
