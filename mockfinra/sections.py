"""Sections of the route table that are imported and built when a request first needs them.

FastAPI analyses every route when it is added (a pydantic adapter per parameter), and the modules behind a
site import what it serves: at launch that work is most of the time to the first answered request. A section
whose paths are all under its own prefixes (the control plane, TRAQS, the download hosts) is therefore
installed on the first request to one of them (`middleware/lazy_sections.py`, on the dispatched path), or by
`ensure_all` when the whole table is needed (the OpenAPI document). The MFA service's routes are built at
once: the first sign-in needs them, and their paths share prefixes with no other section.

A section's routes are appended to the app's flat list (mockfinra/flat_routes.py): its paths are disjoint
from every other section's, so where they go in the list changes no match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from fastapi import FastAPI

#: the app's sections, on `app.state`
STATE_KEY = "lazy_sections"


@dataclass
class Section:
    """Routes that `install` adds to the app, owning every path equal to or below one of `prefixes`."""

    name: str
    prefixes: tuple[str, ...]
    install: Callable[[FastAPI], None]
    installed: bool = field(default=False, init=False)

    def owns(self, path: str) -> bool:
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.prefixes)


def add_lazy(app: FastAPI, section: Section) -> None:
    sections: list[Section] = getattr(app.state, STATE_KEY, None) or []
    sections.append(section)
    setattr(app.state, STATE_KEY, sections)


def _pending(app: FastAPI) -> list[Section]:
    return [section for section in getattr(app.state, STATE_KEY, None) or [] if not section.installed]


def _install(app: FastAPI, section: Section) -> None:
    # flagged first: installing never runs twice, even if it raised (the error then shows on every request)
    section.installed = True
    static = [route for route in app.router.routes if getattr(route, "path", None) == "/static"]
    for route in static:  # the static mount stays last, as it was added
        app.router.routes.remove(route)
    try:
        section.install(app)
    finally:
        app.router.routes.extend(static)


def ensure_for(app: FastAPI, path: str) -> None:
    """Install the section that owns `path`, if it is not yet (called on the event loop, so never twice)."""
    for section in _pending(app):
        if section.owns(path):
            _install(app, section)


def ensure_all(app: FastAPI) -> None:
    for section in _pending(app):
        _install(app, section)
