"""Where generated files live: a memory LRU bounded by bytes, or files under a cache directory."""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator


@dataclass(frozen=True)
class GeneratedFile:
    """One generated day of one file: exact size, a strong ETag, and ranged streaming."""

    name: str  # e.g. "CAMASTER_20261120.txt"
    size: int  # exact byte length
    etag: str  # strong, quoted, stable for the same seed/spec/day
    last_modified: datetime  # aware UTC: the availability instant
    rows: int  # data rows (without header and trailer)
    _data: bytes | None = None
    _path: Path | None = None

    @property
    def in_memory(self) -> bool:
        """True when the bytes are held in memory (slicing them costs no I/O)."""
        return self._data is not None

    def iter_bytes(self, start: int = 0, end: int | None = None, chunk_size: int = 65536) -> Iterator[bytes]:
        """The bytes `[start, end)` in chunks of at most `chunk_size` (never one giant string)."""
        stop = self.size if end is None else min(end, self.size)
        start = max(0, start)
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        if start >= stop:
            return
        if self._data is not None:
            view = memoryview(self._data)
            for offset in range(start, stop, chunk_size):
                yield bytes(view[offset : min(offset + chunk_size, stop)])
            return
        assert self._path is not None
        with self._path.open("rb") as handle:
            handle.seek(start)
            remaining = stop - start
            while remaining > 0:
                piece = handle.read(min(chunk_size, remaining))
                if not piece:
                    break
                remaining -= len(piece)
                yield piece

    def read(self) -> bytes:
        """The whole file (small files and tests)."""
        return b"".join(self.iter_bytes())


def etag_of(digest: "hashlib._Hash") -> str:
    return f'"{digest.hexdigest()[:32]}"'


def collect(chunks: Iterable[bytes]) -> tuple[bytes, str]:
    digest = hashlib.sha256()
    parts = []
    for chunk in chunks:
        digest.update(chunk)
        parts.append(chunk)
    return b"".join(parts), etag_of(digest)


def write_atomically(path: Path, chunks: Iterable[bytes]) -> tuple[int, str]:
    """Stream chunks to `path` (via a temporary file and a rename); returns (size, etag)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600; this is a data file, not a secret
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return size, etag_of(digest)


class MemoryLRU:
    """Generated files kept in memory, least recently used dropped first once over `max_bytes`."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.total = 0
        self._items: OrderedDict[tuple[str, str], GeneratedFile] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> GeneratedFile | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: tuple[str, str], item: GeneratedFile) -> None:
        if item.size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.total -= old.size
            self._items[key] = item
            self.total += item.size
            while self.total > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.total -= dropped.size

    def __len__(self) -> int:
        return len(self._items)
