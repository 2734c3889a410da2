"""Health, readiness, reset, the mock clock and the state dump."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictStr

from mockfinra import __version__
from mockfinra.admin import require_admin
from mockfinra.clock import ClockRangeError, check_supported, isoformat_z, parse_instant, shifted
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.eras import PROFILES
from mockfinra.errors import ClientError
from mockfinra.links import Links
from mockfinra.seed import reset_state
from mockfinra.shared_state import shared_state
from mockfinra.store.base import STATE_VERSION

router = APIRouter()

TEN_YEARS = 10 * 365 * 86400


@router.get("/health")
def health() -> dict[str, Any]:
    """Alive: answers as soon as the process serves HTTP."""
    return {"status": "ok", "version": __version__}


@router.get("/ready")
def ready(ctx: Context = Depends(get_context)) -> JSONResponse:
    """Ready: 200 once the seed is loaded, 503 before (and during a reset)."""
    if ctx.ready:
        return JSONResponse({"ready": True})
    return JSONResponse({"ready": False, "message": "loading the seed"}, status_code=503)


@router.post("/reset", dependencies=[Depends(require_admin)])
def reset(request: Request, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """Wipe every table, put the clock back to its configured start and reload the seed (the seeded
    PROVISIONED users are sent their invitation again)."""
    users = reset_state(ctx, Links(request).base("mfa"))
    return {"reset": True, "users": users, "clock": ctx.clock.snapshot()}


class ClockChange(BaseModel):
    """Strict: `{"freeze": "no"}` or `{"advance": "5"}` is a 400, not a guess; null is not a value."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})
    advance: StrictFloat = Field(None, description="seconds, within ten years either way",
                                 json_schema_extra={"minimum": -TEN_YEARS, "maximum": TEN_YEARS})
    set: StrictStr = Field(None, description="an ISO-8601 instant", json_schema_extra={"format": "date-time"})
    freeze: StrictBool = Field(None, description="true stops the clock, false lets it run")


@router.get("/clock", dependencies=[Depends(require_admin)])
def get_clock(ctx: Context = Depends(get_context)) -> dict[str, Any]:
    return ctx.clock.snapshot()


@router.post("/clock", dependencies=[Depends(require_admin)])
def change_clock(change: ClockChange = Body(...), ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """Apply `freeze`, then `set`, then `advance` (any combination, at least one)."""
    if change.advance is None and change.set is None and change.freeze is None:
        raise ClientError(400, "Give at least one of: advance (seconds), set (ISO-8601), freeze (true|false).")
    moment = None
    if change.set is not None:
        try:
            moment = parse_instant(change.set)
        except (ValueError, OverflowError):
            raise ClientError(400, f"set: '{change.set}' is not an ISO-8601 instant.") from None
    if change.advance is not None and not -TEN_YEARS <= change.advance <= TEN_YEARS:
        raise ClientError(400, "advance: must be within ten years either way (seconds).")
    # the instants the change goes through, checked before anything changes
    try:
        if moment is not None:
            check_supported(moment)
    except ClockRangeError as error:
        raise ClientError(400, f"set: {error}") from None
    with shared_state(ctx).changing():  # several workers: under the shared row's lock, from its state
        try:
            if change.advance is not None:
                shifted(moment or ctx.clock.now(), change.advance)
        except ClockRangeError as error:
            raise ClientError(400, f"advance: {error}") from None
        if change.freeze is not None:
            ctx.clock.freeze(change.freeze)
        if moment is not None:
            ctx.clock.set(moment)
        if change.advance is not None:
            ctx.clock.advance(change.advance)
    return ctx.clock.snapshot()


class EraChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    era: Literal["2021", "2024", "2026"] | None = None


def era_json(ctx: Context) -> dict[str, Any]:
    era = ctx.era
    return {
        "era": era.name,
        "configured": ctx.settings.era,
        "pipeline": era.pipeline,
        "summary": era.summary,
        "retiredFactorTypes": list(era.retired_factor_types),
        "apiAccess": era.api_access,
        "legacyDownload": era.legacy_download,
        "lockoutThreshold": era.lockout_threshold,
        "hosts": {"traqs": era.traqs_host, "apidownload": era.apidownload_host},
        "eras": {name: profile.summary for name, profile in PROFILES.items()},
    }


@router.get("/era", dependencies=[Depends(require_admin)])
def get_era(ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """The era in force (see mockfinra/eras.py) and what it changes."""
    return era_json(ctx)


@router.post("/era", dependencies=[Depends(require_admin)])
def change_era(change: EraChange = Body(...), ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """Switch the era at runtime (`{"era": "2021"}`); `{"era": null}` goes back to `MOCKFINRA_ERA`. A reset
    also goes back to it."""
    with shared_state(ctx).changing():
        ctx.era_override = change.era
    return era_json(ctx)


@router.get("/state", dependencies=[Depends(require_admin)])
def state(ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """A versioned dump of the store. Hashes, token digests and secrets are left out."""
    return {
        "version": STATE_VERSION,
        "generatedAt": isoformat_z(ctx.clock.now()),
        "clock": ctx.clock.snapshot(),
        **ctx.store.dump(),
    }
