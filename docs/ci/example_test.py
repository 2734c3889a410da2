"""A first test against a mockfinra service container (docs/ci.md): plain pytest and httpx, no plugin.

`MOCKFINRA_URL` says where the service answers (http://mockfinra:8400 under its service name) and
`MOCKFINRA_ADMIN_TOKEN` is the token the service was started with, if any (the control plane asks for it).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import httpx
import pytest

URL = os.environ.get("MOCKFINRA_URL", "http://127.0.0.1:8400").rstrip("/")
TOKEN = os.environ.get("MOCKFINRA_ADMIN_TOKEN", "")
LOGIN = "trace.analyst@example.com"  # a seeded user (data/seed.toml): password, question, Google Authenticator
PASSWORD = "Ntf-Demo-2026"


@pytest.fixture(scope="session")
def mock() -> Iterator[httpx.Client]:
    """A client on the service, once `/_mock/ready` says 200 (503 while the seed loads; refused before start)."""
    headers = {"X-Mock-Token": TOKEN} if TOKEN else {}
    with httpx.Client(base_url=URL, headers=headers, timeout=10) as client:
        deadline = time.monotonic() + 60
        while True:
            try:
                if client.get("/_mock/ready").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"mockfinra at {URL} was not ready within 60 s")
            time.sleep(0.5)
        client.post("/_mock/reset").raise_for_status()  # the seeded users as shipped (a service of this job only)
        yield client


def test_seeded_user_signs_in_with_google_authenticator(mock: httpx.Client) -> None:
    started = mock.post("/api/v1/authn", json={"username": LOGIN, "password": PASSWORD})
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "MFA_REQUIRED"
    factor = next(f for f in started.json()["_embedded"]["factors"] if f["factorType"] == "token:software:totp")

    code = mock.get(f"/_mock/users/{LOGIN}/totp", params={"provider": "GOOGLE"}).json()["code"]
    verified = mock.post(
        factor["_links"]["verify"]["href"], json={"stateToken": started.json()["stateToken"], "passCode": code}
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "SUCCESS"
    assert verified.json()["sessionToken"]


def test_a_wrong_password_is_refused_as_okta_does(mock: httpx.Client) -> None:
    refused = mock.post("/api/v1/authn", json={"username": LOGIN, "password": "not-the-password"})
    assert refused.status_code == 401
    assert refused.json()["errorCode"] == "E0000004"
