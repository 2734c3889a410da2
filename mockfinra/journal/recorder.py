"""The journal's writer: exchanges are queued by the middleware (no store transaction on the request path)
and written in batches by one writer thread; every read of the journal in this process writes what is queued
first (`flush`), so a client that has its response finds it in the journal. The ring is trimmed every
`trim_every` inserts, not on each one. With `journal_write_behind` off, each exchange is written before
the last byte of its response goes out (for several processes reading one store).
"""

from __future__ import annotations

import logging
import threading
import time
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
#: how long the writer waits for more exchanges before writing a batch (reads do not wait: they flush)
LINGER_SECONDS = 0.02
#: an idle writer thread ends after this long
IDLE_EXIT_SECONDS = 5.0

log = logging.getLogger("mockfinra.journal")


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
        # with other processes on the store a reading worker could not write this one's queue first
        self.write_behind = ctx.settings.journal_write_behind and not ctx.settings.shares_state
        self.trim_every = max(1, min(100, self.size // 10))
        self._inserts = 0
        #: exchanges not written yet, and the writer thread waiting for them
        self._pending: list[Exchange] = []
        self._wake = threading.Condition()
        self._writer: threading.Thread | None = None
        #: one batch at a time, so ids follow the order of the queue
        self._writing = threading.Lock()
        #: bumped on every exchange queued or written, for waiters
        self.version = 0

    def add(self, exchange: Exchange) -> None:
        """Queue one exchange (written by the writer thread, or by the next read); written at once when
        write-behind is off (then call it off the event loop)."""
        if not self.write_behind:
            with self._writing:
                self._write([exchange])
            return
        with self._wake:
            self._pending.append(exchange)
            self.version += 1
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(target=self._write_forever, name="journal-writer", daemon=True)
                self._writer.start()
            self._wake.notify()

    def flush(self) -> None:
        """Write every queued exchange now (before any read of the journal, a reset, a shutdown)."""
        with self._writing:
            with self._wake:
                batch, self._pending = self._pending, []
            if batch:
                self._write(batch)

    def _write_forever(self) -> None:
        while True:
            with self._wake:
                if not self._wake.wait_for(lambda: bool(self._pending), timeout=IDLE_EXIT_SECONDS):
                    self._writer = None  # idle: ends (the next exchange starts another), so no app outlives its use
                    return
            time.sleep(LINGER_SECONDS)  # under load, one transaction takes the exchanges of many requests
            try:
                self.flush()
            except Exception:  # the journal must never break the server; the batch is lost, logged
                log.exception("journal: could not record a batch of exchanges")

    def _write(self, batch: list[Exchange]) -> None:
        rows = [self._row(exchange) for exchange in batch]
        self._inserts += len(rows)
        trim_now = self._inserts >= self.trim_every
        if trim_now:
            self._inserts = 0
        with self.ctx.store.transaction() as db:
            # a Core insert: the ORM's unit of work costs more than the rows themselves
            db.execute(insert(JournalEntry), rows)
            if trim_now:
                trim(db, self.size)
        self.version += 1

    def _row(self, exchange: Exchange) -> dict[str, Any]:
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
        return row

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
        self.flush()
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
