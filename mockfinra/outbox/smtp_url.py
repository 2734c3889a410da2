"""`settings.smtp_url`: where captured emails are relayed (parsed without the relay, so settings can check it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

Security = Literal["plain", "starttls", "tls"]
SCHEMES: dict[str, tuple[Security, int]] = {
    "smtp": ("plain", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("tls", 465),
}
@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    security: Security = "plain"
    username: str | None = None
    password: str | None = None
    verify: bool = True

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpTarget:
    """`smtp://[user:pass@]host[:port]`, `smtp+starttls://...` or `smtps://...`; `?verify=false` skips
    certificate checks (self-signed local servers). Raises ValueError with a readable reason."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(s + '://' for s in SCHEMES)}, not {url!r}")
    if not parts.hostname:
        raise ValueError(f"no host in {url!r}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"bad port in {url!r}") from None
    security, default_port = SCHEMES[scheme]
    verify_values = parse_qs(parts.query).get("verify", ["true"])
    return SmtpTarget(
        host=parts.hostname,
        port=port or default_port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        verify=verify_values[-1].lower() not in ("false", "0", "no", "off"),
    )
