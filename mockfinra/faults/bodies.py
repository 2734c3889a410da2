"""The default body of a fault's status, in the format of the surface the request hit (the envelopes
themselves come from `mockfinra.errors`, the one place that builds them).

ASSUMPTION: what the real hosts send on a 429, 5xx or in a maintenance window is not documented. Okta's
API gets Okta error JSON (429 E0000047 with Okta's `X-Rate-Limit-*` headers, 503 E0000010 as Okta does in
read-only maintenance, other 5xx E0000009), the token endpoint OAuth error JSON, the download hosts plain
text, pages HTML (the maintenance page for `page: "maintenance"`).
"""

from __future__ import annotations

import html
from datetime import datetime
from http import HTTPStatus

from mockfinra.errors import Envelope, Surface, error_envelope, json_envelope, okta_body
from mockfinra.faults.spec import FaultSpec

OKTA_CODES = {429: "E0000047", 503: "E0000010"}
OKTA_SUMMARIES = {
    "E0000047": "API call exceeded rate limit due to too many requests.",
    "E0000010": "Service is in read only mode",
    "E0000009": "Internal Server Error",
}
OAUTH_ERRORS = {429: "rate_limit_exceeded", 503: "temporarily_unavailable", 504: "temporarily_unavailable"}
#: default Retry-After (seconds) of a 429 without `retry_after`
DEFAULT_RETRY_AFTER = 1

MAINTENANCE_TITLE = "Scheduled maintenance"
MAINTENANCE_TEXT = (
    "The NTF environment is unavailable during a scheduled maintenance window. "
    "Please try again later."
)


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def fault_envelope(spec: FaultSpec, surface: Surface, now: datetime) -> Envelope:
    """The response of a `status` fault: its own body and headers, or the surface's default error body."""
    status = spec.status or 500
    headers = _default_headers(spec, status, now)
    headers.update(spec.headers)
    if spec.body is not None:
        if isinstance(spec.body, str):
            media = headers.pop("Content-Type", None) or headers.pop("content-type", None) or _text_type(surface)
            return Envelope(status, spec.body.encode("utf-8"), media, headers)
        return json_envelope(spec.body, status, headers)  # type: ignore[arg-type]
    message = spec.message or (MAINTENANCE_TEXT if spec.page == "maintenance" else reason(status))
    if surface == "okta":
        code = OKTA_CODES.get(status, "E0000009" if status >= 500 else "E0000001")
        summary = spec.message or OKTA_SUMMARIES.get(code, message)
        return json_envelope(okta_body(code, summary), status, headers)
    if surface == "oauth":
        error = OAUTH_ERRORS.get(status, "server_error" if status >= 500 else "invalid_request")
        return json_envelope({"error": error, "error_description": message}, status, headers)
    if surface == "html" and spec.page == "maintenance":
        return Envelope(status, maintenance_page(message).encode("utf-8"), "text/html; charset=utf-8", headers)
    return error_envelope(surface, status, message, reason(status).lower().replace(" ", "_"), headers)


def _default_headers(spec: FaultSpec, status: int, now: datetime) -> dict[str, str]:
    headers: dict[str, str] = {}
    retry_after = spec.retry_after
    if retry_after is None and status == 429:
        retry_after = DEFAULT_RETRY_AFTER
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    if status == 429:
        reset = int(now.timestamp()) + (retry_after or 0)
        headers.update({"X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": str(reset)})
    return headers


def _text_type(surface: Surface) -> str:
    if surface in ("okta", "oauth", "idx", "mock"):
        return "application/json"
    return "text/plain; charset=utf-8" if surface == "plain" else "text/html; charset=utf-8"


def maintenance_page(message: str) -> str:
    """A maintenance page in the hosted pages' style (their stylesheet, no script, no CDN)."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{MAINTENANCE_TITLE} · FINRA NTF</title><link rel='icon' href='data:,'>"
        "<link rel='stylesheet' href='/static/mockfinra.css'></head><body class='error-page'>"
        "<main class='card' aria-labelledby='maintenance-title'>"
        f"<h1 id='maintenance-title'>{MAINTENANCE_TITLE}</h1>"
        f"<p>{html.escape(message)}</p>"
        "<p>FINRA and NASDAQ systems in the NTF (NASDAQ Testing Facility) environment, including the NASDAQ "
        "MFA sign-in, TRAQS and the reference-data download hosts, will be back when the window ends.</p>"
        "<p class='muted'>Status 503 · Service Unavailable</p></main></body></html>"
    )
