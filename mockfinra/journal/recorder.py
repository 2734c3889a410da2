"""One insert per exchange; the ring trimmed every `trim_every` inserts, not on each one."""

from __future__ import annotations

import threading
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from mockfinra.context import Context
from mockfinra.journal.masking import body_text, mask_form, mask_headers
from mockfinra.store.journal import JournalEntry, clear, trim

ENCODINGS = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}

RESOURCE_KEY = "journal.recorder"


@dataclass
class Exchange:
    """What the middleware saw of one request and its response (raw; masked on the way into the store)."""

    at: datetime
    site: str
    method: str
    path: str
    query: str
    url: str
    request_headers: list[tuple[str, str]]
    request_media: str
    request_body: bytes
    request_size: int
    status: int
    latency_ms: float
    user: str | None = None
    fault: str | None = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_media: str = ""
    response_body: bytes = b""
    response_size: int = 0
    #: the body was cut at the connection (a truncate fault) or the response never came
    response_complete: bool = True


class Recorder:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.size = ctx.settings.journal_size
        self.body_limit = ctx.settings.journal_body_bytes
        self.trim_every = max(1, min(100, self.size // 10))
        self._inserts = 0
        self._lock = threading.Lock()
        #: bumped on every insert, for waiters
        self.version = 0

    def add(self, exchange: Exchange) -> int:
        query = mask_form(exchange.query) if exchange.query else ""
        url = exchange.url.split("?", 1)[0] + (f"?{query}" if query else "")
        row = {
            "at": exchange.at,
            "site": exchange.site,
            "method": exchange.method,
            "path": exchange.path,
            "query": query,
            "url": url,
            "status": exchange.status,
            "latency_ms": round(exchange.latency_ms, 3),
            "user": exchange.user,
            "fault": exchange.fault,
            "request": self._side(exchange.request_headers, exchange.request_media, exchange.request_body,
                                  exchange.request_size, True),
            "response": self._side(exchange.response_headers, exchange.response_media, exchange.response_body,
                                   exchange.response_size, exchange.response_complete),
        }
        _clip_to_columns(row)
        with self._lock:
            self._inserts += 1
            trim_now = self._inserts % self.trim_every == 0
        with self.ctx.store.transaction() as db:
            # a Core insert: the ORM's unit of work costs more than the row itself
            entry_id = int(db.execute(insert(JournalEntry).values(**row)).inserted_primary_key[0])
            if trim_now:
                trim(db, self.size)
        self.version += 1
        return entry_id

    def _side(self, headers: list[tuple[str, str]], media: str, body: bytes, size: int, complete: bool) -> dict[str, Any]:
        kept = body[: self.body_limit]
        cut = size > len(kept)
        encoding = next((v.strip().lower() for k, v in headers if k.lower() == "content-encoding"), "")
        if encoding in ENCODINGS and kept:
            kept, cut = _decoded(kept, ENCODINGS[encoding], self.body_limit, cut)
        text = body_text(media, kept, complete and not cut)
        side: dict[str, Any] = {"headers": mask_headers(headers), "mediaType": media, "size": size, "body": text}
        if cut:
            side["bodyCut"] = True
        if text is None and size:
            side["bodyOmitted"] = "page" if media == "text/html" else "binary"
        return side

    def clear(self) -> int:
        with self.ctx.store.transaction() as db:
            count = clear(db)
        self.version += 1
        return count


def _clip_to_columns(row: dict[str, Any]) -> None:
    """Cut strings to their column's length (a 5,000-character user name): PostgreSQL refuses longer ones."""
    for column in JournalEntry.__table__.columns:
        length = getattr(column.type, "length", None)
        value = row.get(column.key)
        if length and isinstance(value, str) and len(value) > length:
            row[column.key] = value[:length]


def _decoded(kept: bytes, wbits: int, limit: int, cut: bool) -> tuple[bytes, bool]:
    """The decoded start of a compressed body (HAR's `content.text` is decoded), and whether it is cut."""
    try:
        inflater = zlib.decompressobj(wbits)
        text = inflater.decompress(kept, limit + 1)
    except zlib.error:
        return b"", True
    return text[:limit], cut or len(text) > limit or not inflater.eof


def recorder(ctx: Context) -> Recorder:
    existing = ctx.resources.get(RESOURCE_KEY)
    if existing is None:
        existing = ctx.resources.setdefault(RESOURCE_KEY, Recorder(ctx))
    return existing
