"""The server's side of a connection, for the faults that misbehave below HTTP (a dropped connection, a
reset, a body cut short). ASGI gives no handle on the socket; uvicorn's `send` is a method of the request
cycle that holds the transport, and every layer above wraps it in a closure. `find_transport` follows
those wrappers back to it. Without a socket (an in-process TestClient) there is none."""

from __future__ import annotations

import asyncio
import socket
import struct
from typing import Any

MAX_DEPTH = 8


def find_transport(send: Any) -> Any:
    seen: set[int] = set()
    todo: list[tuple[Any, int]] = [(send, 0)]
    while todo:
        obj, depth = todo.pop()
        if id(obj) in seen or depth > MAX_DEPTH:
            continue
        seen.add(id(obj))
        owner = getattr(obj, "__self__", None)
        transport = getattr(owner, "transport", None)
        if _is_transport(transport):
            return transport  # type: ignore[no-any-return]
        for cell in getattr(obj, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if callable(value):
                todo.append((value, depth + 1))
        inner = getattr(obj, "func", None)  # functools.partial
        if callable(inner):
            todo.append((inner, depth + 1))
    return None


def _is_transport(value: Any) -> bool:
    """asyncio's transports, and uvloop's (which do not subclass asyncio.BaseTransport)."""
    return value is not None and all(callable(getattr(value, name, None)) for name in ("write", "close", "abort", "get_extra_info"))


async def close_connection(transport: Any, reset: bool = False) -> None:
    """Close after what was written is flushed, or (`reset`) abort with a TCP RST. Then let the server see
    the connection lost, so it neither answers 500 nor logs an incomplete response."""
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        transport.abort()
    else:
        transport.close()
    for _ in range(3):
        await asyncio.sleep(0)
