"""`DownloadHandler.ashx` after authentication: DOWNLOAD one file, or (mock-only) LIST what the caller may fetch."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from mockfinra.context import Context
from mockfinra.download import catalog
from mockfinra.download.caller import Caller
from mockfinra.download.params import DownloadParams
from mockfinra.download.serving import deliver
from mockfinra.errors import ClientError


def check_username(ctx: Context, caller: Caller, params: DownloadParams) -> None:
    """The optional `username` field must name the token's (or Basic credentials') user."""
    if params.username is None:
        if ctx.settings.download_require_username:
            raise ClientError(400, "Missing parameter 'username': send your TRAQS username with the request.")
        return
    if params.username.strip().lower() != caller.login.lower():
        raise ClientError(
            403,
            f"The username '{params.username}' does not match the user the credentials belong to ({caller.login}).",
            "username_mismatch",
        )


def check_entitlement(caller: Caller, facility: str) -> None:
    if facility not in caller.entitlements:
        held = ", ".join(caller.entitlements) or "none"
        raise ClientError(
            403,
            f"User {caller.login} is not entitled to {facility} reference data (entitlements: {held}). "
            "Ask your administrator to add the entitlement (FINRA Order Form / PDM).",
            "not_entitled",
        )


def download(ctx: Context, request: Request, caller: Caller, params: DownloadParams) -> Response:
    assert params.facility is not None and params.file is not None  # guaranteed by params.parse
    check_entitlement(caller, params.facility)
    spec = catalog.find_spec(ctx, params.facility, params.file)
    now = ctx.clock.now()
    day = catalog.resolve_day(ctx, spec, params.day, now)
    try:
        generated = catalog.refdata(ctx).open(spec, day)
    except ValueError as error:
        raise ClientError(404, f"No {spec.facility} {spec.code} file for {day.isoformat()}: {error}", "no_file") from None
    return deliver(request, generated)


def listing(ctx: Context, request: Request, caller: Caller, params: DownloadParams) -> Response:
    """Every file of the caller's entitled facilities (optionally one facility), with its latest day."""
    if params.facility is not None:
        check_entitlement(caller, params.facility)
    now = ctx.clock.now()
    data = catalog.refdata(ctx)
    rows: list[dict[str, Any]] = []
    for spec in data.files():
        facility = spec.facility.upper()
        if facility not in caller.entitlements or (params.facility and facility != params.facility):
            continue
        if params.file and spec.code.upper() != params.file:
            continue
        dates = data.available_dates(spec, now)
        rows.append(
            {
                "facility": facility,
                "file": spec.code,
                "description": spec.description,
                "latestDate": dates[0].isoformat() if dates else None,
                "availableDates": len(dates),
            }
        )
    if "application/json" in request.headers.get("accept", "").lower():
        return JSONResponse({"user": caller.login, "files": rows})
    return PlainTextResponse(_table(caller, rows))


def _table(caller: Caller, rows: list[dict[str, Any]]) -> str:
    if not rows:
        held = ", ".join(caller.entitlements) or "none"
        return f"No files for {caller.login} (entitlements: {held}).\n"
    header = ("FACILITY", "FILE", "LATEST", "DATES", "DESCRIPTION")
    body = [
        (r["facility"], r["file"], r["latestDate"] or "-", str(r["availableDates"]), r["description"]) for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) if i < 4 else cell for i, cell in enumerate(row)).rstrip() for row in [header, *body]]
    return "\n".join(lines) + "\n"
