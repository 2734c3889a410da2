"""gimme-aws-creds 2.8.2 (pinned, in its own venv: tests/compat/gimme-requirements.txt) against a live server.

tests/compat/gimme_scenario.py drives its Okta classic client (what `force_classic = True` uses): password, a
TOTP factor chosen by type, the implicit OIDC step for `traqs-implicit` on the default authorization server
and the session-cookie step. The test checks the access token it got with the server's JWKS.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jwt
import pytest

from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer

pytestmark = pytest.mark.compat

COMPAT_DIR = Path(__file__).parent / "compat"
PYTHON = COMPAT_DIR / ".venv-gimme" / "bin" / "python"


def test_gimme_aws_creds_signs_in_with_totp_and_gets_tokens_and_a_session() -> None:
    if not PYTHON.is_file():
        pytest.fail("tests/compat/.venv-gimme is missing: scripts/test.sh makes it (pip install -r gimme-requirements.txt).")
    with MockfinraServer(Settings.for_tests()) as server:
        completed = subprocess.run(
            [str(PYTHON), str(COMPAT_DIR / "gimme_scenario.py"), server.url, "order.admin@example.com", "Ntf-Demo-2026"],
            cwd=COMPAT_DIR, capture_output=True, text=True, timeout=120, check=False,
        )
        steps = {e["step"]: e for e in (json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{"))}
        assert completed.returncode == 0 and "done" in steps, f"{completed.stdout}\n{completed.stderr[-3000:]}"
        keys = jwt.PyJWKClient(f"{server.url}/oauth2/default/v1/keys")
        access = steps["oauth"]["access_token"]
        claims = jwt.decode(access, keys.get_signing_key_from_jwt(access).key, algorithms=["RS256"], audience="api://traqs")
    assert steps["oauth"]["tokens"] == ["access_token", "id_token"]
    assert claims["sub"] == "order.admin@example.com" and claims["iss"] == f"{server.url}/oauth2/default"
    assert any("selected" in line for line in steps["oauth"]["messages"])  # it chose the TOTP factor by type
    assert steps["session"] == {"step": "session", "username": "order.admin@example.com", "sid": True, "dt": True}
    assert steps["wrong-password"]["refused"] is True
