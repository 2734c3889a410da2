"""Download hosts (not built yet: every path answers 501 with a clear plain-text message)."""

from fastapi import APIRouter
from fastapi.responses import Response

from mockfinra.errors import generic_error

apidownload_router = APIRouter()
legacy_router = APIRouter()


@apidownload_router.api_route("/{path:path}", methods=["GET", "POST"], include_in_schema=False)
def apidownload_not_built(path: str) -> Response:
    return generic_error("plain", 501, "The API download host (apidownload-ntf.finratraqs.org) is not built yet.")


@legacy_router.api_route("/{path:path}", methods=["GET", "POST"], include_in_schema=False)
def legacy_not_built(path: str) -> Response:
    return generic_error("plain", 501, "The legacy download host (download-ntf.finratraqs.org) is not built yet.")
