"""Okta's Trusted Origins API (`/api/v1/trustedOrigins`): list, create, get, replace, delete, activate and
deactivate, guarded like the Users API (`Authorization: SSWS <admin token>` when one is set). The same list as
`/_mock/trusted-origins` (mockfinra/identity/core/trusted_origins.py); entries from MOCKFINRA_TRUSTED_ORIGINS
are listed but cannot be changed.

ASSUMPTION: `createdBy`/`lastUpdatedBy` name a fixed admin id; `IFRAME_EMBED` scopes are refused (no pages of
this mock are framed); `q` matches name or origin, `limit`/`after` page by id order as listed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse, Response

from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import OktaError, not_found
from mockfinra.identity.classic.paths import TRUSTED_ORIGIN, TRUSTED_ORIGINS
from mockfinra.identity.classic.users_routes import require_api_token
from mockfinra.identity.core import trusted_origins as origins
from mockfinra.links import Links

#: ASSUMPTION: the admin every trusted origin is created and updated by
ADMIN_ID = "00umockfinraAdmin001"

router = APIRouter(tags=["Okta Trusted Origins API"], dependencies=[Depends(require_api_token)])


def origin_json(entry: origins.OriginEntry, links: Links) -> dict[str, Any]:
    path = TRUSTED_ORIGIN.format(id=entry.id)
    lifecycle = "deactivate" if entry.status == "ACTIVE" else "activate"
    return {
        "id": entry.id,
        "name": entry.name,
        "origin": entry.origin,
        "scopes": [{"type": scope} for scope in entry.scopes],
        "status": entry.status,
        "created": isoformat_z(entry.created) if entry.created else None,
        "createdBy": ADMIN_ID,
        "lastUpdated": isoformat_z(entry.last_updated) if entry.last_updated else None,
        "lastUpdatedBy": ADMIN_ID,
        "_links": {
            "self": {"href": links.url(path), "hints": {"allow": ["GET", "PUT", "DELETE"]}},
            lifecycle: links.hal(f"{path}/lifecycle/{lifecycle}"),
        },
    }


def _okta_error(problem: origins.OriginProblem, origin_id: str = "") -> OktaError:
    if problem.kind == "not_found":
        return not_found(f"Resource not found: {origin_id} (TrustedOrigin)")
    if problem.kind == "duplicate":
        return OktaError("E0000001", problem.field, [f"{problem.field}: An object with this field already exists"])
    return OktaError("E0000001", problem.field, [f"{problem.field}: {problem}"])


def _scope_types(body: dict[str, Any]) -> list[str]:
    scopes = body.get("scopes")
    if not isinstance(scopes, list) or not all(isinstance(s, dict) and isinstance(s.get("type"), str) for s in scopes):
        raise OktaError("E0000001", "scopes", ["scopes: a list of {\"type\": \"CORS\"|\"REDIRECT\"}"])
    return [scope["type"] for scope in scopes]


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise OktaError("E0000001", name, [f"{name}: The field cannot be left blank"])
    return value


@router.get(TRUSTED_ORIGINS)
def list_origins(
    request: Request, q: str | None = None, limit: int = 20, after: str | None = None,
    ctx: Context = Depends(get_context),
) -> JSONResponse:
    with ctx.store.transaction() as db:
        found = origins.all_origins(ctx, db)
    if q:
        needle = q.lower()
        found = [e for e in found if needle in e.name.lower() or needle in e.origin.lower()]
    if after:
        ids = [e.id for e in found]
        found = found[ids.index(after) + 1:] if after in ids else []
    links = Links(request)
    return JSONResponse([origin_json(e, links) for e in found[: max(1, min(limit, 200))]])


@router.post(TRUSTED_ORIGINS)
def create_origin(request: Request, body: dict[str, Any] = Body(...), ctx: Context = Depends(get_context)) -> JSONResponse:
    name, origin, scopes = _text(body, "name"), _text(body, "origin"), _scope_types(body)
    try:
        with ctx.store.transaction() as db:
            entry = origins.add_origin(ctx, db, origin, scopes, name)
    except origins.OriginProblem as problem:
        raise _okta_error(problem) from None
    return JSONResponse(origin_json(entry, Links(request)))


@router.get(TRUSTED_ORIGIN)
def get_origin(request: Request, id: str, ctx: Context = Depends(get_context)) -> JSONResponse:  # noqa: A002
    try:
        with ctx.store.transaction() as db:
            entry = origins.get_origin(ctx, db, id)
    except origins.OriginProblem as problem:
        raise _okta_error(problem, id) from None
    return JSONResponse(origin_json(entry, Links(request)))


@router.put(TRUSTED_ORIGIN)
def replace_origin(
    request: Request, id: str, body: dict[str, Any] = Body(...), ctx: Context = Depends(get_context)  # noqa: A002
) -> JSONResponse:
    name, origin, scopes = _text(body, "name"), _text(body, "origin"), _scope_types(body)
    try:
        with ctx.store.transaction() as db:
            entry = origins.update_origin(ctx, db, id, origin=origin, scopes=scopes, name=name)
    except origins.OriginProblem as problem:
        raise _okta_error(problem, id) from None
    return JSONResponse(origin_json(entry, Links(request)))


@router.delete(TRUSTED_ORIGIN, status_code=204)
def delete_origin(id: str, ctx: Context = Depends(get_context)) -> Response:  # noqa: A002
    try:
        with ctx.store.transaction() as db:
            origins.delete_origin(ctx, db, id)
    except origins.OriginProblem as problem:
        raise _okta_error(problem, id) from None
    return Response(status_code=204)


@router.post(TRUSTED_ORIGIN + "/lifecycle/{action}")
def change_status(request: Request, id: str, action: str, ctx: Context = Depends(get_context)) -> JSONResponse:  # noqa: A002
    statuses = {"activate": "ACTIVE", "deactivate": "INACTIVE"}
    if action not in statuses:
        raise not_found(f"Resource not found: {action}")
    try:
        with ctx.store.transaction() as db:
            entry = origins.update_origin(ctx, db, id, status=statuses[action])
    except origins.OriginProblem as problem:
        raise _okta_error(problem, id) from None
    return JSONResponse(origin_json(entry, Links(request)))
