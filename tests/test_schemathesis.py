"""Schemathesis over the published document (`/_mock/openapi.json`): every phase (examples, coverage,
fuzzing, stateful) and every check (`--checks all`), failing on any failure.

The schemathesis CLI (pinned in the test extra) runs against a real in-process server (`MockfinraServer`)
with the admin token set and sent, so guarded routes are exercised past their guard; the seed's users are
loaded. The operations are split in groups so that xdist runs them in parallel; the example count is
bounded so the whole file fits CI (see the report of issue 11 for timings). The narrow exceptions a check
cannot meet, each with its reason, are in tests/schemathesis.toml.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer

CONFIG = Path(__file__).with_name("schemathesis.toml")
ADMIN_TOKEN = "schemathesis-admin-token"
MAX_EXAMPLES = int(os.environ.get("MOCKFINRA_SCHEMATHESIS_EXAMPLES", "5"))
SEED = int(os.environ.get("MOCKFINRA_SCHEMATHESIS_SEED", "1"))

#: group → schemathesis filter (one path regex; filters of one kind are OR'ed, so one regex per group)
GROUPS = {
    "control": ["--include-path-regex", r"^/_mock/"],
    "okta": ["--include-path-regex", r"^/(api/|login/sessionCookieRedirect$)"],
    "oauth-idx": ["--include-path-regex", r"^/(oauth2/|idp/|\.well-known/)"],
    "pages-downloads": ["--exclude-path-regex", r"^/(_mock/|api/|login/sessionCookieRedirect$|oauth2/|idp/|\.well-known/)"],
}


def run_schemathesis(url: str, selection: list[str], report_dir: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "schemathesis.cli",
        "--config-file", str(CONFIG), "--no-color",
        "run", f"{url}/_mock/openapi.json",
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", str(MAX_EXAMPLES),
        "--seed", str(SEED),
        "--header", f"Authorization: SSWS {ADMIN_TOKEN}",
        "--workers", "1",
        "--report-dir", str(report_dir),
        *selection,
    ]
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(command, capture_output=True, text=True, timeout=900, env=env, cwd=report_dir)


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_published_document_holds(group: str, tmp_path: Path) -> None:
    settings = Settings.for_tests(admin_token=ADMIN_TOKEN, messages_wait_cap_seconds=0)
    with MockfinraServer(settings) as server:
        result = run_schemathesis(server.url, GROUPS[group], tmp_path)
    output = result.stdout + result.stderr
    assert "Tested:" in output, output[-4000:]
    assert result.returncode == 0, output[-12000:]


def test_schemathesis_fails_on_a_lie(tmp_path: Path) -> None:
    """The run would catch a document that lies: an operation stripped of its 404 fails the check."""
    settings = Settings.for_tests(admin_token=ADMIN_TOKEN)
    with MockfinraServer(settings) as server:
        document = server.app.openapi()
        del document["paths"]["/_mock/users/{login}/totp"]["get"]["responses"]["404"]
        result = run_schemathesis(server.url, ["--include-path-regex", r"^/_mock/users/\{login\}/totp$"], tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-4000:]
    assert "Undocumented" in output, output[-4000:]
