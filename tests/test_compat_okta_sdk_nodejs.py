"""The real `@okta/okta-sdk-nodejs` 8.1.0 (pinned in tests/compat/package-lock.json) against a live mockfinra
with an admin token: users (create, get, list with q / filter / search / paging, lifecycle, reset link,
expire with a temporary password, delete), factors (enroll a question and a TOTP factor, activate with a
computed code, verify, list, catalog, delete), and a user made by `POST /_mock/users` without names.

Each scenario in tests/compat/sdk-scenarios.mjs prints one JSON object per step; these tests assert on them.
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
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.compat

COMPAT_DIR = Path(__file__).parent / "compat"
SCRIPT = COMPAT_DIR / "sdk-scenarios.mjs"
CLIENT_DIR = COMPAT_DIR / "node_modules" / "@okta" / "okta-sdk-nodejs"
TOKEN = "node-sdk-admin-token"
TIMEOUT = 120


@pytest.fixture
def server() -> Iterator[MockfinraServer]:
    with MockfinraServer(Settings.for_tests(seed=TEST_DATA / "seed-minimal.toml", admin_token=TOKEN)) as live:
        yield live


def run_scenario(server: MockfinraServer, name: str) -> dict[str, dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("`node` (Node.js 20+) is not on PATH; the okta-sdk-nodejs compatibility test needs it.")
    if not CLIENT_DIR.is_dir():
        pytest.fail("tests/compat/node_modules/@okta/okta-sdk-nodejs is missing: run `npm ci` in tests/compat.")
    completed = subprocess.run(
        [node, str(SCRIPT), server.url, TOKEN, name], cwd=COMPAT_DIR, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    steps = {entry["step"]: entry for entry in (json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{"))}
    assert completed.returncode == 0 and "done" in steps, f"{name} failed:\n{completed.stdout}\n{completed.stderr[-2000:]}"
    return steps


def test_users_through_the_node_sdk(server: MockfinraServer) -> None:
    steps = run_scenario(server, "users")
    assert steps["listed"] == {"step": "listed", "q": 1, "filter": 1, "search": 3, "paged": 5}
    assert steps["expired"]["status"] == "PASSWORD_EXPIRED"
    assert steps["deleted"] == {"step": "deleted", "errorCode": "E0000007", "status": 404}


def test_factors_through_the_node_sdk(server: MockfinraServer) -> None:
    steps = run_scenario(server, "factors")
    assert steps["enrolled"]["question"].startswith("ufs") and steps["enrolled"]["totp"].startswith("uft")
    assert steps["activated"] == {"step": "activated", "wrong": {"errorCode": "E0000068", "status": 403}, "status": "ACTIVE"}
    assert steps["listed"]["factors"] == ["question", "token:software:totp"]
    assert steps["verified"]["factorResult"] == "SUCCESS" and steps["deleted"]["left"] == 1


def test_the_token_guard_and_derived_names_through_the_node_sdk(server: MockfinraServer) -> None:
    steps = run_scenario(server, "guarded")
    assert steps["guarded"]["refused"] == {"errorCode": "E0000011", "status": 401}
