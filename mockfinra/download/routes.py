"""The two download hosts' HTTP layer: `DownloadHandler.ashx` by GET, POST (form) or HEAD.

- API download (apidownload-ntf / download-ntf2, mounted at /apidownload): `Authorization: Bearer`.
- Legacy download (download-ntf, mounted at /download): HTTP Basic user id + password and a client
  certificate (see `legacy.py`).

The handler path is matched case-insensitively, as IIS does for ASP.NET handlers.
"""

from __future__ import annotations

from typing import Callable

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.requests import Request

from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.download import handler, params
from mockfinra.download.caller import Caller, bearer_caller
from mockfinra.download.legacy import legacy_caller
from mockfinra.errors import ClientError
from mockfinra.traqs.ntf_window import check_download

HANDLER = "downloadhandler.ashx"
METHODS = ["GET", "POST", "HEAD"]
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

apidownload_router = APIRouter()
legacy_router = APIRouter()

Sources = list[list[tuple[str, str]]]


async def request_values(request: Request) -> Sources:
    """The query string's parameters and, for a form POST, the form's fields."""
    sources = [list(request.query_params.multi_items())]
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if request.method == "POST" and content_type in FORM_TYPES:
        try:
            form = await request.form()
        except Exception:  # noqa: BLE001 - any unreadable body is the client's error
            raise ClientError(400, "The form body cannot be read; send application/x-www-form-urlencoded fields.") from None
        sources.append([(name, value) for name, value in form.multi_items() if isinstance(value, str)])
    return sources


def check_era(ctx: Context, legacy: bool) -> None:
    """The era decides which host answers: MFA refresh tokens from 2024-07, certificates until January 2025."""
    era = ctx.era
    if legacy and not era.legacy_download:
        raise ClientError(
            403,
            f"Digital certificates for the reference-data API were discontinued in January 2025 (this mock plays the "
            f"{era.name} era). Use an MFA refresh token from TRAQS > API access with the API download host.",
            "certificates_discontinued",
        )
    if not legacy and era.api_access != "refresh_token":
        raise ClientError(
            403,
            f"API access by MFA refresh token is not available in the {era.name} era (FINRA started it on "
            "2024-07-15). Use the legacy download host with your NWSF user id, password and client certificate.",
            "mfa_api_not_available",
        )


def serve(
    ctx: Context,
    request: Request,
    path: str,
    sources: Sources,
    authenticate: Callable[[Context, Session, Request], Caller],
) -> Response:
    if path.strip("/").lower() != HANDLER:
        raise ClientError(404, f"Not found: {request.url.path}. The download handler is DownloadHandler.ashx.", "not_found")
    check_era(ctx, authenticate is legacy_caller)
    with ctx.store.transaction() as db:
        caller = authenticate(ctx, db, request)
        if ctx.settings.ntf_window_enforce:
            check_download(ctx, db, caller.login)
    wanted = params.parse(params.merge(sources))
    handler.check_username(ctx, caller, wanted)
    if wanted.action == "LIST":
        return handler.listing(ctx, request, caller, wanted)
    return handler.download(ctx, request, caller, wanted)


@apidownload_router.api_route("/{path:path}", methods=METHODS, include_in_schema=False)
def api_download(
    path: str,
    request: Request,
    sources: Sources = Depends(request_values),
    ctx: Context = Depends(get_context),
) -> Response:
    return serve(ctx, request, path, sources, bearer_caller)


@legacy_router.api_route("/{path:path}", methods=METHODS, include_in_schema=False)
def legacy_download(
    path: str,
    request: Request,
    sources: Sources = Depends(request_values),
    ctx: Context = Depends(get_context),
) -> Response:
    return serve(ctx, request, path, sources, legacy_caller)
