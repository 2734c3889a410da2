"""What every `/api/v1/authn` router shares: the request bodies' base, and one way to answer a step.

Request bodies allow extra fields (okta-auth-js sends `options`, `context` and more) and take numbers as
text (some clients send passCode as a number).
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.identity.classic.render import render_result
from mockfinra.identity.core.events import client_data
from mockfinra.identity.core.factors import FactorInput
from mockfinra.links import Links

NO_STORE = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache"}


def numbers_as_text(schema: dict[str, Any]) -> None:
    """The published schema says what the model accepts: a text field takes a number too."""
    for prop in schema.get("properties", {}).values():
        for branch in prop.get("anyOf", [prop]):
            if branch.get("type") == "string" and not branch.get("pattern"):
                branch["type"] = ["string", "number"]


class Body(BaseModel):
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True, json_schema_extra=numbers_as_text)


class StateBody(Body):
    stateToken: str


def factor_input(request: Request, body: BaseModel) -> FactorInput:
    """A classic request in the factors' words: `passCode`, `answer` and `profile` of the body."""
    values = body.model_dump()
    profile = values.get("profile")
    return FactorInput(
        passcode=_text(values.get("passCode")),
        answer=_text(values.get("answer")),
        profile=dict(profile) if isinstance(profile, dict) else {},
        malformed=("profile",) if profile is not None and not isinstance(profile, dict) else (),
        client_ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        base_url=Links(request).base(),
    )


def client_of(request: Request) -> dict[str, Any]:
    """Who is calling, as the sign-in events record it."""
    return client_data(request.client.host if request.client else None, request.headers.get("user-agent"))


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value)


def respond(ctx: Context, request: Request, run: Callable[[Session], Any]) -> JSONResponse:
    """Run one step in a store transaction and render its result inside it."""
    with ctx.store.transaction() as db:
        body = render_result(ctx, Links(request), run(db))
    return JSONResponse(body, headers=NO_STORE)
