"""The admin token that guards the control plane and the Users API when `MOCKFINRA_ADMIN_TOKEN` is set."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from mockfinra.auth_header import BEARER, SSWS, credentials
from mockfinra.errors import ClientError
from mockfinra.security import constant_time_equals


def presented_token(request: HTTPConnection) -> str | None:
    """`Authorization: SSWS <t>` (as Okta; the space is optional), `Authorization: Bearer <t>`, or
    `X-Mock-Token: <t>`."""
    token = credentials(request, SSWS, BEARER)
    if token is not None:
        return token
    return (request.headers.get("x-mock-token") or "").strip() or None


def require_admin(request: HTTPConnection) -> None:
    """FastAPI dependency: passes when no admin token is configured or the right one is presented."""
    expected = request.app.state.settings.admin_token
    if not expected:
        return
    token = presented_token(request)
    if token is None or not constant_time_equals(token, expected):
        raise ClientError(
            401,
            "Invalid token provided: this endpoint needs the admin token "
            "(Authorization: SSWS <token>, Authorization: Bearer <token> or X-Mock-Token).",
            "unauthorized",
            headers={"WWW-Authenticate": 'SSWS realm="mockfinra"'},
        )
