"""`/_mock/messages`: the captured outbox — list, long-poll, latest, by id, delete, and a live SSE stream."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from mockfinra.admin import require_admin
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import ClientError
from mockfinra.outbox.live import event_stream, read_store, wait_for_messages
from mockfinra.outbox.messages import to_json
from mockfinra.outbox.query import (
    MessageFilter,
    build_filter,
    delete_messages,
    get_message,
    list_messages,
    resolve_after,
)

router = APIRouter(prefix="/messages", tags=["messages"], dependencies=[Depends(require_admin)])

CLAMPED_HEADER = "X-Mock-Wait-Clamped"

TO = Query(None, description="recipient: email (any case) or phone number (punctuation ignored)")
CHANNEL = Query(None, description="email, sms, voice or push; several comma-separated")
SINCE = Query(None, description="a message id (messages after it) or an ISO-8601 mock-time instant (at or after)")
WAIT = Query(None, description="seconds to wait for a match when there is none yet (clamped to the cap)")
LIMIT = Query(None, description="at most this many, newest first")


class MessageOut(BaseModel):
    id: str
    channel: str
    to: str
    subject: str | None
    body: str
    text: str
    html: str | None
    code: str | None
    link: str | None
    createdAt: str
    meta: dict[str, Any]


class Deleted(BaseModel):
    deleted: int


def _wait_seconds(wait: float | None, cap: float) -> tuple[float, bool]:
    """The seconds to wait and whether the request asked for more than the cap."""
    if wait is None:
        return 0.0, False
    if math.isnan(wait) or wait < 0:
        raise ClientError(400, "wait: must be a number of seconds, 0 or more.")
    if wait > cap:
        return float(cap), True
    return wait, False


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit < 1:
        raise ClientError(400, "limit: must be 1 or more.")


async def _find(
    ctx: Context, to: str | None, channel: str | None, since: str | None, wait: float | None, limit: int | None
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    seconds, clamped = _wait_seconds(wait, ctx.settings.messages_wait_cap_seconds)
    _check_limit(limit)
    if limit is not None:
        limit = min(limit, ctx.settings.messages_max)  # no more are kept; a huge number must not reach SQL
    where: MessageFilter = await run_in_threadpool(read_store, ctx, build_filter, to, channel, since)
    found = await wait_for_messages(ctx, lambda: read_store(ctx, list_messages, where, limit), seconds)
    headers = {CLAMPED_HEADER: str(ctx.settings.messages_wait_cap_seconds)} if clamped else {}
    return found, headers


@router.get("", response_model=list[MessageOut])
async def list_captured(
    ctx: Context = Depends(get_context),
    to: str | None = TO,
    channel: str | None = CHANNEL,
    since: str | None = SINCE,
    wait: float | None = WAIT,
    limit: int | None = LIMIT,
) -> JSONResponse:
    """Captured messages, newest first. With `wait`, blocks until one matches or the time is up."""
    found, headers = await _find(ctx, to, channel, since, wait, limit)
    return JSONResponse([to_json(message) for message in found], headers=headers)


@router.get("/latest", response_model=MessageOut)
async def latest(
    ctx: Context = Depends(get_context),
    to: str | None = TO,
    channel: str | None = CHANNEL,
    since: str | None = SINCE,
    wait: float | None = WAIT,
) -> JSONResponse:
    """The newest matching message (404 when none matched within `wait`)."""
    found, headers = await _find(ctx, to, channel, since, wait, 1)
    if not found:
        raise ClientError(404, "No captured message matches.", "not_found", headers=headers or None)
    return JSONResponse(to_json(found[0]), headers=headers)


@router.get("/stream", response_class=StreamingResponse)
async def stream(
    ctx: Context = Depends(get_context),
    to: str | None = TO,
    channel: str | None = CHANNEL,
    since: str | None = SINCE,
    last_event_id: str | None = Header(None, description="sent by a reconnecting EventSource"),
) -> StreamingResponse:
    """Server-Sent Events: `event: message` with the message JSON as `data`, a comment as heartbeat.

    Without `since` (or `Last-Event-ID`) only messages recorded from now on are sent; with it, the
    matching earlier ones are replayed first, oldest first.
    """
    where: MessageFilter = await run_in_threadpool(read_store, ctx, build_filter, to, channel, since)
    if since is None and last_event_id:
        after = await run_in_threadpool(read_store, ctx, resolve_after, last_event_id)
        if after is not None:
            where = dataclasses.replace(where, after_seq=after)
    return StreamingResponse(
        event_stream(ctx, where, ctx.settings.messages_heartbeat_seconds),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/{message_id}", response_model=MessageOut)
def one(message_id: str, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    with ctx.store.transaction() as db:
        message = get_message(db, message_id)
    if message is None:
        raise ClientError(404, f"No captured message with id {message_id!r}.", "not_found")
    return to_json(message)


@router.delete("", response_model=Deleted)
def delete_captured(
    ctx: Context = Depends(get_context), to: str | None = TO, channel: str | None = CHANNEL
) -> dict[str, int]:
    """Delete every captured message, or those matching `to` and/or `channel`."""
    with ctx.store.transaction() as db:
        return {"deleted": delete_messages(db, build_filter(db, to, channel))}
