"""`mockfinra users`, `mockfinra tenants` and `mockfinra totp` against a running server's control plane."""

from __future__ import annotations

import httpx
import pyotp
from typer.testing import CliRunner

from mockfinra.cli import app
from mockfinra.clock import parse_instant
from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer, free_port

runner = CliRunner()


def test_totp_prints_the_code_the_app_shows_at_mock_time() -> None:
    with MockfinraServer(Settings.for_tests()) as server:
        httpx.post(f"{server.url}/_mock/clock", json={"set": "2026-11-20T15:00:10Z", "freeze": True})
        result = runner.invoke(app, ["totp", "trace.analyst@example.com", "--url", server.url])
        assert result.exit_code == 0, result.output
        expected = pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").at(parse_instant("2026-11-20T15:00:10Z"))
        assert result.output.split()[0] == expected
        assert "20 s left" in result.output


def test_users_add_then_list() -> None:
    with MockfinraServer(Settings.for_tests()) as server:
        added = runner.invoke(
            app,
            ["users", "add", "cli.made@example.com", "--password", "Sturdy-Pass-77", "-e", "ADF",
             "--totp", "google", "--url", server.url],
        )
        assert added.exit_code == 0, added.output
        assert "sharedSecret" in added.output and "ACTIVE" in added.output
        listed = runner.invoke(app, ["users", "list", "--url", server.url], env={"COLUMNS": "200"})
        assert listed.exit_code == 0
        line = next(row for row in listed.output.splitlines() if "cli.made@example.com" in row)
        assert "ADF" in line and "token:software:totp/GOOGLE" in line
        invited = runner.invoke(app, ["users", "add", "cli.invited@example.com", "--url", server.url])
        assert "activation link: http" in invited.output


def test_control_plane_errors_are_one_clear_line() -> None:
    with MockfinraServer(Settings.for_tests(admin_token="tok")) as server:
        denied = runner.invoke(app, ["users", "list", "--url", server.url])
        assert denied.exit_code == 1 and "401" in denied.output and "admin token" in denied.output
        allowed = runner.invoke(app, ["totp", "nobody@example.com", "--url", server.url, "--token", "tok"])
        assert allowed.exit_code == 1 and "404" in allowed.output and "nobody@example.com" in allowed.output
        bad = runner.invoke(
            app, ["users", "add", "not-an-email", "--password", "x", "--url", server.url, "--token", "tok"]
        )
        assert bad.exit_code == 1 and "400" in bad.output and "login" in bad.output
    down = runner.invoke(app, ["totp", "a@example.com", "--url", f"http://127.0.0.1:{free_port()}"])
    assert down.exit_code == 1 and "cannot reach" in down.output


def test_tenants_create_list_and_delete() -> None:
    with MockfinraServer(Settings.for_tests()) as server:
        made = runner.invoke(app, ["tenants", "create", "cli-team", "--url", server.url])
        assert made.exit_code == 0, made.output
        assert f"cli-team (created): {server.url}/t/cli-team" in made.output and "X-Mock-Tenant: cli-team" in made.output
        again = runner.invoke(app, ["tenants", "create", "cli-team", "--url", server.url])
        assert again.exit_code == 0 and "cli-team (exists already)" in again.output
        random = runner.invoke(app, ["tenants", "create", "--url", server.url])
        assert random.exit_code == 0 and "(created)" in random.output
        assert httpx.get(f"{server.url}/t/cli-team/_mock/state").json()["users"]  # seeded, and served there
        listed = runner.invoke(app, ["tenants", "list", "--url", server.url], env={"COLUMNS": "200"})
        assert listed.exit_code == 0 and "2 of at most 100" in listed.output
        line = next(row for row in listed.output.splitlines() if "cli-team" in row)
        assert f"{server.url}/t/cli-team" in line
        deleted = runner.invoke(app, ["tenants", "delete", "cli-team", "--url", server.url])
        assert deleted.exit_code == 0 and "deleted cli-team" in deleted.output
        names = [t["name"] for t in httpx.get(f"{server.url}/_mock/tenants").json()["tenants"]]
        assert "cli-team" not in names and len(names) == 1
        gone = runner.invoke(app, ["tenants", "delete", "cli-team", "--url", server.url])
        assert gone.exit_code == 1 and "404" in gone.output
        bad = runner.invoke(app, ["tenants", "create", "Not A Name", "--url", server.url])
        assert bad.exit_code == 1 and "400" in bad.output
