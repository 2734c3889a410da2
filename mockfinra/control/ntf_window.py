"""`/_mock/ntf-window`: the free NTF testing windows. Start (or restart) one as if the NASDAQ test team
had been notified, read one or all with the day they are on, remove one.

A window belongs to a firm (`firm`), or to a user without a firm; `login` names the window a user falls
under (their firm's). See `mockfinra/traqs/ntf_window.py`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from mockfinra.admin import require_admin
from mockfinra.clock import parse_instant
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import ClientError
from mockfinra.traqs import ntf_window

router = APIRouter(prefix="/ntf-window", dependencies=[Depends(require_admin)], tags=["control"])


class WindowStart(BaseModel):
    """Exactly one of `firm` and `login`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"oneOf": [{"required": ["firm"], "not": {"required": ["login"]}},
                                     {"required": ["login"], "not": {"required": ["firm"]}}]},
    )
    firm: StrictStr = Field(None, description="a firm's name", json_schema_extra={"pattern": r"\S"})
    login: StrictStr = Field(None, description="a user's login (the window of their firm)", json_schema_extra={"pattern": r"\S"})
    startedAt: StrictStr = Field(None, description="ISO-8601 instant the window started (default: now on the mock clock)",
                                 json_schema_extra={"format": "date-time"})


def _one_of(firm: str | None, login: str | None) -> None:
    if (firm is None) == (login is None):
        raise ClientError(400, "Give exactly one of: firm (a firm's name) or login (a user's login).")


def _missing(firm: str | None, login: str | None) -> ClientError:
    whose = f"firm '{firm}'" if firm is not None else f"the firm of user '{login}'"
    return ClientError(404, f"No NTF testing window for {whose}: nobody has notified the NASDAQ test team yet.", "not_found")


@router.get("")
def get_windows(firm: str | None = None, login: str | None = None, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """Every window (`{"windows": [...]}`), or with `firm` or `login` the one window that applies."""
    with ctx.store.transaction() as db:
        if firm is None and login is None:
            return {"windows": [found.json() for found in ntf_window.views(ctx, db)]}
        _one_of(firm, login)
        window = ntf_window.find_window(db, firm=firm, login=login)
        if window is None:
            raise _missing(firm, login)
        return ntf_window.view(ctx, window).json()


@router.post("")
def start_window(change: WindowStart = Body(...), ctx: Context = Depends(get_context)) -> JSONResponse:
    """Start the window of a firm or of a user's firm (201), or restart a running one (200)."""
    _one_of(change.firm, change.login)
    started_at = None
    if change.startedAt is not None:
        try:
            started_at = parse_instant(change.startedAt)
        except ValueError:
            raise ClientError(400, f"startedAt: '{change.startedAt}' is not an ISO-8601 instant.") from None
    with ctx.store.transaction() as db:
        user = ntf_window.known_user(db, change.login) if change.login is not None else None
        existed = ntf_window.find_window(db, firm=change.firm, login=change.login) is not None
        window = ntf_window.start_window(
            ctx, db, user=user, firm=change.firm, started_at=started_at, notified_by="control plane"
        )
        body = ntf_window.view(ctx, window).json()
    return JSONResponse(body, status_code=200 if existed else 201)


@router.delete("", status_code=204)
def delete_window(firm: str | None = None, login: str | None = None, ctx: Context = Depends(get_context)) -> Response:
    """Remove a window: the firm is back to "not notified"."""
    _one_of(firm, login)
    with ctx.store.transaction() as db:
        window = ntf_window.find_window(db, firm=firm, login=login)
        if window is None:
            raise _missing(firm, login)
        db.delete(window)
    return Response(status_code=204)
