"""The real `@okta/okta-auth-js` 8.x Identity Engine client (`authClient.idx`, step mode) against a live mockfinra.

Each scenario in tests/compat/idx-scenarios.mjs signs in as a script of the public client `traqs-api` does
(issuer `<base>/oauth2/default`, a loopback redirect URI, PKCE) and ends with tokens from the
`interaction_code` grant, which the client checks (issuer, audience, signature, times).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer

pytestmark = pytest.mark.compat

COMPAT_DIR = Path(__file__).parent / "compat"
SCRIPT = COMPAT_DIR / "idx-scenarios.mjs"


@pytest.fixture(scope="module")
def server() -> Iterator[MockfinraServer]:
    settings = Settings.for_tests(push_number_challenge=True, idx_poll_refresh_ms=200)
    with MockfinraServer(settings) as live:
        yield live


def run(server: MockfinraServer, name: str) -> dict[str, dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("`node` (Node.js 20+) is not on PATH; the okta-auth-js compatibility tests need it.")
    if not (COMPAT_DIR / "node_modules" / "@okta" / "okta-auth-js").is_dir():
        pytest.fail("tests/compat/node_modules is missing: run `npm ci` in tests/compat (scripts/test.sh does).")
    completed = subprocess.run(
        [node, str(SCRIPT), server.url, name], cwd=COMPAT_DIR, capture_output=True, text=True, timeout=120, check=False
    )
    steps: dict[str, dict[str, Any]] = {}
    for line in completed.stdout.splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            steps[entry["step"]] = entry
    if completed.returncode != 0 or "done" not in steps:
        pytest.fail(
            f"idx scenario {name} failed (exit {completed.returncode}): {steps.get('failed', {}).get('error')}\n"
            f"--- stdout\n{completed.stdout[-6000:]}\n--- stderr\n{completed.stderr[-3000:]}"
        )
    return steps


def test_password_and_security_question(server: MockfinraServer) -> None:
    steps = run(server, "password-question")
    assert steps["identify"]["next"] == "challenge-authenticator"
    assert steps["select-authenticator-authenticate"]["next"] == "challenge-authenticator"


def test_password_and_google_authenticator(server: MockfinraServer) -> None:
    run(server, "password-google")


def test_okta_verify_push_with_number_challenge(server: MockfinraServer) -> None:
    steps = run(server, "password-push")
    assert isinstance(steps["number-challenge"]["number"], int)


def test_phone_sms_with_the_code_from_the_outbox(server: MockfinraServer) -> None:
    steps = run(server, "password-sms")
    assert "verification code" in steps["sms"]["body"]


def test_enrollment_of_google_authenticator(server: MockfinraServer) -> None:
    steps = run(server, "enroll-google")
    assert steps["google-enrollment"] == {"step": "google-enrollment", "secret": True, "qr": "data:image/png;base64,"}


def test_enrollment_of_a_phone(server: MockfinraServer) -> None:
    run(server, "enroll-phone")


def test_recover_password_by_email(server: MockfinraServer) -> None:
    steps = run(server, "recover-email")
    assert steps["reset-authenticator"]["status"] == "SUCCESS"
