"""`/_mock/faults`: inject faults (or a named preset), list them, delete one or all. See docs/faults.md."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from mockfinra.admin import require_admin
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import ClientError
from mockfinra.faults.book import book
from mockfinra.faults.presets import PresetOptions, describe, preset_specs
from mockfinra.faults.spec import FaultSpec

router = APIRouter(prefix="/faults", tags=["faults"], dependencies=[Depends(require_admin)])


def _invalid(error: ValidationError) -> ClientError:
    causes = []
    for item in error.errors():
        where = ".".join(str(part) for part in item.get("loc", ()))
        message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
        causes.append(f"{where}: {message}" if where else message)
    return ClientError(400, "Invalid fault: " + "; ".join(causes), "invalid_fault")


def _create(ctx: Context, raw: Any) -> JSONResponse:
    if not isinstance(raw, dict):
        raise ClientError(400, "Invalid fault: give a JSON object (a fault, or {\"preset\": name}).", "invalid_fault")
    try:
        if "preset" in raw:
            options = PresetOptions.model_validate(raw)
            try:
                specs = preset_specs(options)
            except ValueError as unknown:
                raise ClientError(400, f"Invalid fault: {unknown}", "invalid_fault") from None
            created = book(ctx).create(specs, preset=options.preset)
            return JSONResponse({"preset": options.preset, "faults": created}, status_code=201)
        spec = FaultSpec.model_validate(raw)
    except ValidationError as error:
        raise _invalid(error) from None
    return JSONResponse(book(ctx).create([spec])[0], status_code=201)


@router.post("", status_code=201)
async def create_fault(raw: Any = Body(...), ctx: Context = Depends(get_context)) -> JSONResponse:
    """A fault (`site`, `method`, `path`, `params`, `user`, `skip`, `times`, `probability`, and one action:
    `status`, `delay_ms`, `drop`, `truncate_bytes` or `slow`), or `{"preset": name}`. 201 with its `id`."""
    return await run_in_threadpool(_create, ctx, raw)


@router.get("")
def list_faults(ctx: Context = Depends(get_context)) -> list[dict[str, Any]]:
    """Every fault, oldest first, with its `state` (active, spent, expired) and counters."""
    return book(ctx).listing()


@router.get("/presets")
def presets() -> list[dict[str, Any]]:
    return describe()


@router.get("/{fault_id}")
def one_fault(fault_id: str, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    return book(ctx).get(fault_id)


@router.delete("/{fault_id}")
def delete_fault(fault_id: str, ctx: Context = Depends(get_context)) -> dict[str, int]:
    return {"deleted": book(ctx).delete(fault_id)}


@router.delete("")
def delete_all(ctx: Context = Depends(get_context)) -> dict[str, int]:
    return {"deleted": book(ctx).delete()}
