"""The inbox for trainers (Mailpit is the anchor): `GET /_mock/inbox[?to=address]`.

The page holds no data (so it loads without the admin token); its script reads the captured emails from
`/_mock/messages?channel=email` and follows `/_mock/messages/stream`, sending the admin token as
`X-Mock-Token` when one is configured.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mockfinra.middleware.security_headers import page_policy
from mockfinra.pages import render

router = APIRouter(prefix="/inbox", tags=["inbox"])


@router.get("", response_class=HTMLResponse, include_in_schema=False)
def inbox_page(request: Request, to: str | None = None) -> HTMLResponse:
    settings = request.app.state.settings
    page = render(
        request, "mock/inbox.html", active="inbox", to=(to or "").strip(), sender=settings.smtp_from,
        admin_required=bool(settings.admin_token),
    )
    page.headers["Content-Security-Policy"] = page_policy(settings, inline_styles=True)
    page.headers["X-Frame-Options"] = "DENY"
    return page
