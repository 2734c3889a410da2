"""Authentication transactions behind a stateToken: created, loaded (401 E0000011 when expired or
unknown), slid forward on every request, and deleted when they end (SUCCESS or cancel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.errors import invalid_state, invalid_token
from mockfinra.security import digest, new_id, new_token
from mockfinra.store.authn import Transaction, find_transaction
from mockfinra.store.users import User, get_user

#: expired transactions are kept this long (for `/_mock/state`) before the sweep prunes them
PRUNE_AFTER = timedelta(hours=1)


def prune_expired_transactions(ctx: Context, db: Session) -> int:
    """Delete transactions expired more than PRUNE_AFTER ago (mockfinra/sweeper.py calls it periodically)."""
    result = db.execute(delete(Transaction).where(Transaction.expires_at < ctx.clock.now() - PRUNE_AFTER))
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass
class Handle:
    """A loaded transaction with the stateToken the client presented (only its digest is stored)."""

    txn: Transaction
    state_token: str
    user: User


def _ttl(ctx: Context) -> timedelta:
    return timedelta(seconds=ctx.settings.state_token_ttl_seconds)


def create_transaction(
    ctx: Context,
    db: Session,
    user: User | None,
    status: str,
    *,
    relay_state: str | None = None,
    amr: list[str] | None = None,
    data: dict[str, Any] | None = None,
    token_prefix: str = "00",
) -> Handle:
    """A new transaction; its state token starts with `token_prefix` (`00` classic, `02.id.` IDX, as Okta's)."""
    now = ctx.clock.now()
    token = new_token(token_prefix, 30)
    txn = Transaction(
        id=new_id("txn", 24),
        state_token_digest=digest(token),
        user_id=user.id if user is not None else None,
        status=status,
        relay_state=relay_state,
        amr=list(amr or []),
        data=dict(data or {}),
        created_at=now,
        expires_at=now + _ttl(ctx),
    )
    db.add(txn)
    # A recovery transaction for an unknown user has no user (see `load_transaction`).
    return Handle(txn=txn, state_token=token, user=user)  # type: ignore[arg-type]


def load_transaction(ctx: Context, db: Session, state_token: str, allow_anonymous: bool = False) -> Handle:
    """The live transaction behind `state_token`, its expiry slid forward; 401 E0000011 otherwise.

    A recovery transaction started for an unknown user has no user (no enumeration): only callers that
    pass `allow_anonymous` (resume, cancel, the recovery endpoints) get it, with `user` None; every other
    endpoint answers 403 E0000079, exactly as it does for a known user's transaction in that state.
    """
    txn = find_transaction(db, state_token) if state_token else None
    now = ctx.clock.now()
    if txn is None or txn.expires_at <= now:
        raise invalid_token()
    user = get_user(db, txn.user_id) if txn.user_id is not None else None
    if user is None:
        if txn.user_id is not None:
            raise invalid_token()
        if not allow_anonymous:
            raise invalid_state()
    txn.expires_at = now + _ttl(ctx)
    return Handle(txn=txn, state_token=state_token, user=user)  # type: ignore[arg-type]


def end_transaction(db: Session, handle: Handle) -> None:
    """The transaction is over (SUCCESS or cancel): its stateToken stops working."""
    db.delete(handle.txn)
