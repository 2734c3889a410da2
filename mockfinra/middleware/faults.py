"""Fires the injected faults (`/_mock/faults`): a delay, a status with the surface's error body, a dropped
or reset connection, a truncated or slow body. Responses changed by a fault carry `X-Mock-Fault: <id>`.

The control plane and the static files are never faulted. Matching and counting are the domain's
(`mockfinra.faults`); a request with no fault in force costs one look at the cached list.
"""

from __future__ import annotations

import asyncio
import random
from typing import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockfinra.context import Context
from mockfinra.error_responses import envelope_response
from mockfinra.errors import surface_for
from mockfinra.faults.bodies import fault_envelope
from mockfinra.faults.book import Fault, book
from mockfinra.faults.matching import Route, request_matches, route_matches
from mockfinra.faults.spec import DelayRange
from mockfinra.middleware.connection import close_connection, find_transport
from mockfinra.middleware.exchange import all_params, is_own, named_user, site_of

FAULT_HEADER = b"x-mock-fault"
#: scope keys shared with the journal (`mockfinra.middleware.journal`)
FAULT_SCOPE_KEY = "mockfinra.fault"
FLUSH_SCOPE_KEY = "mockfinra.journal.flush"


class ConnectionDropped(ConnectionError):
    """A drop fault without a socket to close (an in-process TestClient): the client sees this error."""


class Faults:
    def __init__(self, app: ASGIApp, ctx: Context, max_body_bytes: int) -> None:
        self.app = app
        self.ctx = ctx
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_own(scope["path"]):
            await self.app(scope, receive, send)
            return
        faults = book(self.ctx)
        in_force = faults.in_force() if faults.loaded else await run_in_threadpool(faults.in_force)
        if not in_force:
            await self.app(scope, receive, send)
            return
        site, site_path = site_of(scope)
        route = Route(site, scope["method"], scope["path"], site_path)
        candidates = [fault for fault in in_force if route_matches(fault.spec, route)]
        if not candidates:
            await self.app(scope, receive, send)
            return
        params: dict[str, list[str]] = {}
        user: str | None = None
        if any(fault.spec.needs_body for fault in candidates):
            body, receive = await _buffer_body(receive, self.max_body_bytes)
            params, user = all_params(scope, body), named_user(scope, body)
        fired = None
        for fault in candidates:
            if fault.spec.needs_body and not request_matches(fault.spec, params, user):
                continue
            if await run_in_threadpool(faults.decide, fault):
                fired = fault
                break
        if fired is None:
            await self.app(scope, receive, send)
            return
        scope[FAULT_SCOPE_KEY] = fired.id
        await self.fire(fired, scope, receive, send)

    async def fire(self, fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
        spec = fault.spec
        if spec.delay_ms is not None:
            await asyncio.sleep(_delay_seconds(spec.delay_ms, book(self.ctx).rng))
        if spec.drop is not None or spec.status is not None:
            await _drain(receive, self.max_body_bytes)  # the journal then has the body the app never read
        if spec.drop is not None:
            await _drop(scope, send, reset=spec.drop == "reset")
            return
        marked = _with_fault_header(send, fault.id)
        if spec.status is not None:
            envelope = fault_envelope(spec, surface_for(scope["path"]), self.ctx.clock.now())
            await envelope_response(envelope)(scope, receive, marked)
            return
        if spec.truncate_bytes is None and spec.slow is None:
            await self.app(scope, receive, marked)
            return
        await self.app(scope, receive, _reshaped(scope, marked, send, fault))


def _delay_seconds(delay: int | DelayRange, rng: random.Random) -> float:
    if isinstance(delay, DelayRange):
        return rng.uniform(delay.min, delay.max) / 1000
    return delay / 1000


async def _buffer_body(receive: Receive, limit: int) -> tuple[bytes, Receive]:
    """Read the body (up to `limit`; a larger one is not looked into), and a `receive` that replays it."""
    chunks: list[Message] = []
    parts: list[bytes] = []
    total = 0
    while True:
        message = await receive()
        chunks.append(message)
        if message["type"] != "http.request":
            break
        part = message.get("body", b"")
        parts.append(part)
        total += len(part)
        if total > limit or not message.get("more_body", False):
            break

    async def replay() -> Message:
        return chunks.pop(0) if chunks else await receive()

    return (b"".join(parts) if total <= limit else b""), replay


async def _drain(receive: Receive, limit: int) -> None:
    """Read the request body (up to `limit`) that a fault answers without the app."""
    total = 0
    while total <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return
        total += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _flush_journal(scope: Scope, status: int | None) -> None:
    flush: Callable[[int | None], Awaitable[None]] | None = scope.get(FLUSH_SCOPE_KEY)
    if flush is not None:
        await flush(status)


async def _drop(scope: Scope, send: Send, reset: bool) -> None:
    transport = find_transport(send)
    await _flush_journal(scope, 0)
    if transport is None:
        raise ConnectionDropped("mockfinra fault: connection dropped (no socket: an in-process client)")
    await close_connection(transport, reset=reset)


def _with_fault_header(send: Send, fault_id: str) -> Send:
    async def marked(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (FAULT_HEADER, fault_id.encode())]}
        await send(message)

    return marked


def _reshaped(scope: Scope, marked: Send, raw_send: Send, fault: Fault) -> Send:
    """A `send` that holds the app's response, then sends it slowly and/or cut short. A cut body keeps
    the full Content-Length, so the client sees a connection closed before the body ended."""
    spec = fault.spec
    start: Message | None = None
    parts: list[bytes] = []

    async def send(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await marked(message)
            return
        parts.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = b"".join(parts)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await marked({**start, "headers": headers})
        cut = spec.truncate_bytes is not None and spec.truncate_bytes < len(body)
        sent = body[: spec.truncate_bytes] if cut else body
        step = spec.slow.chunk_bytes if spec.slow else max(len(sent), 1)
        pause = spec.slow.delay_ms / 1000 if spec.slow else 0.0
        for offset in range(0, len(sent), step):
            if offset and pause:
                await asyncio.sleep(pause)
            await marked({"type": "http.response.body", "body": sent[offset: offset + step], "more_body": True})
        if not cut:
            await marked({"type": "http.response.body", "body": b"", "more_body": False})
            return
        transport = find_transport(raw_send)
        await _flush_journal(scope, None)
        if transport is None:
            await marked({"type": "http.response.body", "body": b"", "more_body": False})
            return
        await close_connection(transport)

    return send
