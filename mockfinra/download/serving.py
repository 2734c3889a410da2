"""HTTP delivery of one generated file: validators, conditional requests, single ranges, gzip, HEAD.

The body is always streamed from `GeneratedFile.iter_bytes`, never built as one string: in chunks of
`CHUNK` bytes, sliced inline from memory (no thread hop) or read from a cache file in the thread pool.
"""

from __future__ import annotations

import re
import zlib
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, Iterator, Protocol

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from mockfinra.errors import ClientError

CONTENT_TYPE = "text/plain; charset=utf-8"
#: bytes per body message: large enough that a 2 MB file is two sends, small enough to keep memory flat
CHUNK = 1 << 20
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class ServedFile(Protocol):
    name: str
    size: int
    etag: str
    last_modified: datetime

    @property
    def in_memory(self) -> bool: ...

    def iter_bytes(self, start: int = 0, end: int | None = None, chunk_size: int = 65536) -> Iterator[bytes]: ...


class FileBody(Response):
    """A body of known length sent from `file.iter_bytes(start, end)`: memory slices are sent inline,
    file reads run in the thread pool. (Starlette's StreamingResponse hops to a thread for every chunk of
    a sync iterator, which halves the rate of a cached file.)"""

    def __init__(self, file: ServedFile, start: int, end: int, status_code: int, headers: dict[str, str]) -> None:
        super().__init__(status_code=status_code, headers=headers)
        self.file, self.start, self.end = file, start, end

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        chunks = self.file.iter_bytes(self.start, self.end, CHUNK)
        sentinel = b""
        try:
            while True:
                chunk = next(chunks, sentinel) if self.file.in_memory else await run_in_threadpool(next, chunks, sentinel)
                if chunk is sentinel:
                    break
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            getattr(chunks, "close", lambda: None)()
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def deliver(request: Request, file: ServedFile) -> Response:
    """The response for a GET, POST or HEAD of `file`, honouring the request's conditional headers."""
    gzip_etag = file.etag[:-1] + '-gzip"'
    headers = {
        "Content-Type": CONTENT_TYPE,
        "Content-Disposition": f'attachment; filename="{file.name}"',
        "Last-Modified": http_date(file.last_modified),
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-cache",
        "Vary": "Accept-Encoding",
    }
    if not_modified(request, file, (file.etag, gzip_etag)):
        etag = gzip_etag if accepts_gzip(request) else file.etag
        kept = {name: headers[name] for name in ("Last-Modified", "Cache-Control", "Vary")}
        return Response(status_code=304, headers={**kept, "ETag": etag})
    head = request.method == "HEAD"
    span = requested_range(request, file)
    if span is not None:
        start, end = span
        headers.update(
            {
                "ETag": file.etag,
                "Content-Range": f"bytes {start}-{end - 1}/{file.size}",
                "Content-Length": str(end - start),
            }
        )
        return _whole_or_part(head, file, start, end, 206, headers)
    if accepts_gzip(request):
        # Compressed on the fly, so the length is unknown up front: the body is sent chunked.
        headers.update({"ETag": gzip_etag, "Content-Encoding": "gzip"})
        return _body(head, gzip_stream(file.iter_bytes()), 200, headers)
    headers.update({"ETag": file.etag, "Content-Length": str(file.size)})
    return _whole_or_part(head, file, 0, file.size, 200, headers)


def _whole_or_part(head: bool, file: ServedFile, start: int, end: int, status: int, headers: dict[str, str]) -> Response:
    if head:
        return Response(status_code=status, headers=headers)
    return FileBody(file, start, end, status, headers)


def _body(head: bool, chunks: Iterator[bytes], status: int, headers: dict[str, str]) -> Response:
    if head:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
        response = Response(status_code=status, headers=headers)
        if "Content-Length" not in headers:
            del response.headers["content-length"]
        return response
    return StreamingResponse(chunks, status_code=status, headers=headers)


def not_modified(request: Request, file: ServedFile, etags: tuple[str, ...]) -> bool:
    """RFC 9110 §13.1: If-None-Match (weak comparison) wins over If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        offered = {_opaque(tag) for tag in if_none_match.split(",")}
        return bool(offered & {_opaque(tag) for tag in etags})
    since = _parse_http_date(request.headers.get("if-modified-since"))
    return since is not None and int(file.last_modified.timestamp()) <= int(since.timestamp())


def requested_range(request: Request, file: ServedFile) -> tuple[int, int] | None:
    """A single `bytes=` range as [start, end) or None for the whole file; 416 when unsatisfiable.

    Several ranges, other units and malformed values are ignored (the whole file is sent), which RFC
    9110 allows; an If-Range that does not match the current validator also means the whole file.
    """
    header = request.headers.get("range")
    if not header:
        return None
    if_range = request.headers.get("if-range")
    if if_range is not None and not _if_range_matches(if_range, file):
        return None
    match = _RANGE.match(header)
    if match is None:
        return None
    first, last = match.groups()
    size = file.size
    if first:
        start = int(first)
        if last and int(last) < start:
            return None
        if start >= size:
            raise unsatisfiable(size)
        end = min(int(last) + 1, size) if last else size
    elif last:
        if int(last) == 0 or size == 0:
            raise unsatisfiable(size)
        start, end = max(size - int(last), 0), size
    else:
        return None
    return start, end


def unsatisfiable(size: int) -> ClientError:
    return ClientError(
        416,
        f"The requested range is not satisfiable: the file has {size} bytes (offsets 0 to {max(size - 1, 0)}).",
        "range_not_satisfiable",
        headers={"Content-Range": f"bytes */{size}"},
    )


def accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            return _quality(params) > 0
    return False


def gzip_stream(chunks: Iterator[bytes]) -> Iterator[bytes]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    try:
        for chunk in chunks:
            out = compressor.compress(chunk)
            if out:
                yield out
        yield compressor.flush()
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def http_date(moment: datetime) -> str:
    return format_datetime(moment.replace(microsecond=0), usegmt=True)


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag.removeprefix("W/")


def _if_range_matches(value: str, file: ServedFile) -> bool:
    value = value.strip()
    if value.startswith(('"', "W/")):
        return value == file.etag
    since = _parse_http_date(value)
    return since is not None and int(file.last_modified.timestamp()) == int(since.timestamp())


def _parse_http_date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
