"""FastAPI dependencies shared by every router (the web layer's side of `mockfinra.context`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from mockfinra.context import Context


def get_context(request: HTTPConnection) -> Context:
    """The app's context."""
    return request.app.state.ctx


ContextDep = Annotated[Context, Depends(get_context)]
