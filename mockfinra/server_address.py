"""Where the configured server answers: what `mockfinra serve` prints and the client commands call."""

from __future__ import annotations

from typing import Any

from mockfinra.settings import Settings


def settings_from(**overrides: Any) -> Settings:
    """Settings from the environment, with a command line's explicit options (not None) on top."""
    return Settings(**{key: value for key, value in overrides.items() if value is not None})


def reachable_host(host: str) -> str:
    """The address a person can open: a wildcard bind is reachable on loopback."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def server_url(settings: Settings) -> str:
    """`http(s)://<reachable host>:<port>` of the server these settings describe."""
    scheme = "https" if settings.tls_cert else "http"
    return f"{scheme}://{reachable_host(settings.host)}:{settings.port}"
