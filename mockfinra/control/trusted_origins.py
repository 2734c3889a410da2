"""`/_mock/trusted-origins`: list, add and delete trusted origins at runtime (Okta's Security → API →
Trusted Origins). Entries from `MOCKFINRA_TRUSTED_ORIGINS` are listed too (`source: settings`) and cannot
be deleted here. See `mockfinra/identity/core/trusted_origins.py`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from mockfinra.admin import require_admin
from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import ClientError
from mockfinra.identity.core import trusted_origins as origins

router = APIRouter(prefix="/trusted-origins", dependencies=[Depends(require_admin)], tags=["control"])

_STATUS = {"invalid": 400, "duplicate": 409, "not_found": 404, "configured": 409}


class OriginAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")
    origin: str
    name: str | None = None
    #: `CORS` and/or `REDIRECT` (default both)
    scopes: list[str] = Field(default_factory=lambda: list(origins.SCOPES))


def view(entry: origins.OriginEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "name": entry.name,
        "origin": entry.origin,
        "scopes": list(entry.scopes),
        "status": entry.status,
        "source": entry.source,
        "created": isoformat_z(entry.created) if entry.created else None,
        "lastUpdated": isoformat_z(entry.last_updated) if entry.last_updated else None,
    }


def _refused(problem: origins.OriginProblem) -> ClientError:
    return ClientError(_STATUS[problem.kind], str(problem), problem.kind)


@router.get("")
def list_origins(ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """`{"trustedOrigins": [...]}`: the configured ones, then those added at runtime."""
    with ctx.store.transaction() as db:
        return {"trustedOrigins": [view(entry) for entry in origins.all_origins(ctx, db)]}


@router.post("")
def add_origin(change: OriginAdd = Body(...), ctx: Context = Depends(get_context)) -> JSONResponse:
    """Trust an origin from now on (201); one already trusted gets 409."""
    try:
        with ctx.store.transaction() as db:
            entry = origins.add_origin(ctx, db, change.origin, change.scopes, change.name)
    except origins.OriginProblem as problem:
        raise _refused(problem) from None
    return JSONResponse(view(entry), status_code=201)


@router.delete("", status_code=204)
def delete_by_origin(origin: str, ctx: Context = Depends(get_context)) -> Response:
    """`DELETE /_mock/trusted-origins?origin=https://app.example`."""
    try:
        with ctx.store.transaction() as db:
            origins.delete_origin(ctx, db, origins.find_by_origin(ctx, db, origin).id)
    except origins.OriginProblem as problem:
        raise _refused(problem) from None
    return Response(status_code=204)


@router.delete("/{origin_id}", status_code=204)
def delete_by_id(origin_id: str, ctx: Context = Depends(get_context)) -> Response:
    try:
        with ctx.store.transaction() as db:
            origins.delete_origin(ctx, db, origin_id)
    except origins.OriginProblem as problem:
        raise _refused(problem) from None
    return Response(status_code=204)
