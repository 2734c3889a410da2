"""Browser pages of the MFA service: sign-in, activation, the user home.

The sign-in pages are small scripts that drive the public APIs exactly as Okta's own widget does, so a
trainer's browser and a test's HTTP client exercise the same flows: in the Identity Engine eras (2024, 2026)
`static/idx-signin.js` over IDX (`/idp/idx/*`, the page starts the sign-in and embeds its state handle), in
the 2021 era `static/signin.js` over the classic `/api/v1/authn`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import MockfinraError
from mockfinra.identity.core.events import client_data
from mockfinra.identity.core.sessions import get_active_session
from mockfinra.identity.hosted import HOME_PATH
from mockfinra.identity.idx import flow
from mockfinra.links import Links
from mockfinra.pages import render

router = APIRouter(include_in_schema=False)



def _client(request: Request) -> dict[str, Any]:
    return client_data(request.client.host if request.client else None, request.headers.get("user-agent"))


def _signin_url(request: Request, from_uri: str | None = None) -> str:
    query = f"?{urlencode({'fromURI': from_uri})}" if from_uri else ""
    return Links(request).url("/login/login.htm") + query


@router.get("/")
def root(request: Request, ctx: Context = Depends(get_context)) -> Response:
    """An Okta org's root: the user home with a session, the sign-in page without."""
    with ctx.store.transaction() as db:
        session = get_active_session(ctx, db, request.cookies.get("sid"))
    target = Links(request).url(HOME_PATH) if session else _signin_url(request)
    return RedirectResponse(target, status_code=302)


@router.get("/login/login.htm")
def signin_page(
    request: Request,
    fromURI: str | None = None,  # noqa: N803 - Okta's name
    stateToken: str | None = None,  # noqa: N803
    ctx: Context = Depends(get_context),
) -> Response:
    """The sign-in page of the era; with `stateToken`, the page goes on with that transaction (an enrollment
    started from the account page)."""
    if not ctx.era.identity_engine:
        if stateToken:
            return render(request, "signin/login.html", mode="resume", token=stateToken, from_uri=Links(request).url(HOME_PATH))
        return render(request, "signin/login.html", mode="signin", token=None, from_uri=fromURI or "")
    if stateToken:
        return render(request, "signin/idx.html", mode="signin", state_handle=stateToken)
    with ctx.store.transaction() as db:
        state_handle = flow.start_hosted(ctx, db, fromURI, _client(request)).state_token
    return render(request, "signin/idx.html", mode="signin", state_handle=state_handle)


@router.get("/welcome/{token}")
def activation_page(request: Request, token: str, ctx: Context = Depends(get_context)) -> Response:
    """The invitation email's link: set a password, then enroll factors (activation mode)."""
    if not ctx.era.identity_engine:
        return render(request, "signin/login.html", mode="activate", token=token, from_uri="")
    try:
        with ctx.store.transaction() as db:
            state_handle = flow.start_hosted_activation(ctx, db, token, _client(request)).state_token
    except MockfinraError:
        problem = "This invitation link is invalid, was already used or has expired. Ask your administrator for a new one."
        return render(request, "signin/idx.html", mode="activate", state_handle=None, problem=problem)
    return render(request, "signin/idx.html", mode="activate", state_handle=state_handle)


@router.get("/signin/reset-password/{token}")
def reset_password_page(request: Request, token: str) -> Response:
    """The password-recovery email's link: the widget redeems the token (`/recovery/token`)."""
    return render(request, "signin/login.html", mode="recovery", token=token, from_uri="")


@router.get("/signin/unlock/{token}")
def unlock_page(request: Request, token: str) -> Response:
    """The unlock email's link (ASSUMPTION: Okta's path for it); same widget, recovery mode."""
    return render(request, "signin/login.html", mode="recovery", token=token, from_uri="")
