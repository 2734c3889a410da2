"""One-time values handed from a POST to the page it redirects to (post/redirect/get), per session.

A new refresh token is shown exactly once: the POST stores it here, the next GET of the page takes it
(and deletes it), so a reload shows it no more and issues nothing. A flash not taken within
`FLASH_TTL` (mock clock) is dropped.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.security import new_id
from mockfinra.store.flash import Flash

FLASH_TTL = timedelta(minutes=5)


def put_flash(ctx: Context, db: Session, session_id: str, kind: str, value: str) -> None:
    db.execute(delete(Flash).where(Flash.session_id == session_id, Flash.kind == kind))
    db.add(Flash(id=new_id("fl"), session_id=session_id, kind=kind, value=value, created_at=ctx.clock.now()))


def take_flash(ctx: Context, db: Session, session_id: str, kind: str) -> str | None:
    """The value left for this session (deleted now), or None."""
    row = db.scalar(select(Flash).where(Flash.session_id == session_id, Flash.kind == kind))
    if row is None:
        return None
    db.delete(row)
    age = ctx.clock.now() - row.created_at
    return row.value if timedelta(0) <= age <= FLASH_TTL else None
