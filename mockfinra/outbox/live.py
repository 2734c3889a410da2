"""Waiting for messages: the long-poll behind `wait=` and the Server-Sent Events stream.

Both run on the event loop and read the store in the threadpool; they sleep on the `OutboxHub` between
reads (never a busy loop) and end at once when the hub closes (server stopping).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from mockfinra.context import Context
from mockfinra.outbox.messages import to_json
from mockfinra.outbox.query import MessageFilter, last_seq, list_messages

T = TypeVar("T")

#: how long an EventSource waits before reconnecting after the stream ends (the SSE `retry:` field)
RETRY_MILLISECONDS = 2000
#: messages read per round while a stream catches up
STREAM_BATCH = 100


def read_store(ctx: Context, function: Callable[..., T], *args: Any) -> T:
    """Run `function(db, *args)` in one store transaction (call it via `run_in_threadpool`)."""
    with ctx.store.transaction() as db:
        return function(db, *args)


async def wait_for_messages(
    ctx: Context, fetch: Callable[[], list[dict[str, Any]]], wait: float
) -> list[dict[str, Any]]:
    """`fetch()` now; when it finds nothing, again after each committed message until `wait` seconds pass."""
    hub = ctx.outbox
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        seen = hub.version
        found = await run_in_threadpool(fetch)
        remaining = deadline - loop.time()
        if found or remaining <= 0 or hub.closed:
            return found
        await hub.wait(remaining, seen=seen)


def sse_event(message: dict[str, Any]) -> str:
    data = json.dumps(to_json(message), separators=(",", ":"))
    return f"id: {message['id']}\nevent: message\ndata: {data}\n\n"


def _start(db: Any, where: MessageFilter) -> tuple[list[dict[str, Any]], int]:
    """The backlog a stream replays first (only with `since`) and the sequence number it goes on after."""
    if where.after_seq is None and where.since is None:
        return [], last_seq(db)
    backlog = list_messages(db, where, newest_first=False)
    return backlog, max([last_seq(db), *(message["seq"] for message in backlog)])


async def event_stream(ctx: Context, where: MessageFilter, heartbeat: float) -> AsyncIterator[str]:
    """Matching messages as SSE `message` events, oldest first, then live; a comment every `heartbeat` s.

    Ends when the client disconnects (Starlette cancels the generator) or the hub closes.
    """
    hub = ctx.outbox
    hub.streams += 1
    try:
        backlog, after = await run_in_threadpool(read_store, ctx, _start, where)
        yield f"retry: {RETRY_MILLISECONDS}\n: connected\n\n"
        for message in backlog:
            yield sse_event(message)
        live = dataclasses.replace(where, since=None)
        while not hub.closed:
            seen = hub.version
            batch = await run_in_threadpool(
                read_store, ctx, list_messages, dataclasses.replace(live, after_seq=after), STREAM_BATCH, False
            )
            for message in batch:
                yield sse_event(message)
                after = message["seq"]
            if batch:
                continue
            if not await hub.wait(heartbeat, seen=seen):
                yield ": heartbeat\n\n"
    finally:
        hub.streams -= 1
