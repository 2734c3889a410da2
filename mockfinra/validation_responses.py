"""Request validation errors in each surface's own format (Okta E0000001/E0000003, OAuth, plain text)."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from mockfinra.error_responses import error_response, generic_error
from mockfinra.errors import OktaError, surface_for, validation_error


def validation_response(request: Request, exc: RequestValidationError) -> Response:
    surface = surface_for(request.url.path)
    errors = exc.errors()
    malformed = any(
        e.get("type") == "json_invalid" or (e.get("type") == "missing" and tuple(e.get("loc", ())) == ("body",))
        for e in errors
    )
    causes = []
    fields = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "header", "form")]
        field = ".".join(loc) or "body"
        fields.append(field)
        causes.append(f"{field}: {error.get('msg', 'invalid value')}")
    if surface == "okta":
        if malformed:
            return error_response(OktaError("E0000003"), surface)
        return error_response(validation_error(", ".join(dict.fromkeys(fields)), causes), surface)
    if surface == "oauth":
        return generic_error(surface, 400, "; ".join(causes), "invalid_request")
    message = "The request body is not valid JSON." if malformed else "; ".join(causes)
    return generic_error(surface, 400, message, "invalid_request", scope=request.scope)
