"""Security headers: `nosniff` on every response; CSP, frame and referrer rules on every HTML page.

The pages load their scripts, styles and images from the mock itself (`/static`, no CDN: it works offline)
and have no inline scripts or styles, so the policy is 'self' only; `img-src` adds `data:` (the favicon and
QR codes sent as data URIs) and `form-action` the configured NTF host names (a form on one site may redirect
to another). A response that sets its own `Content-Security-Policy` keeps it (the OAuth `form_post` and
`okta_post_message` pages, which must run one inline script and, for the latter, be framed by the client).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockfinra.links import site_hosts
from mockfinra.settings import Settings

REFERRER_POLICY = b"same-origin"


def page_policy(settings: Settings, inline_styles: bool = False) -> str:
    """The Content-Security-Policy of the HTML pages.

    `inline_styles` is for the inbox alone: an email's HTML part is styled inline (as email must be) and is
    shown in a sandboxed `srcdoc` frame, which inherits the policy of the page that frames it. Scripts stay
    refused there (the frame's sandbox has no `allow-scripts`, and `script-src` is still 'self').
    """
    ntf = " ".join(sorted({f"{host}:*" for hosts in site_hosts(settings).values() for host in hosts}))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'" if inline_styles else "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            f"form-action 'self' {ntf}".strip(),
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.policy = page_policy(settings).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                if b"x-content-type-options" not in present:
                    headers.append((b"x-content-type-options", b"nosniff"))
                content_type = next((value for name, value in headers if name.lower() == b"content-type"), b"")
                if content_type.split(b";")[0].strip().lower() == b"text/html":
                    if b"content-security-policy" not in present:
                        headers.append((b"content-security-policy", self.policy))
                        headers.append((b"x-frame-options", b"DENY"))
                    if b"referrer-policy" not in present:
                        headers.append((b"referrer-policy", REFERRER_POLICY))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
