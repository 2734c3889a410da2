"""Helpers for the order-form and NTF-window tests: an app on the full demo seed with a frozen clock, a
sign-in through the public API (password, security question, sessionCookieRedirect), form CSRF tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.settings import DATA_DIR, Settings

BASE = "http://127.0.0.1:8400"
PASSWORD = "Ntf-Demo-2026"
#: 09:30 in New York, so "day N" does not depend on when the tests run
T0 = "2026-03-02T14:30:05Z"
ADMIN = "order.admin@example.com"
ADMIN_FIRM = "Example Securities LLC"
#: demo users and the answer to their security question (data/seed.toml)
ANSWERS = {ADMIN: "order form", "trace.analyst@example.com": "brussels sprouts", "orf.trader@example.com": "tetris"}


@contextmanager
def trainer_client(**overrides: Any) -> Iterator[TestClient]:
    """A fresh app on the demo seed, the clock frozen at T0 (unless overridden)."""
    values: dict[str, Any] = {"seed": DATA_DIR / "seed.toml", "clock_start": T0, "clock_frozen": True}
    values.update(overrides)
    with TestClient(create_app(Settings.for_tests(**values)), base_url=BASE) as client:
        yield client


def sign_in(client: TestClient, login: str, answer: str | None = None, password: str = PASSWORD) -> str:
    """Password, then the security question, then the session cookie; returns the `sid`."""
    client.cookies.clear()
    tx = client.post("/api/v1/authn", json={"username": login, "password": password}).json()
    assert tx["status"] == "MFA_REQUIRED", tx
    factor = next(f for f in tx["_embedded"]["factors"] if f["factorType"] == "question")
    done = client.post(
        factor["_links"]["verify"]["href"], json={"stateToken": tx["stateToken"], "answer": answer or ANSWERS[login]}
    ).json()
    assert done["status"] == "SUCCESS", done
    redirect = client.get(
        "/login/sessionCookieRedirect",
        params={"token": done["sessionToken"], "redirectUrl": f"{BASE}/traqs/"},
        follow_redirects=False,
    )
    assert redirect.status_code in (302, 303), redirect.text
    sid = client.cookies.get("sid")
    assert sid
    return sid


def csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def banner(html: str) -> str | None:
    """The NTF testing window banner's text, or None when the page has none."""
    match = re.search(r'id="ntf-window-banner">([^<]*)<', html)
    return match.group(1).strip() if match else None


def emails_to(client: TestClient, address: str) -> list[dict[str, Any]]:
    """Captured emails to an address, newest first."""
    response = client.get("/_mock/messages", params={"to": address, "channel": "email"})
    assert response.status_code == 200
    return response.json()


def advance_days(client: TestClient, days: float) -> None:
    assert client.post("/_mock/clock", json={"advance": days * 86400}).status_code == 200
