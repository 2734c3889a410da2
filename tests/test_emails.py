"""Emails are real emails (subject, text part, HTML part, the link), and invitations go out by themselves:
the seed's PROVISIONED users at first start and after `POST /_mock/reset` (exactly once each, not again on a
restart of a file store), and `mockfinra users add` without a password."""

from __future__ import annotations

import email
import re
from datetime import datetime, timezone
from email import policy
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mockfinra.app import create_app
from mockfinra.cli import app as cli
from mockfinra.outbox.relay import build_email
from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer

INVITED = "invited.user@example.com"


def invitations(client: TestClient, to: str = INVITED) -> list[dict[str, Any]]:
    response = client.get("/_mock/messages", params={"to": to, "channel": "email"})
    assert response.status_code == 200, response.text
    return [m for m in response.json() if m["meta"].get("kind") == "activation"]


def test_the_seeded_invitation_is_a_real_email_with_the_welcome_link() -> None:
    with TestClient(create_app(Settings.for_tests())) as client:
        [invite] = invitations(client)
        assert invite["subject"] == "Welcome to the NASDAQ MFA service (NTF)"
        assert invite["text"] == invite["body"] and "Your username is invited.user@example.com" in invite["text"]
        link = invite["link"]
        assert re.fullmatch(r"http://127\.0\.0\.1:8400/welcome/[\w-]+", link), link
        assert link in invite["text"] and "expires on" in invite["text"]
        html = invite["html"]
        assert html.startswith("<!doctype html>") and f'href="{link}"' in html and "Activate your account" in html
        assert "Ivan" in html and "<script" not in html.lower()
        # The link works: it opens the welcome page of the invited user.
        page = client.get(link.replace("http://127.0.0.1:8400", ""))
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]


def test_reset_sends_the_invitation_again_exactly_once_on_the_request_host() -> None:
    with TestClient(create_app(Settings.for_tests())) as client:
        [before] = invitations(client)
        assert client.post("/_mock/reset", json={}).status_code == 200
        [after] = invitations(client)
        assert after["id"] != before["id"] and after["link"].startswith("http://testserver/welcome/")
        old = client.get(before["link"].replace("http://127.0.0.1:8400", ""))
        assert "text/html" in old.headers["content-type"]
        assert client.get(after["link"].replace("http://testserver", "")).status_code == 200


def test_a_restart_of_a_file_store_sends_no_second_invitation(tmp_path: Path) -> None:
    settings = Settings.for_tests(db=f"sqlite:///{tmp_path / 'state.db'}")
    with TestClient(create_app(settings)) as client:
        assert len(invitations(client)) == 1
    with TestClient(create_app(settings)) as client:
        assert len(invitations(client)) == 1


def test_every_email_has_text_and_html_parts() -> None:
    with TestClient(create_app(Settings.for_tests())) as client:
        started = client.post("/api/v1/authn/recovery/password", json={"username": "trace.analyst@example.com",
                                                                        "factorType": "EMAIL"})
        assert started.status_code == 200, started.text
        [reset] = client.get("/_mock/messages", params={"to": "trace.analyst@example.com"}).json()
        assert reset["subject"] == "Reset your NASDAQ MFA password (NTF)" and reset["link"] in reset["text"]
        assert f'href="{reset["link"]}"' in reset["html"] and "Reset your password" in reset["html"]


def test_the_smtp_relay_sends_both_parts() -> None:
    with TestClient(create_app(Settings.for_tests())) as client:
        [invite] = invitations(client)
    message = {**invite, "created_at": datetime.now(timezone.utc)}
    parsed = email.message_from_bytes(bytes(build_email(message, "mfa@mockfinra.local")), policy=policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed.get_body(("plain",)).get_content().strip() == invite["text"].strip()
    assert invite["link"] in parsed.get_body(("html",)).get_content()


def test_mock_users_sends_the_invitation_only_when_asked() -> None:
    with TestClient(create_app(Settings.for_tests())) as client:
        quiet = client.post("/_mock/users", json={"login": "quiet@example.com", "status": "PROVISIONED"})
        assert quiet.status_code == 201 and quiet.json()["invitationSent"] is False
        assert invitations(client, "quiet@example.com") == []
        sent = client.post("/_mock/users?sendEmail=true", json={"login": "loud@example.com", "status": "PROVISIONED"})
        assert sent.status_code == 201 and sent.json()["invitationSent"] is True
        [invite] = invitations(client, "loud@example.com")
        assert invite["link"] == sent.json()["activationUrl"]


def test_cli_users_add_without_a_password_sends_the_invitation() -> None:
    with MockfinraServer(Settings.for_tests()) as server:
        result = CliRunner().invoke(cli, ["users", "add", "cli.invitee@example.com", "-e", "TRF", "--url", server.url])
        assert result.exit_code == 0, result.output
        assert "invitation emailed to cli.invitee@example.com" in result.output
        found = httpx.get(f"{server.url}/_mock/messages", params={"to": "cli.invitee@example.com"}).json()
        assert [m["meta"]["kind"] for m in found] == ["activation"]
        assert found[0]["link"].startswith(f"{server.url}/welcome/") and found[0]["html"]


def test_seed_invitations_can_be_turned_off() -> None:
    with TestClient(create_app(Settings.for_tests(seed_invitations=False))) as client:
        assert invitations(client) == []
        assert client.post("/_mock/reset", json={}).status_code == 200
        assert invitations(client) == []
        assert client.get("/_mock/users/invited.user@example.com/totp").status_code == 404  # the user is there
        assert any(u["login"] == INVITED for u in client.get("/_mock/state").json()["users"])
