"""Which journal entries a `GET /_mock/requests` asks for. Only the newest `journal_size` count: the ring
is trimmed in batches, so a few older rows may still be in the store between trims."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mockfinra.clock import parse_instant
from mockfinra.errors import ClientError
from mockfinra.store.journal import JournalEntry

SITES = ("mfa", "traqs", "apidownload", "download")
#: larger ids than the column holds (PostgreSQL's INTEGER: 32 bits) mean "after every entry"
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class JournalFilter:
    site: str | None = None
    method: str | None = None
    path: str | None = None
    #: exact statuses and/or classes ("5xx"); 0 = no response (dropped)
    statuses: tuple[int, ...] = ()
    classes: tuple[int, ...] = ()
    after_id: int | None = None
    since: datetime | None = None
    fault: str | None = None
    user: str | None = None


def build_filter(
    site: str | None = None,
    method: str | None = None,
    path: str | None = None,
    status: str | None = None,
    since: str | None = None,
    fault: str | None = None,
    user: str | None = None,
) -> JournalFilter:
    if site is not None and site not in SITES:
        raise ClientError(400, f"site: one of {', '.join(SITES)}.")
    statuses: list[int] = []
    classes: list[int] = []
    for part in (status or "").split(","):
        part = part.strip().lower()
        if not part:
            continue
        if len(part) == 3 and part.endswith("xx") and part[0].isdigit():
            classes.append(int(part[0]))
        elif part.isdigit() and int(part) <= 599:
            statuses.append(int(part))
        else:
            raise ClientError(400, f"status: {part!r} is not a status (503), a class (5xx) or 0 (no response).")
    after_id = moment = None
    if since:
        if since.isdigit():
            after_id = min(int(since), MAX_ID)
        else:
            try:
                moment = parse_instant(since)
            except ValueError:
                raise ClientError(400, f"since: {since!r} is neither an entry id nor an ISO-8601 instant.") from None
    return JournalFilter(
        site=site,
        method=method.upper() if method else None,
        path=path or None,
        statuses=tuple(statuses),
        classes=tuple(classes),
        after_id=after_id,
        since=moment,
        fault=fault or None,
        user=user or None,
    )


def find_entries(db: Session, where: JournalFilter, size: int, limit: int | None = None) -> list[JournalEntry]:
    """Matching entries, newest first."""
    newest = db.scalar(select(func.max(JournalEntry.id)))
    if newest is None:
        return []
    query = select(JournalEntry).where(JournalEntry.id > newest - size).order_by(JournalEntry.id.desc())
    if where.site:
        query = query.where(JournalEntry.site == where.site)
    if where.method:
        query = query.where(JournalEntry.method == where.method)
    if where.after_id is not None:
        query = query.where(JournalEntry.id > where.after_id)
    if where.since is not None:
        query = query.where(JournalEntry.at >= where.since)
    if where.fault:
        query = query.where(JournalEntry.fault == where.fault)
    found = []
    for entry in db.scalars(query):
        if where.path and not fnmatchcase(entry.path, where.path):
            continue
        if (where.statuses or where.classes) and not (
            entry.status in where.statuses or (entry.status // 100) in where.classes
        ):
            continue
        if where.user and (entry.user or "").casefold() != where.user.casefold():
            continue
        found.append(entry)
        if limit is not None and len(found) >= limit:
            break
    return found


def get_entry(db: Session, entry_id: int) -> JournalEntry | None:
    return db.get(JournalEntry, entry_id) if 0 < entry_id <= MAX_ID else None
