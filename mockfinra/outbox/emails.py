"""Every email the mock sends, in one place: subject, a plain-text part and an HTML part.

The parts are Jinja2 templates under `templates/email/` (`<name>.txt` and `<name>.html`, the HTML ones
extending `email/layout.html` with inline styles, as mail clients need). `send()` captures one in the outbox.

ASSUMPTION: the wording follows Okta's default templates (activation, password reset, unlock, email
verification code) adapted to the NASDAQ MFA service; the real NTF emails are not public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from mockfinra.clock import Clock, isoformat_z
from mockfinra.outbox.hub import OutboxHub
from mockfinra.resources import TEMPLATES_DIR
from mockfinra.store.outbox import Message

#: who the emails come from, as the reader sees it
BRAND = "NASDAQ MFA service"


@dataclass(frozen=True)
class Email:
    kind: str
    subject: str
    text: str
    html: str
    link: str | None = None
    code: str | None = None


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )


def _render(kind: str, template: str, subject: str, link: str | None = None, code: str | None = None,
            **values: Any) -> Email:
    env = _environment()
    values = {"org": BRAND, "subject": subject, "link": link, "code": code, **values}
    text = env.get_template(f"email/{template}.txt").render(**values).rstrip() + "\n"
    html = env.get_template(f"email/{template}.html").render(**values)
    return Email(kind=kind, subject=subject, text=text, html=html, link=link, code=code)


def greeting(first_name: str | None) -> str:
    return f"Hello {first_name}," if first_name else "Hello,"


def in_words(moment: datetime) -> str:
    """`Thursday 10 December 2026 at 15:04 UTC`."""
    moment = moment.astimezone(timezone.utc)
    return f"{moment:%A} {moment.day} {moment:%B %Y at %H:%M} UTC"


def activation(first_name: str | None, login: str, link: str, expires: datetime) -> Email:
    """Okta's activation email: the `/welcome/{token}` link and when it stops working."""
    return _render(
        "activation", "activation", f"Welcome to the {BRAND} (NTF)", link=link,
        greeting=greeting(first_name), login=login, expires=isoformat_z(expires), expires_words=in_words(expires),
    )


def recovery_link(first_name: str | None, recovery_type: str, link: str, expires: datetime) -> Email:
    """The self-service password reset (`PASSWORD`) or unlock (`UNLOCK`) link."""
    if recovery_type == "PASSWORD":
        subject = "Reset your NASDAQ MFA password (NTF)"
        action = "A password reset was requested for your NASDAQ MFA account. To choose a new password"
        button = "Reset your password"
    else:
        subject = "Unlock your NASDAQ MFA account (NTF)"
        action = "An account unlock was requested for your NASDAQ MFA account. To unlock it"
        button = "Unlock your account"
    return _render(
        f"recovery-{recovery_type.lower()}", "recovery_link", subject, link=link, greeting=greeting(first_name),
        action=action, button=button, expires=isoformat_z(expires), expires_words=in_words(expires),
    )


def recovery_code(first_name: str | None, unlock: bool, code: str, minutes: int) -> Email:
    """A verification code by email for a password reset or an unlock."""
    subject = "Unlock your NASDAQ MFA account (NTF)" if unlock else "Reset your NASDAQ MFA password (NTF)"
    return _render(
        f"recovery-{'unlock' if unlock else 'password'}-code", "code", subject, code=code,
        greeting=greeting(first_name), purpose="unlock your account" if unlock else "reset your password",
        minutes=minutes,
    )


def okta_verify_setup(first_name: str | None, link: str) -> Email:
    """The Okta Verify enrollment link sent by email."""
    return _render("okta-verify-setup", "okta_verify", "Set up Okta Verify", link=link, greeting=greeting(first_name))


def send(
    db: Session,
    clock: Clock,
    hub: OutboxHub,
    to: str,
    email: Email,
    meta: dict[str, Any] | None = None,
    rehearsal: bool = False,
) -> Message:
    """Capture `email` for `to` (channel `email`); `meta` gets `kind` unless it names one. A `rehearsal`
    costs the same and keeps nothing (`messages.record`)."""
    from mockfinra.outbox.messages import record

    return record(
        db, clock, hub, channel="email", to=to, subject=email.subject, body=email.text, html=email.html,
        link=email.link, code=email.code, meta={"kind": email.kind, **(meta or {})}, rehearsal=rehearsal,
    )
