"""Origins and trusted-origin entries as text: parsing and normalising, nothing else (the settings use it).

ASSUMPTION: only `http` and `https` origins (Okta also takes ftp, ionic and capacitor schemes, which no
browser sends to a local mock).
"""

from __future__ import annotations

from typing import Iterable, Literal
from urllib.parse import urlsplit

Scope = Literal["CORS", "REDIRECT"]
SCOPES: tuple[Scope, ...] = ("CORS", "REDIRECT")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_origin(text: str) -> str:
    """`HTTPS://Spa.Example:443/` → `https://spa.example`; ValueError (with a message) unless it is an origin."""
    value = text.strip()
    if not value or any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in value):
        raise ValueError(f"'{text}' is not an origin such as https://app.example.com or http://127.0.0.1:9000.")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError(f"'{text}' has an invalid port.") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"'{text}' is not an http:// or https:// origin such as https://app.example.com.")
    if parts.username is not None or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"'{text}' is not an origin: give scheme, host and port only (no path, query or user).")
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    shown_port = "" if port is None or port == _DEFAULT_PORTS[scheme] else f":{port}"
    return f"{scheme}://{host}{shown_port}"


def normalise_scopes(scopes: Iterable[str]) -> tuple[Scope, ...]:
    """Upper-cased, known, without repeats, in the order CORS, REDIRECT; at least one."""
    given = {str(scope).strip().upper() for scope in scopes}
    unknown = sorted(given - set(SCOPES))
    if unknown:
        raise ValueError(f"Unknown scope {', '.join(unknown)}: a trusted origin's scopes are CORS and REDIRECT.")
    if not given:
        raise ValueError("A trusted origin needs at least one scope: CORS and/or REDIRECT.")
    return tuple(scope for scope in SCOPES if scope in given)


def parse_entry(text: str) -> tuple[str, tuple[Scope, ...]]:
    """A settings entry: `ORIGIN` (both scopes) or `ORIGIN=SCOPE[+SCOPE]`."""
    origin, sep, scopes = text.partition("=")
    if not sep:
        return normalise_origin(origin), SCOPES
    return normalise_origin(origin), normalise_scopes(part for part in scopes.split("+") if part.strip())
