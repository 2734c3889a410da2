"""The real `@okta/okta-auth-js` 8.x client (Node) against a live mockfinra on a free loopback port.

Each scenario in tests/compat/scenarios.mjs prints one JSON object per step; these tests assert on them.
`scripts/test.sh` installs tests/compat/node_modules (`npm ci`); without it these tests fail, not skip.
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
from mockfinra.testing import MockfinraServer, free_port

pytestmark = pytest.mark.compat

COMPAT_DIR = Path(__file__).parent / "compat"
SCRIPT = COMPAT_DIR / "scenarios.mjs"
CLIENT_DIR = COMPAT_DIR / "node_modules" / "@okta" / "okta-auth-js"
SCENARIO_TIMEOUT = 90


@pytest.fixture
def server() -> Iterator[MockfinraServer]:
    with MockfinraServer(Settings.for_tests()) as live:
        yield live


def node_scenario(issuer: str, name: str) -> subprocess.CompletedProcess[str]:
    """Run `node scenarios.mjs <issuer> <name>`; fail clearly when Node or the client is not installed."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("`node` (Node.js 20+) is not on PATH; the okta-auth-js compatibility test needs it.")
    if not CLIENT_DIR.is_dir():
        pytest.fail(
            "tests/compat/node_modules/@okta/okta-auth-js is missing: run `npm ci` in tests/compat "
            "(scripts/test.sh does it) before running the compatibility tests."
        )
    return subprocess.run(
        [node, str(SCRIPT), issuer, name],
        cwd=COMPAT_DIR,
        capture_output=True,
        text=True,
        timeout=SCENARIO_TIMEOUT,
        check=False,
    )


def run_scenario(server: MockfinraServer, name: str) -> dict[str, dict[str, Any]]:
    """Run one scenario; return its steps by name. Fails with the script's own output when it fails."""
    completed = node_scenario(server.url, name)
    steps: dict[str, dict[str, Any]] = {}
    for line in completed.stdout.splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            steps[entry["step"]] = entry
    if completed.returncode != 0 or "done" not in steps:
        pytest.fail(
            f"scenario {name} failed (exit {completed.returncode}): {steps.get('failed', {}).get('error')}\n"
            f"--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr[-4000:]}"
        )
    return steps


def test_password_and_security_question(server: MockfinraServer) -> None:
    steps = run_scenario(server, "password-question")
    signed_in = steps["signed-in"]
    assert signed_in["status"] == "MFA_REQUIRED"
    assert "cancel" in signed_in["functions"]
    assert any(f["factorType"] == "question" and "verify" in f["functions"] for f in signed_in["factors"])
    assert steps["question"]["profile"] == {
        "question": "disliked_food",
        "questionText": "What is the food you least liked as a child?",
    }
    assert steps["wrong-answer"]["errorCode"] == "E0000068"
    answered = steps["answered"]
    assert answered["status"] == "SUCCESS" and answered["hasSessionToken"]
    assert answered["login"] == steps["user-created"]["login"]


def test_password_and_google_totp(server: MockfinraServer) -> None:
    steps = run_scenario(server, "password-totp")
    assert steps["control-code"]["status"] == 200
    assert set(steps["control-code"]["body"]) >= {"code", "secondsRemaining"}
    google = [f for f in steps["signed-in"]["factors"] if f["factorType"] == "token:software:totp"]
    assert google and google[0]["provider"] == "GOOGLE"
    assert steps["wrong-code"]["errorCode"] == "E0000068" and steps["wrong-code"]["status"] == 403
    assert steps["verified"]["status"] == "SUCCESS" and steps["verified"]["hasSessionToken"]


def test_totp_enrollment(server: MockfinraServer) -> None:
    steps = run_scenario(server, "enroll-totp")
    assert steps["signed-in"]["status"] == "MFA_ENROLL"
    enrollable = {(f["factorType"], f["provider"]) for f in steps["signed-in"]["factors"]}
    assert ("token:software:totp", "GOOGLE") in enrollable
    enrolled = steps["enrolled"]
    assert enrolled["status"] == "MFA_ENROLL_ACTIVATE"
    assert {"activate", "cancel", "prev"} <= set(enrolled["functions"])
    activation = enrolled["activation"]
    assert activation["encoding"] == "base32" and activation["timeStep"] == 30 and activation["keyLength"] == 6
    assert activation["qrcode"]["href"].startswith(server.url)
    assert steps["wrong-activation-code"]["errorCode"] == "E0000068"
    assert steps["activated"]["status"] == "MFA_ENROLL"  # the security question is required too
    assert steps["question-enrolled"]["status"] == "SUCCESS" and steps["question-enrolled"]["hasSessionToken"]
    assert steps["signed-in-again"]["status"] == "MFA_REQUIRED"


def test_wrong_password_is_auth_api_error(server: MockfinraServer) -> None:
    steps = run_scenario(server, "wrong-password")
    for name in ("wrong-password", "unknown-user"):
        assert steps[name]["name"] == "AuthApiError"
        assert steps[name]["errorCode"] == "E0000004"
        assert steps[name]["status"] == 401
        assert steps[name]["errorSummary"] == "Authentication failed"
    assert steps["right-password"]["status"] == "MFA_REQUIRED"


def test_session_handoff(server: MockfinraServer) -> None:
    steps = run_scenario(server, "session-handoff")
    login = steps["user-created"]["login"]
    created = steps["session-created"]
    assert created["status"] == 200 and created["login"] == login and created["sessionStatus"] == "ACTIVE"
    assert "self" in created["links"]
    assert steps["session-token-reused"]["status"] == 401
    redirect = steps["cookie-redirect"]
    assert redirect["status"] == 302 and redirect["location"] == f"{server.url}/_mock/health"
    assert "sid" in redirect["cookies"]
    assert steps["session-me"] == {"step": "session-me", "status": 200, "login": login, "sessionStatus": "ACTIVE"}
    assert steps["session-ended"] == {"step": "session-ended", "deleteStatus": 204, "afterStatus": 404}


def test_a_failing_scenario_is_reported() -> None:
    """The harness itself can fail: a scenario against a port nobody listens on exits 1 with a reason."""
    completed = node_scenario(f"http://127.0.0.1:{free_port()}", "wrong-password")
    assert completed.returncode == 1
    last = json.loads(completed.stdout.splitlines()[-1])
    assert last["step"] == "failed" and "fetch failed" in last["error"]


@pytest.mark.parametrize(
    "scenario, channel, throttle",
    [("sms", "sms", "E0000109"), ("call", "voice", "E0000133")],
)
def test_phone_factor_sign_in(server: MockfinraServer, scenario: str, channel: str, throttle: str) -> None:
    steps = run_scenario(server, scenario)
    assert steps["factor"]["profile"]["phoneNumber"].startswith("+1 XXX-XXX-")
    challenged = steps["challenged"]
    assert challenged["status"] == "MFA_CHALLENGE"
    assert {"verify", "resend", "prev", "cancel"} <= set(challenged["functions"])
    assert [link["name"] for link in challenged["resend"]] == [scenario]
    message = steps["message"]
    assert message["channel"] == channel and len(message["code"]) == 6
    assert steps["resend-throttled"]["errorCode"] == throttle and steps["resend-throttled"]["status"] == 429
    assert steps["wrong-code"]["errorCode"] == "E0000068"
    assert steps["verified"]["status"] == "SUCCESS" and steps["verified"]["hasSessionToken"]


def test_push_approved_on_the_virtual_phone(server: MockfinraServer) -> None:
    steps = run_scenario(server, "push-approve")
    waiting = steps["waiting"]
    assert waiting["factorResult"] == "WAITING" and waiting["next"] == "poll" and "poll" in waiting["functions"]
    assert steps["pending-push"]["city"] == "Localhost"
    assert steps["approved"] == {"step": "approved", "status": 200, "pushStatus": "APPROVED"}
    polled = steps["polled"]
    assert polled["status"] == "SUCCESS" and polled["hasSessionToken"]


def test_push_denied_on_the_virtual_phone(server: MockfinraServer) -> None:
    steps = run_scenario(server, "push-deny")
    rejected = steps["rejected"]
    assert rejected["status"] == "MFA_CHALLENGE" and rejected["factorResult"] == "REJECTED"
    assert rejected["next"] == "verify" and "verify" in rejected["functions"]
    assert steps["sent-again"] == {"step": "sent-again", "factorResult": "WAITING", "newPush": True}
    assert steps["cancelled"]["pendingAfter"] == 0


def test_forgot_password_with_the_recovery_question(server: MockfinraServer) -> None:
    steps = run_scenario(server, "forgot-password")
    challenge = steps["challenge"]
    assert challenge["status"] == "RECOVERY_CHALLENGE" and challenge["factorType"] == "SMS"
    assert challenge["recoveryType"] == "PASSWORD" and {"verify", "resend", "cancel"} <= set(challenge["functions"])
    unknown = steps["unknown-user"]
    assert {k: unknown[k] for k in ("status", "factorType", "recoveryType", "functions")} == {
        k: challenge[k] for k in ("status", "factorType", "recoveryType", "functions")
    }
    assert unknown["verify"]["errorCode"] == "E0000068"
    assert steps["recovery"]["status"] == "RECOVERY" and "answer" in steps["recovery"]["functions"]
    assert steps["recovery"]["question"] == "Which desk did you first work on?"
    assert steps["wrong-answer"]["errorCode"] == "E0000087" and steps["wrong-answer"]["status"] == 403
    assert "resetPassword" in steps["password-reset"]["functions"]
    assert steps["reset"]["status"] == "SUCCESS" and steps["reset"]["relayState"] == "/traqs/"
    assert steps["signed-in-again"]["status"] == "MFA_REQUIRED"


def test_forgot_password_by_email_link(server: MockfinraServer) -> None:
    steps = run_scenario(server, "forgot-password-email")
    assert steps["email-sent"]["factorResult"] == "WAITING" and steps["email-sent"]["factorType"] == "EMAIL"
    assert steps["recovery"]["status"] == "RECOVERY"
    assert steps["reset"]["status"] == "SUCCESS" and steps["reset"]["hasSessionToken"]
    assert steps["token-reused"]["errorCode"] == "E0000011"
