"""A real server for the concurrency tests and the clients that race against it.

The store is a SQLite file (not memory: an in-memory store keeps its one lock, see mockfinra/store/base.py)
or, with `MOCKFINRA_TEST_DB=postgresql`, a throwaway PostgreSQL schema. Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import httpx

from mockfinra.scratch_db import wants_postgres
from mockfinra.settings import Settings
from tests.conftest import TEST_DATA

PASSWORD = "Ntf-Demo-2026"
ANSWER = "Brussels Sprouts"
REDIRECT = "http://127.0.0.1:53682/callback"
_logins = count(1)


def live_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"seed": TEST_DATA / "seed-minimal.toml"}
    if not wants_postgres():
        values["db"] = f"sqlite:///{tmp_path / 'race.db'}"
    values.update(overrides)
    return Settings.for_tests(**values)


def race(count_: int, attempt: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """`count_` calls of `attempt`, released together from a barrier, one thread each."""
    barrier = threading.Barrier(count_)

    def go() -> httpx.Response:
        barrier.wait(timeout=30)
        return attempt()

    with ThreadPoolExecutor(max_workers=count_) as pool:
        return [future.result(timeout=120) for future in [pool.submit(go) for _ in range(count_)]]


def make_user(base: str, factors: list[dict[str, Any]] | None = None) -> str:
    login = f"racer.{next(_logins)}.{secrets.token_hex(3)}@example.com"
    body = {"login": login, "password": PASSWORD, "firstName": "Race", "lastName": "User"}
    body["factors"] = factors or [{"factorType": "question", "question": "disliked_food", "answer": ANSWER}]
    response = httpx.post(f"{base}/_mock/users", json=body, timeout=30)
    assert response.status_code == 201, response.text
    return login


def primary(client: httpx.Client, login: str) -> dict[str, Any]:
    response = client.post("/api/v1/authn", json={"username": login, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


def factor_verify_href(transaction: dict[str, Any], factor_type: str) -> str:
    factor = next(f for f in transaction["_embedded"]["factors"] if f["factorType"] == factor_type)
    return str(factor["_links"]["verify"]["href"])


def session_token(client: httpx.Client, login: str) -> str:
    """Password, then the security question: the SUCCESS transaction's sessionToken."""
    tx = primary(client, login)
    href = factor_verify_href(tx, "question")
    response = client.post(href, json={"stateToken": tx["stateToken"], "answer": ANSWER})
    assert response.status_code == 200 and response.json()["status"] == "SUCCESS", response.text
    return str(response.json()["sessionToken"])


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorization_code(client: httpx.Client, token: str, challenge: str) -> str:
    params = {
        "client_id": "traqs-api",
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "openid offline_access traqs.refdata",
        "state": "s1",
        "nonce": "n1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "sessionToken": token,
    }
    response = client.get("/oauth2/default/v1/authorize", params=params, follow_redirects=False)
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["location"]).query)["code"][0]
