"""The periodic sweep of expired rows, off the request path: a sign-in no longer pays for a bulk delete.

One asyncio task per app (started by the lifespan) runs every `sweep_interval_seconds` of wall time, in a
worker thread, in its own store transaction. Expiry itself follows the mock clock; the sweep only removes
rows already expired long enough that nobody can use or inspect them any more.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.concurrency import run_in_threadpool

from mockfinra.context import Context

log = logging.getLogger(__name__)


def sweep_once(ctx: Context) -> int:
    """Remove what has expired; the number of rows removed."""
    from mockfinra.identity.core.transactions import prune_expired_transactions

    with ctx.store.transaction() as db:
        return prune_expired_transactions(ctx, db)


async def sweep_forever(ctx: Context) -> None:
    interval = ctx.settings.sweep_interval_seconds
    while True:
        await asyncio.sleep(interval)
        try:
            await run_in_threadpool(sweep_once, ctx)
        except Exception:  # noqa: BLE001 - a failed sweep is retried at the next interval, never fatal
            log.exception("the sweep of expired rows failed")
