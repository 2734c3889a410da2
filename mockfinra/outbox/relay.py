"""SMTP relay: every captured email is also sent to `settings.smtp_url` (e.g. a local Mailpit).

Sending happens on one background thread per app, after the recording transaction commits, so a slow or
absent SMTP server never slows or fails a request; failures are logged on `mockfinra.outbox`.
"""

from __future__ import annotations

import collections
import logging
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mockfinra.outbox.smtp_url import SmtpTarget, parse_smtp_url

if TYPE_CHECKING:
    from email.message import EmailMessage

    from mockfinra.settings import Settings

log = logging.getLogger("mockfinra.outbox")

#: a worker thread with nothing to send for this long ends; the next email starts a new one
IDLE_SECONDS = 5.0


def build_email(message: dict[str, Any], sender: str) -> EmailMessage:
    """The email for one captured message (text, and HTML as an alternative when it has one); `Date` is the mock time it was recorded at."""
    from email.message import EmailMessage
    from email.utils import format_datetime

    created: datetime = message["created_at"]
    domain = sender.rpartition("@")[2] or "mockfinra.local"
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message["to"]
    email["Subject"] = message.get("subject") or "(no subject)"
    email["Date"] = format_datetime(created)
    email["Message-ID"] = f"<{message['id']}@{domain}>"
    email["X-Mockfinra-Message-Id"] = message["id"]
    email.set_content(message["body"])
    if message.get("html"):
        email.add_alternative(message["html"], subtype="html")
    return email


class SmtpRelay:
    """Queue of emails to send, drained in order by a background daemon thread."""

    def __init__(self, target: SmtpTarget, sender: str, timeout: float = 10.0) -> None:
        self.target = target
        self.sender = sender
        self.timeout = timeout
        self._queue: collections.deque[dict[str, Any]] = collections.deque()
        self._cond = threading.Condition()
        self._running = False

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpRelay:
        assert settings.smtp_url
        return cls(parse_smtp_url(settings.smtp_url), settings.smtp_from, settings.smtp_timeout_seconds)

    def submit(self, message: dict[str, Any]) -> None:
        """Queue one captured email (a plain dict, see `outbox.messages.snapshot`)."""
        with self._cond:
            self._queue.append(message)
            if self._running:
                self._cond.notify()
                return
            self._running = True
        threading.Thread(target=self._drain, name="mockfinra-smtp-relay", daemon=True).start()

    def _drain(self) -> None:
        while True:
            with self._cond:
                if not self._queue:
                    self._cond.wait(IDLE_SECONDS)
                if not self._queue:
                    self._running = False
                    return
                message = self._queue.popleft()
            try:
                self.send(message)
                log.debug("relayed email %s to %s via SMTP %s", message["id"], message["to"], self.target)
            except Exception as error:  # noqa: BLE001 - a relay failure must never surface
                log.warning(
                    "SMTP relay to %s failed for message %s (to %s): %s",
                    self.target,
                    message["id"],
                    message["to"],
                    error,
                )

    def send(self, message: dict[str, Any]) -> None:
        import smtplib
        import ssl

        target = self.target
        context = ssl.create_default_context()
        if not target.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        email = build_email(message, self.sender)
        smtp: smtplib.SMTP
        if target.security == "tls":
            smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(target.host, target.port, timeout=self.timeout)
        with smtp:
            if target.security == "starttls":
                smtp.starttls(context=context)
            if target.username:
                smtp.login(target.username, target.password or "")
            smtp.send_message(email)
