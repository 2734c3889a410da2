"""`/_mock/requests`: the request journal — filter, wait for requests (`wait`, `count`), one entry,
clear, HAR export and a live page. Requests to `/_mock` itself are not journaled."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from mockfinra.admin import require_admin
from mockfinra.context import Context
from mockfinra.control.messages import CLAMPED_HEADER, _wait_seconds
from mockfinra.deps import get_context
from mockfinra.errors import ClientError
from mockfinra.journal.query import JournalFilter, build_filter, find_entries, get_entry
from mockfinra.journal.recorder import recorder
from mockfinra.journal.views import entry_json, har_log
from mockfinra.pages import render

router = APIRouter(tags=["journal"])
guarded = [Depends(require_admin)]
#: how often a waiting request looks for new entries (only when one was recorded since the last look)
POLL_SECONDS = 0.05
COUNT_REACHED_HEADER = "X-Mock-Count-Reached"

SITE = Query(None, description="mfa, traqs, apidownload or download")
METHOD = Query(None, description="HTTP method")
PATH = Query(None, description="glob on the path as served, e.g. /oauth2/*/v1/token or */DownloadHandler.ashx")
STATUS = Query(None, description="statuses and classes, comma-separated: 503, 5xx, 0 (no response)")
SINCE = Query(None, description="an entry id (entries after it) or an ISO-8601 mock-time instant (at or after)")
LIMIT = Query(None, description="at most this many, newest first")
WAIT = Query(None, description="seconds to wait until `count` entries (default 1) match")
COUNT = Query(None, description="with wait: the number of matching entries to wait for")


def _filter(
    site: str | None, method: str | None, path: str | None, status: str | None, since: str | None,
    fault: str | None, user: str | None,
) -> JournalFilter:
    return build_filter(site, method, path, status, since, fault, user)


def _read(ctx: Context, where: JournalFilter, limit: int | None, bodies: bool) -> list[dict[str, Any]]:
    recorder(ctx).flush()
    with ctx.store.transaction() as db:
        return [entry_json(entry, bodies) for entry in find_entries(db, where, ctx.settings.journal_size, limit)]


async def _wait_for(ctx: Context, where: JournalFilter, seconds: float, count: int, limit: int | None,
                    bodies: bool) -> tuple[list[dict[str, Any]], bool]:
    """Entries once at least `count` match, or what matches when the time is up."""
    journal = recorder(ctx)
    deadline = time.monotonic() + seconds
    while True:
        seen = journal.version
        found = await run_in_threadpool(_read, ctx, where, None, bodies)
        if len(found) >= count or time.monotonic() >= deadline or ctx.outbox.closed:
            return (found[:limit] if limit else found), len(found) >= count
        while journal.version == seen and time.monotonic() < deadline and not ctx.outbox.closed:
            await asyncio.sleep(POLL_SECONDS)


@router.get("/requests", dependencies=guarded)
async def list_requests(
    ctx: Context = Depends(get_context),
    site: str | None = SITE,
    method: str | None = METHOD,
    path: str | None = PATH,
    status: str | None = STATUS,
    since: str | None = SINCE,
    fault: str | None = Query(None, description="id of the fault that fired"),
    user: str | None = Query(None, description="login the request named"),
    limit: int | None = LIMIT,
    wait: float | None = WAIT,
    count: int | None = COUNT,
    bodies: bool = Query(True, description="include headers and bodies"),
) -> JSONResponse:
    """Journal entries, newest first: `id, time, site, method, path, query, url, status, latency_ms, user,
    fault` and the masked `request` / `response` (headers, body up to the limit)."""
    if limit is not None and limit < 1:
        raise ClientError(400, "limit: must be 1 or more.")
    if count is not None and count < 1:
        raise ClientError(400, "count: must be 1 or more.")
    seconds, clamped = _wait_seconds(wait, ctx.settings.messages_wait_cap_seconds)
    where = _filter(site, method, path, status, since, fault, user)
    headers = {CLAMPED_HEADER: str(ctx.settings.messages_wait_cap_seconds)} if clamped else {}
    if wait is None and count is None:
        return JSONResponse(await run_in_threadpool(_read, ctx, where, limit, bodies), headers=headers)
    found, reached = await _wait_for(ctx, where, seconds, count or 1, limit, bodies)
    headers[COUNT_REACHED_HEADER] = "true" if reached else "false"
    return JSONResponse(found, headers=headers)


@router.get("/requests.har", dependencies=guarded)
def export_har(
    ctx: Context = Depends(get_context),
    site: str | None = SITE,
    method: str | None = METHOD,
    path: str | None = PATH,
    status: str | None = STATUS,
    since: str | None = SINCE,
    limit: int | None = LIMIT,
) -> JSONResponse:
    """The journal (or the filtered part of it) as a HAR 1.2 log, oldest first."""
    where = _filter(site, method, path, status, since, None, None)
    recorder(ctx).flush()
    with ctx.store.transaction() as db:
        log = har_log(find_entries(db, where, ctx.settings.journal_size, limit))
    return JSONResponse(
        log, media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="mockfinra.har"'},
    )


@router.get("/requests/page", response_class=HTMLResponse, include_in_schema=False)
def journal_page(request: Request) -> HTMLResponse:
    """The live list. The page holds no data (it loads without the admin token); its script reads
    `/_mock/requests`, long-polling for new entries."""
    settings = request.app.state.settings
    return render(request, "journal/requests.html", admin_required=bool(settings.admin_token))


@router.get("/requests/{entry_id}", dependencies=guarded)
def one_request(entry_id: int, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    recorder(ctx).flush()
    with ctx.store.transaction() as db:
        entry = get_entry(db, entry_id)
        if entry is None:
            raise ClientError(404, f"No journal entry with id {entry_id}.", "not_found")
        return entry_json(entry)


@router.delete("/requests", dependencies=guarded)
def clear_requests(ctx: Context = Depends(get_context)) -> dict[str, int]:
    return {"deleted": recorder(ctx).clear()}
