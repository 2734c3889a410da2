"""`/_mock/tenants` on the default world: create, list, look up and delete tenants (docs/tenants.md).

`POST` is idempotent: 201 with a new tenant, 200 with the one that exists (a CI fleet's workers may race to
create it). A tenant's own control plane has no `/_mock/tenants` (404 pointing at the default world).
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from mockfinra.admin import require_admin
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import ClientError
from mockfinra.links import Links
from mockfinra.tenants.book import TenantRecord
from mockfinra.tenants.names import NAME_PATTERN
from mockfinra.tenants.registry import TenantLimitReached, TenantRegistry, TenantsOff, tenant_of
from mockfinra.tenants.storage import UnsupportedStore


def default_world_only(ctx: Context = Depends(get_context)) -> None:
    if tenant_of(ctx) is not None:
        raise ClientError(
            404,
            "Tenants are managed on the default world: /_mock/tenants without a /t/{name} prefix or header.",
            "not_found",
        )


router = APIRouter(
    prefix="/tenants", dependencies=[Depends(require_admin), Depends(default_world_only)], tags=["control"]
)

NAME_PATH = Path(..., pattern=NAME_PATTERN, description="the tenant's name")


class TenantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(
        None,
        pattern=NAME_PATTERN,
        description="1 to 40 of a-z, 0-9 and '-', not starting with '-' (default: a new random name)",
    )


def view(record: TenantRecord, request: Request) -> dict[str, Any]:
    """The tenant and its base URL on this host (path-style: `/t/{name}`); `X-Mock-Tenant: {name}` also selects it."""
    return {
        **record.as_json(),
        "url": f"{Links(request).origin()}/t/{record.name}",
        "header": {"X-Mock-Tenant": record.name},
    }


def _refused(problem: Exception, ctx: Context) -> ClientError:
    if isinstance(problem, TenantsOff):
        return ClientError(404, "Tenants are turned off on this server (MOCKFINRA_MAX_TENANTS=0).", "tenants_off")
    if isinstance(problem, TenantLimitReached):
        return ClientError(
            409,
            f"There are {ctx.settings.max_tenants} tenants already (MOCKFINRA_MAX_TENANTS): delete one first.",
            "too_many_tenants",
        )
    return ClientError(501, str(problem), "tenants_unsupported")


@router.get("")
async def list_tenants(request: Request, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """`{"tenants": [...], "maxTenants": n}`: every tenant of this instance (all worker processes), by name."""
    records = await run_in_threadpool(TenantRegistry.of(ctx).records)
    return {"tenants": [view(record, request) for record in records], "maxTenants": ctx.settings.max_tenants}


@router.post("")
async def create_tenant(
    request: Request, change: TenantCreate | None = Body(None), ctx: Context = Depends(get_context)
) -> JSONResponse:
    """Create a tenant (201; seeded like a fresh start), or return the existing one of that name (200)."""
    name = (change.name if change else None) or "t-" + secrets.token_hex(5)
    try:
        tenant, created = await TenantRegistry.of(ctx).open(name, f"{Links(request).origin()}/t/{name}")
    except (TenantsOff, TenantLimitReached, UnsupportedStore) as problem:
        raise _refused(problem, ctx) from None
    return JSONResponse({**view(tenant.record, request), "created": created}, status_code=201 if created else 200)


@router.get("/{name}")
async def get_tenant(request: Request, name: str = NAME_PATH, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """One tenant; 404 when there is none of that name (a request to it would create it)."""
    record = await run_in_threadpool(TenantRegistry.of(ctx).record, name)
    if record is None:
        raise ClientError(404, f"No tenant {name!r}.", "not_found")
    return view(record, request)


@router.delete("/{name}", status_code=204)
async def delete_tenant(name: str = NAME_PATH, ctx: Context = Depends(get_context)) -> Response:
    """Delete a tenant as a whole: its app stops, its store (file or schema) is dropped. A later request to it
    creates it again, empty and freshly seeded. 404 when there is none of that name."""
    if not await TenantRegistry.of(ctx).delete(name):
        raise ClientError(404, f"No tenant {name!r}.", "not_found")
    return Response(status_code=204)
