"""The screen walk's machinery (tests/test_browser_walk.py): one `Screen` per screen (or path of screens), a
`Tour` that drives a page through it and checks every screen on the way.

Each check (`Tour.check`) is `browser_support.check_screen` (visible text, no foreign request, axe-core) at
900 px, then the same screen at a 390 px phone width must not scroll sideways. With MOCKFINRA_SCREENSHOTS set,
the screens named as README pictures are saved there, 1000 px wide (scripts/screenshots.sh); with
MOCKFINRA_WALK_SCREENS set, every checked screen is saved there (to look them over).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import httpx
from browser_support import check_screen, wait_for_js, watch

from mockfinra.testing import MockfinraServer

PASSWORD = "Ntf-Demo-2026"
DESKTOP = {"width": 900, "height": 900}
PHONE = {"width": 390, "height": 844}
PICTURE_WIDTH = 1000
PICTURE_HEIGHT = 720
PICTURE_MAX_HEIGHT = 920
PICTURES = os.environ.get("MOCKFINRA_SCREENSHOTS")
#: a folder for a picture of every screen the walk checks (to look them over)
EVERY_SCREEN = os.environ.get("MOCKFINRA_WALK_SCREENS")
QUESTION = {"factorType": "question", "question": "disliked_food", "answer": "brussels sprouts"}
_logins = count(1)


@dataclass(frozen=True)
class Screen:
    """One entry of the walk: `visit` drives the tour to the screen (checking the screens on the way)."""

    name: str
    visit: Callable[["Tour"], None]
    era: str = "2024"
    #: the visit moves the mock clock: it gets a server of its own
    own_server: bool = False
    #: the 390 px no-sideways-scroll check applies (the pages a person may open on a phone)
    phone: bool = True
    settings: dict[str, Any] = field(default_factory=dict)


class Tour:
    """A page on a server, with the helpers a visit needs."""

    def __init__(self, page: Any, server: MockfinraServer, screen: Screen) -> None:
        self.page = page
        self.server = server
        self.screen = screen
        self.base = server.url
        self.checked: list[str] = []
        watch(page, self.base)

    # --- the checks ------------------------------------------------------------------------------------

    def check(self, step: str, picture: str | None = None) -> str:
        """Check the screen as it is now; `picture` names it as a README picture."""
        name = f"{self.screen.name}/{step}"
        text = check_screen(self.page)
        if EVERY_SCREEN:
            Path(EVERY_SCREEN).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(EVERY_SCREEN) / f"{self.screen.name}--{step}.png"), full_page=True)
        if self.screen.phone:
            self.fits_a_phone(name)
        if picture and PICTURES:
            self.take_picture(picture)
        self.checked.append(step)
        return text

    def fits_a_phone(self, name: str) -> None:
        page = self.page
        page.set_viewport_size(PHONE)
        try:
            wait_for_js(page, "() => window.innerWidth === %d" % PHONE["width"])
            wide, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
            assert wide <= inner, f"{name}: at {inner} px wide the page scrolls sideways ({wide} px of content)"
        finally:
            page.set_viewport_size(DESKTOP)

    def take_picture(self, picture: str) -> None:
        page = self.page
        page.set_viewport_size({"width": PICTURE_WIDTH, "height": PICTURE_HEIGHT})
        try:
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            height = min(page.evaluate("() => document.scrollingElement.scrollHeight"), PICTURE_MAX_HEIGHT)
            Path(PICTURES).mkdir(parents=True, exist_ok=True)  # type: ignore[arg-type]
            page.screenshot(path=str(Path(PICTURES) / f"{picture}.png"), full_page=True,  # type: ignore[arg-type]
                            clip={"x": 0, "y": 0, "width": PICTURE_WIDTH, "height": height})
        finally:
            page.set_viewport_size(DESKTOP)

    # --- driving -----------------------------------------------------------------------------------------

    def goto(self, path: str) -> None:
        self.page.goto(path if path.startswith("http") else self.base + path)

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = httpx.request(method, self.base + path, timeout=10, **kwargs)
        assert response.status_code < 400, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def user(self, factors: list[dict[str, Any]], **fields: Any) -> str:
        """A new user (a login no other visit uses) with `factors`; returns the login."""
        body: dict[str, Any] = {
            "login": f"walk.{os.getpid()}.{next(_logins)}@example.com",
            "password": PASSWORD,
            "firstName": "Walk",
            "lastName": "Tester",
            "entitlements": ["TRACE"],
            "factors": factors,
        }
        body.update(fields)
        return self.api("POST", "/_mock/users", json=body)["user"]["login"]

    def code(self, to: str, channel: str) -> str:
        """The code in the newest message on `channel` to `to`."""
        return self.api("GET", "/_mock/messages/latest", params={"to": to, "channel": channel})["code"]

    def totp(self, login: str, provider: str = "GOOGLE") -> str:
        return self.api("GET", f"/_mock/users/{login}/totp", params={"provider": provider})["code"]

    def advance(self, seconds: float) -> None:
        assert self.screen.own_server, f"{self.screen.name} moves the clock: give it own_server=True"
        self.api("POST", "/_mock/clock", json={"advance": seconds})

    def see(self, selector: str) -> Any:
        return self.page.wait_for_selector(selector)

    def text(self, selector: str) -> str:
        return self.page.inner_text(selector)
