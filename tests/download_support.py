"""Shared helpers of the download tests: a seed of entitled users, tokens and URLs."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from mockfinra.settings import Settings

PASSWORD = "Ntf-Demo-2026"
#: Friday 20 November 2026, 15:00 in New York: that day's files are out
FRIDAY_AFTERNOON = "2026-11-20T20:00:00Z"
HANDLER = "/apidownload/DownloadHandler.ashx"
LEGACY = "/download/DownloadHandler.ashx"

USERS = {
    "trace@example.com": ["TRACE"],
    "adf@example.com": ["ADF"],
    "orf@example.com": ["ORF"],
    "trf@example.com": ["TRF"],
    "all@example.com": ["TRACE", "ADF", "ORF", "TRF"],
    "none@example.com": [],
}


def write_seed(directory: Path) -> Path:
    lines = []
    for login, entitlements in USERS.items():
        quoted = ", ".join(f'"{e}"' for e in entitlements)
        lines += ["[[users]]", f'login = "{login}"', f'password = "{PASSWORD}"', f"entitlements = [{quoted}]", ""]
    path = directory / "seed-downloads.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def download_settings(directory: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "seed": write_seed(directory),
        "clock_start": FRIDAY_AFTERNOON,
        "clock_frozen": True,
        "refdata_scale": 0.05,  # small files keep the tests fast; one test uses full size
    }
    values.update(overrides)
    return Settings.for_tests(**values)


def access_token(app: Any, login: str, scopes: Iterable[str] = ("openid", "traqs.refdata")) -> str:
    """An access token as the token endpoint would issue it to the `traqs-api` client."""
    from mockfinra.identity.oidc.tokens import issue_tokens_for_user
    from mockfinra.store.users import find_user_by_login

    ctx = app.state.ctx
    with ctx.store.transaction() as db:
        user = find_user_by_login(db, login)
        assert user is not None
        tokens = issue_tokens_for_user(
            ctx, db, user, "traqs-api", list(scopes), "http://127.0.0.1:8400/oauth2/default"
        )
    return tokens["access_token"]


def query(facility: str = "TRACE", file: str = "CAMASTER", date: str | None = None, action: str = "DOWNLOAD") -> str:
    parts = [f"action={action}", f"facility={facility}", f"file={file}"]
    if date:
        parts.append(f"date={date}")
    return "?" + "&".join(parts)
