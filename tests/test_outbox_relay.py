"""Recording side effects: the SMTP relay into a local aiosmtpd sink, and the SMS / voice log line."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message as EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from mockfinra.app import create_app
from mockfinra.outbox.messages import record
from mockfinra.settings import Settings
from mockfinra.testing import free_port
from tests.conftest import TEST_DATA


class Sink:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.arrived:
            self.received.append(envelope)
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 15.0) -> list[Any]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)


def start_sink(**smtp_options: Any) -> tuple[Sink, Controller]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port(), **smtp_options)
    controller.start()
    return sink, controller


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler, controller = start_sink()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


def run_app(**overrides: Any) -> tuple[FastAPI, TestClient]:
    app = create_app(Settings.for_tests(seed=TEST_DATA / "seed-minimal.toml", seed_invitations=False, **overrides))
    return app, TestClient(app)


def add(app: FastAPI, channel: str, to: str, body: str, **extra: Any) -> str:
    ctx = app.state.ctx
    with ctx.store.transaction() as db:
        return record(db, ctx.clock, ctx.outbox, channel=channel, to=to, body=body, **extra).id


def parsed(envelope: Any) -> EmailMessage:
    return message_from_bytes(envelope.content)


def test_emails_are_relayed_to_the_smtp_server(sink: tuple[Sink, int]) -> None:
    handler, port = sink
    app, client = run_app(smtp_url=f"smtp://127.0.0.1:{port}")
    with client:
        client.post("/_mock/clock", json={"set": "2026-03-02T14:30:00Z", "freeze": True})
        add(app, "sms", "+15554151337", "Your code is 123456")  # not an email: not relayed
        message_id = add(
            app,
            "email",
            "alice@example.com",
            "Welcome! Activate your account: http://127.0.0.1:8400/welcome/abc",
            subject="Activate your NASDAQ MFA account",
        )
        [envelope] = handler.wait_for(1)
    assert envelope.mail_from == "noreply@mockfinra.local"
    assert envelope.rcpt_tos == ["alice@example.com"]
    email = parsed(envelope)
    assert email["From"] == "noreply@mockfinra.local"
    assert email["To"] == "alice@example.com"
    assert email["Subject"] == "Activate your NASDAQ MFA account"
    assert email["Date"] == "Mon, 02 Mar 2026 14:30:00 +0000"  # mock time
    assert email["Message-ID"] == f"<{message_id}@mockfinra.local>"
    assert email.get_content_type() == "text/plain"
    assert "http://127.0.0.1:8400/welcome/abc" in email.get_payload(decode=True).decode()
    time.sleep(0.2)
    assert len(handler.received) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_relay_logs_in_with_the_url_credentials_and_uses_the_from_setting() -> None:
    seen: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        seen.append((data.login, data.password))
        return AuthResult(success=data.login == b"relay@example.com" and data.password == b"p:ss/word")

    handler, controller = start_sink(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    try:
        url = f"smtp://relay%40example.com:p%3Ass%2Fword@127.0.0.1:{controller.port}"
        app, client = run_app(smtp_url=url, smtp_from="mfa@ntf.example")
        with client:
            add(app, "email", "bob@example.com", "hello", subject="Hi")
            [envelope] = handler.wait_for(1)
    finally:
        controller.stop()
    assert seen == [(b"relay@example.com", b"p:ss/word")]
    assert envelope.mail_from == "mfa@ntf.example"
    assert parsed(envelope)["Message-ID"].endswith("@ntf.example>")


def test_a_failing_relay_is_logged_and_never_fails_the_request(caplog: pytest.LogCaptureFixture) -> None:
    dead_port = free_port()
    app, client = run_app(smtp_url=f"smtp://127.0.0.1:{dead_port}", smtp_timeout_seconds=2)
    with caplog.at_level(logging.WARNING, logger="mockfinra.outbox"), client:
        message_id = add(app, "email", "alice@example.com", "hello")
        assert client.get(f"/_mock/messages/{message_id}").status_code == 200
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not caplog.records:
            time.sleep(0.05)
    [entry] = [r for r in caplog.records if r.name == "mockfinra.outbox"]
    assert entry.levelno == logging.WARNING
    assert f"127.0.0.1:{dead_port}" in entry.getMessage() and message_id in entry.getMessage()


def test_a_rolled_back_email_is_not_relayed(sink: tuple[Sink, int]) -> None:
    handler, port = sink
    app, client = run_app(smtp_url=f"smtp://127.0.0.1:{port}")
    ctx = app.state.ctx
    with client:
        with pytest.raises(RuntimeError):
            with ctx.store.transaction() as db:
                record(db, ctx.clock, ctx.outbox, channel="email", to="ghost@example.com", body="never sent")
                raise RuntimeError("request failed")
        add(app, "email", "alice@example.com", "sent")
        received = handler.wait_for(1)
        time.sleep(0.2)
    assert [envelope.rcpt_tos for envelope in handler.received] == [["alice@example.com"]]
    assert len(received) == 1


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:25", "smtp://", "smtp://127.0.0.1:notaport", "mailto:someone@example.com"]
)
def test_a_bad_smtp_url_is_a_settings_error(url: str) -> None:
    with pytest.raises(ValidationError, match="smtp_url"):
        Settings.for_tests(smtp_url=url)


def test_smtp_url_forms() -> None:
    assert Settings.for_tests(smtp_url="").smtp_url is None
    for url in ("smtp://localhost:1025", "smtp+starttls://u:p@mail.example:587", "smtps://mail.example"):
        assert Settings.for_tests(smtp_url=url).smtp_url == url


def test_sms_and_voice_are_logged_with_their_code(caplog: pytest.LogCaptureFixture) -> None:
    app, client = run_app()
    with caplog.at_level(logging.INFO, logger="mockfinra.outbox"), client:
        add(app, "sms", "+1 555-415-1337", "Your verification code is 123456")
        add(app, "voice", "+15554151337", "Your code is 6 5 4 3 2 1", code="654321")
        add(app, "email", "alice@example.com", "code 111111")
    lines = [r.getMessage() for r in caplog.records if r.name == "mockfinra.outbox" and r.levelno == logging.INFO]
    assert lines == ["SMS to +1 555-415-1337: code 123456", "Voice call to +15554151337: code 654321"]
