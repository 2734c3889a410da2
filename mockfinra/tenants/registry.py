"""This process's running tenants: each a whole app (`create_app` with the tenant's settings), built, seeded
and started (its lifespan: faults, the sweep) on first use, and stopped and dropped on deletion.

The book (mockfinra/tenants/book.py) is the truth shared by every process on the default store. A process
that has a tenant's app running re-reads the tenant's row at most every `tenant_recheck_seconds` (one
primary-key read, off the event loop); a row that is gone or names another incarnation means another process
deleted (and maybe recreated) the tenant, so this app is stopped and the next request gets the current one.
ASSUMPTION: within that interval a request may still reach a tenant another process has just deleted.
"""

from __future__ import annotations

import logging
import time
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator

import anyio
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from mockfinra.context import Context
from mockfinra.store.meta import get_meta
from mockfinra.tenants import book, storage
from mockfinra.tenants.book import TenantRecord
from mockfinra.tenants.names import check_name

log = logging.getLogger(__name__)

#: `ctx.resources` keys: the registry (on the default world) and a tenant app's own name
REGISTRY_KEY = "tenants"
TENANT_KEY = "tenant"


class TenantsOff(Exception):
    """`max_tenants` is 0."""


class TenantLimitReached(Exception):
    """`max_tenants` tenants exist already."""


@dataclass
class RunningTenant:
    record: TenantRecord
    app: Any
    lifespan: AbstractAsyncContextManager[Any]
    checked_at: float

    @property
    def name(self) -> str:
        return self.record.name


def tenant_of(ctx: Context) -> str | None:
    """The tenant an app serves, or None for the default world."""
    return ctx.resources.get(TENANT_KEY)


class TenantRegistry:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.running: dict[str, RunningTenant] = {}
        self._locks: dict[str, tuple[anyio.Lock, int]] = {}

    @classmethod
    def of(cls, ctx: Context) -> "TenantRegistry":
        registry = ctx.resources.get(REGISTRY_KEY)
        if registry is None:
            registry = ctx.resources[REGISTRY_KEY] = cls(ctx)
        return registry

    # --- the app of a tenant ------------------------------------------------------------------

    async def app_for(self, name: str, base_url: str) -> Any:
        """The running app of tenant `name`, created (empty, freshly seeded) when it does not exist."""
        tenant = self.running.get(name)
        if tenant is not None and time.monotonic() - tenant.checked_at < self.ctx.settings.tenant_recheck_seconds:
            return tenant.app
        return (await self.open(name, base_url))[0].app

    async def open(self, name: str, base_url: str) -> tuple[RunningTenant, bool]:
        """The running tenant `name` (re-checked against the book) and whether this call created it."""
        check_name(name)
        async with self._exclusive(name):
            tenant = self.running.get(name)
            if tenant is not None:
                record = await run_in_threadpool(self._read, name)
                if record is not None and record.incarnation == tenant.record.incarnation:
                    tenant.checked_at = time.monotonic()
                    return tenant, False
                await self._stop(self.running.pop(name))  # deleted, or deleted and recreated, by another process
            record, created = await run_in_threadpool(self._ensure_record, name)
            app = await run_in_threadpool(self._build, record, base_url)
            lifespan = app.router.lifespan_context(app)
            await lifespan.__aenter__()
            tenant = self.running[name] = RunningTenant(record, app, lifespan, time.monotonic())
            return tenant, created

    async def delete(self, name: str) -> bool:
        """Stop the tenant's app, drop its store and its row; False when there was no such tenant."""
        check_name(name)
        async with self._exclusive(name):
            tenant = self.running.pop(name, None)
            if tenant is not None:
                await self._stop(tenant)
            return await run_in_threadpool(self._delete_record_and_store, name) or tenant is not None

    def records(self) -> list[TenantRecord]:
        with self.ctx.store.transaction() as db:
            return book.list_all(db)

    def record(self, name: str) -> TenantRecord | None:
        return self._read(name)

    async def close(self) -> None:
        """Stop every running tenant (the default world shuts down); their stores stay."""
        for name in list(self.running):
            await self._stop(self.running.pop(name))

    def close_outboxes(self) -> None:
        """End open long-polls and event streams of every tenant (they would hold a shutdown up)."""
        for tenant in list(self.running.values()):
            tenant.app.state.ctx.outbox.close()

    # --- the parts ------------------------------------------------------------------------------

    @asynccontextmanager
    async def _exclusive(self, name: str) -> AsyncIterator[None]:
        """One creation or deletion of a tenant at a time in this process (others go on meanwhile)."""
        lock, users = self._locks.get(name) or (anyio.Lock(), 0)
        self._locks[name] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[name]
            if users <= 1:
                del self._locks[name]
            else:
                self._locks[name] = (lock, users - 1)

    def _url(self, name: str) -> str:
        return storage.tenant_db_url(self.ctx.settings.db, name)

    def _read(self, name: str) -> TenantRecord | None:
        with self.ctx.store.transaction() as db:
            return book.read(db, name)

    def _ensure_record(self, name: str) -> tuple[TenantRecord, bool]:
        """The tenant's row, inserted when missing (then any store left by an earlier incarnation is dropped
        first: a new tenant starts empty). A concurrent insert by another process makes this one read it."""
        limit = self.ctx.settings.max_tenants
        if limit == 0:
            raise TenantsOff()
        url = self._url(name)  # UnsupportedStore before anything is written
        for attempt in (1, 2):
            try:
                with self.ctx.store.transaction() as db:
                    record = book.read(db, name, lock=True)
                    if record is not None:
                        return record, False
                    if book.count(db) >= limit:
                        raise TenantLimitReached()
                    storage.drop(url, self.ctx.store.engine)
                    return book.add(db, name), True
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _build(self, record: TenantRecord, base_url: str) -> Any:
        from mockfinra.app import create_app

        url = self._url(record.name)
        storage.prepare(url, self.ctx.store.engine)
        app = create_app(self.ctx.settings.model_copy(update={"db": url}))
        tenant_ctx: Context = app.state.ctx
        tenant_ctx.resources[TENANT_KEY] = record.name
        try:
            seed_tenant(tenant_ctx, base_url)
        except BaseException:
            tenant_ctx.store.dispose()
            raise
        return app

    def _delete_record_and_store(self, name: str) -> bool:
        with self.ctx.store.transaction() as db:
            record = book.read(db, name, lock=True)
            storage.drop(self._url(name), self.ctx.store.engine)
            book.remove(db, name)
            return record is not None

    async def _stop(self, tenant: RunningTenant) -> None:
        tenant.app.state.ctx.outbox.close()
        try:
            await tenant.lifespan.__aexit__(None, None, None)
        except Exception:  # noqa: BLE001 - one tenant failing to stop must not keep the others running
            log.exception("stopping tenant %s failed", tenant.name)


def seed_tenant(ctx: Context, base_url: str) -> None:
    """Create the tables and load the seed unless this store has it (a tenant's first start). The check and
    the load are one transaction; on PostgreSQL a concurrent seeding by another process makes this one fail
    on a unique key, and the retry then sees the seed."""
    from mockfinra.seed import load_seed

    ctx.store.create_all(upgrade=ctx.settings.db_upgrade_on_start)
    for attempt in (1, 2):
        try:
            with ctx.store.transaction() as db:
                if get_meta(db, "seeded") is None:
                    load_seed(ctx, base_url)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    ctx.ready = True


async def close_tenants(ctx: Context) -> None:
    """Stop every tenant app this process runs (the default app's lifespan ends)."""
    registry = ctx.resources.get(REGISTRY_KEY)
    if registry is not None:
        await registry.close()
