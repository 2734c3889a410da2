"""Records every exchange with the sites in the request journal (`/_mock/requests`): queued for the journal's
writer before the last byte of the response goes out (mockfinra/journal/recorder.py: a read of the journal
writes the queue first), so a client that has its response finds it in the journal. Requests to the control
plane and the static files are not recorded.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockfinra.context import Context
from mockfinra.journal.recorder import Exchange, recorder
from mockfinra.middleware.exchange import is_own, media_type, named_user, site_of
from mockfinra.middleware.faults import FAULT_SCOPE_KEY, FLUSH_SCOPE_KEY
from mockfinra.middleware.headers import header

log = logging.getLogger("mockfinra.journal")


def _decoded(headers: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers]


class Journal:
    def __init__(self, app: ASGIApp, ctx: Context) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_own(scope["path"]) or self.ctx.settings.journal_size <= 0:
            await self.app(scope, receive, send)
            return
        book = recorder(self.ctx)
        limit = book.body_limit
        started = time.perf_counter()
        at = self.ctx.clock.now()
        request_parts: list[bytes] = []
        request_size = 0
        response: dict[str, Any] = {"status": 0, "headers": [], "parts": [], "size": 0}
        recorded = False

        async def tee_receive() -> Message:
            nonlocal request_size
            message = await receive()
            if message["type"] == "http.request":
                part = message.get("body", b"")
                request_size += len(part)
                if sum(map(len, request_parts)) < limit:
                    request_parts.append(part)
            return message

        async def flush(status: int | None, complete: bool = False) -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            site, _ = site_of(scope)
            query = scope.get("query_string", b"").decode("latin-1")
            host = header(scope, b"host") or "127.0.0.1"
            request_body = b"".join(request_parts)
            exchange = Exchange(
                at=at,
                site=site,
                method=scope["method"],
                path=scope["path"],
                query=query,
                url=f"{scope.get('scheme', 'http')}://{host}{scope['path']}" + (f"?{query}" if query else ""),
                request_headers=_decoded(scope.get("headers", [])),
                request_media=media_type(header(scope, b"content-type")),
                request_body=request_body,
                request_size=request_size,
                status=response["status"] if status is None else status,
                latency_ms=(time.perf_counter() - started) * 1000,
                user=named_user(scope, request_body),
                fault=scope.get(FAULT_SCOPE_KEY),
                response_headers=response["headers"],
                response_media=media_type(next((v for k, v in response["headers"] if k.lower() == "content-type"), "")),
                response_body=b"".join(response["parts"]),
                response_size=response["size"],
                response_complete=complete,
            )
            try:
                if book.write_behind:
                    book.add(exchange)  # queued: the writer thread stores it, a read of the journal first
                else:
                    await run_in_threadpool(book.add, exchange)
            except Exception:  # the journal must never break the exchange it records
                log.exception("journal: could not record %s %s", scope["method"], scope["path"])

        async def tee_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                response["headers"] = _decoded(list(message.get("headers", [])))
            elif message["type"] == "http.response.body":
                part = message.get("body", b"")
                kept = sum(map(len, response["parts"]))
                response["size"] += len(part)
                if kept < limit:
                    response["parts"].append(part[: limit - kept])  # a download's chunk is not copied whole
                if not message.get("more_body", False):
                    await flush(None, complete=True)
            await send(message)

        scope[FLUSH_SCOPE_KEY] = flush
        failed = False
        try:
            await self.app(scope, tee_receive, tee_send)
        except Exception:
            failed = True
            raise
        finally:
            if not recorded:
                await flush(500 if failed and not response["status"] else None)
