"""The one place that builds error envelopes, in the format of the surface a request hit.

Surfaces: Okta error JSON on `/api/...`, OAuth 2.0 error JSON on `/oauth2/...`, IDX messages on
`/idp/...` (the Identity Engine), control-plane JSON on `/_mock/...`, plain text on the download hosts and
HTML on pages.

Domain code raises one of the exception classes below. An exception with `commit=True` keeps what the
request already wrote to the store (a failed-attempt counter, a lockout) although the request fails;
every other error rolls the request's changes back so that state stays intact.

Nothing here knows HTTP frameworks (the domain raises these errors): an error becomes an `Envelope`
(status, body, media type, headers), which `mockfinra.error_responses` turns into a response.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Literal

from mockfinra.security import new_id

Surface = Literal["okta", "oauth", "mock", "plain", "html", "idx"]


@dataclass(frozen=True)
class Envelope:
    """An error as it goes on the wire: status, encoded body, media type and extra headers."""

    status: int
    body: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


def json_envelope(body: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> Envelope:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Envelope(status, text.encode("utf-8"), "application/json", dict(headers or {}))


class MockfinraError(Exception):
    """Base for every error that becomes a response."""

    status: int = 400
    commit: bool = False
    headers: dict[str, str] | None = None

    def envelope(self, surface: Surface, home: str = "/") -> Envelope:
        raise NotImplementedError


# --- Okta -------------------------------------------------------------------------------------------

OKTA_ERRORS: dict[str, tuple[int, str]] = {
    "E0000001": (400, "Api validation failed: {0}"),
    "E0000003": (400, "The request body was not well-formed."),
    "E0000004": (401, "Authentication failed"),
    "E0000005": (403, "Invalid session"),
    "E0000006": (403, "You do not have permission to perform the requested action"),
    "E0000007": (404, "Not found: {0}"),
    "E0000009": (500, "Internal Server Error"),
    "E0000011": (401, "Invalid token provided"),
    "E0000014": (403, "Update of credentials failed"),
    "E0000016": (403, "Activation failed because the user is already active"),
    "E0000022": (405, "The endpoint does not support the provided HTTP method"),
    "E0000029": (400, "Invalid paging request. Ensure the pagination cursor has not been altered"),
    "E0000031": (400, "Bad request. Invalid filter parameter."),
    "E0000032": (403, "Unlock is not allowed for this user."),
    "E0000033": (400, "Bad request. Can't specify a search query and filter in the same request."),
    "E0000038": (403, "This operation is not allowed in the user's current status."),
    "E0000047": (429, "API call exceeded rate limit due to too many requests."),
    "E0000064": (401, "Password is expired and must be changed."),
    "E0000068": (403, "Invalid Passcode/Answer"),
    "E0000069": (403, "User Locked"),
    "E0000079": (403, "This operation is not allowed in the current authentication state."),
    "E0000080": (403, "The password does not meet the complexity requirements of the current password policy."),
    "E0000087": (403, "The recovery question answer did not match our records."),
    "E0000095": (403, "Recovery not allowed for unknown user."),
    "E0000109": (429, "An SMS message was recently sent. Please wait 30 seconds before trying again."),
    "E0000119": (403, "Your account is locked. Please contact your administrator."),
    "E0000133": (429, "A phone call was recently made. Please wait 30 seconds before trying again."),
    "E0000413": (413, "Request body too large."),
}


def okta_body(code: str, summary: str, causes: Iterable[str] = ()) -> dict[str, Any]:
    return {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": new_id("oae", 25),
        "errorCauses": [{"errorSummary": cause} for cause in causes],
    }


class OktaError(MockfinraError):
    """An Okta API error: `OktaError("E0000007", "User")` → 404 "Not found: User"."""

    def __init__(
        self,
        code: str,
        detail: str = "",
        causes: Iterable[str] = (),
        *,
        status: int | None = None,
        summary: str | None = None,
        commit: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        default_status, template = OKTA_ERRORS[code]
        self.code = code
        self.status = status or default_status
        self.summary = summary or template.replace("{0}", detail)
        self.causes = list(causes)
        self.commit = commit
        self.headers = headers
        super().__init__(f"{code} {self.summary}")

    def envelope(self, surface: Surface, home: str = "/") -> Envelope:
        if surface == "okta":
            return json_envelope(okta_body(self.code, self.summary, self.causes), self.status, self.headers)
        return error_envelope(surface, self.status, self.summary, self.code, self.headers, self.causes, home)


def validation_error(what: str, causes: Iterable[str]) -> OktaError:
    """400 E0000001 "Api validation failed: <what>" with one cause per field."""
    return OktaError("E0000001", what, causes)


def invalid_state() -> OktaError:
    summary = OKTA_ERRORS["E0000079"][1]
    return OktaError("E0000079", causes=[summary])


def invalid_token() -> OktaError:
    return OktaError("E0000011")


def not_found(what: str) -> OktaError:
    return OktaError("E0000007", what)


# --- OAuth 2.0 --------------------------------------------------------------------------------------


class OAuthError(MockfinraError):
    """RFC 6749 error: `{"error": "invalid_grant", "error_description": "..."}`."""

    def __init__(
        self,
        error: str,
        description: str,
        status: int = 400,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.error = error
        self.description = description
        self.status = status
        self.headers = headers
        super().__init__(f"{error}: {description}")

    def envelope(self, surface: Surface, home: str = "/") -> Envelope:
        if surface in ("oauth", "okta", "mock"):
            body = {"error": self.error, "error_description": self.description}
            return json_envelope(body, self.status, self.headers)
        return error_envelope(surface, self.status, self.description, self.error, self.headers, home=home)


# --- everything else --------------------------------------------------------------------------------


class ClientError(MockfinraError):
    """An error for the control plane, the download hosts and pages; rendered per surface."""

    def __init__(
        self,
        status: int,
        message: str,
        error: str = "bad_request",
        headers: dict[str, str] | None = None,
        commit: bool = False,
    ) -> None:
        self.status = status
        self.message = message
        self.error = error
        self.headers = headers
        self.commit = commit
        super().__init__(message)

    def envelope(self, surface: Surface, home: str = "/") -> Envelope:
        return error_envelope(surface, self.status, self.message, self.error, self.headers, home=home)


def error_envelope(
    surface: Surface,
    status: int,
    message: str,
    error: str = "error",
    headers: dict[str, str] | None = None,
    causes: Iterable[str] = (),
    home: str = "/",
) -> Envelope:
    """A status, a message and its causes in the given surface's own format; an HTML page links back to
    `home` (the sign-in page of the world it was served in: `/t/{name}/` for a tenant chosen by the path)."""
    causes = list(causes)
    if causes and surface != "okta":
        message = f"{message} ({'; '.join(causes)})"
    if surface == "okta":
        code = {
            401: "E0000011", 403: "E0000006", 404: "E0000007", 405: "E0000022", 413: "E0000413", 500: "E0000009"
        }.get(status, "E0000001")
        return json_envelope(okta_body(code, message, causes), status, headers)
    if surface == "oauth":
        return json_envelope({"error": error, "error_description": message}, status, headers)
    if surface == "idx":
        item = {"message": message, "i18n": {"key": f"errors.{error}"}, "class": "ERROR"}
        return json_envelope({"version": "1.0.0", "messages": {"type": "array", "value": [item]}}, status, headers)
    if surface == "mock":
        body: dict[str, Any] = {"error": error, "message": message}
        if causes:
            body["causes"] = causes
        return json_envelope(body, status, headers)
    if surface == "plain":
        text = f"Error {status}: {message}\n"
        return Envelope(status, text.encode("utf-8"), "text/plain; charset=utf-8", dict(headers or {}))
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Error</title>"
        "<link rel='icon' type='image/svg+xml' href='/favicon.ico'>"
        "<link rel='stylesheet' href='/static/mockfinra.css'></head><body class='error-page'>"
        f"<main class='card'><h1>{status}</h1><p>{html.escape(message)}</p>"
        f"<p><a href='{html.escape(home, quote=True)}'>Back to sign-in</a></p></main></body></html>"
    )
    return Envelope(status, page.encode("utf-8"), "text/html; charset=utf-8", dict(headers or {}))


def surface_for(path: str) -> Surface:
    """Which error format a request path gets."""
    segments = path.split("/", 2)
    first = segments[1] if len(segments) > 1 else ""
    if first == "api":
        return "okta"
    if first == "oauth2":
        return "oauth"
    if first == "_mock":
        return "mock"
    if first == "idp" or path == "/.well-known/okta-organization":
        return "idx"
    if first in ("apidownload", "download"):
        return "plain"
    return "html"
