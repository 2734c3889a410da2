"""TRAQS portal pages (not built yet: every path answers 501 with a clear message)."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from mockfinra.errors import generic_error

router = APIRouter()


@router.api_route("/{path:path}", methods=["GET", "POST"], include_in_schema=False)
def not_built(path: str) -> HTMLResponse:
    return generic_error("html", 501, "TRAQS (www-ntf.finratraqs.org) is not built yet in this version of mockfinra.")  # type: ignore[return-value]
