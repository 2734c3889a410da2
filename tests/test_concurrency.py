"""Real concurrency against a real server: what must happen once happens once, and a crowd signing in at
the same moment gets no 5xx. Correctness comes from the database's transactions (no lock in Python
for a SQLite file or PostgreSQL; see mockfinra/store/base.py). Each race runs against one process and
against four worker processes on PostgreSQL (docs/workers.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import httpx
import pytest

from mockfinra.clock import parse_instant
from mockfinra.testing import MockfinraServer
from tests.authn_support import SECRET, totp
from tests.concurrency_support import (
    ANSWER,
    PASSWORD,
    REDIRECT,
    authorization_code,
    factor_verify_href,
    live_settings,
    make_user,
    pkce,
    primary,
    race,
    session_token,
)
from tests.workers_support import postgres_base, postgres_workers

__all__ = ["postgres_base", "postgres_workers"]  # the fixtures

RACERS = 8


@pytest.fixture(params=[1, 4], ids=["one-process", "four-workers-postgresql"])
def base(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == 4:
        yield request.getfixturevalue("postgres_workers").url  # four workers on PostgreSQL (docs/workers.md)
        return
    with MockfinraServer(live_settings(tmp_path)) as server:
        yield server.url


def _client(base: str, timeout: float = 60) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=timeout)


def _statuses(responses: list[httpx.Response]) -> list[int]:
    return sorted(response.status_code for response in responses)


def test_a_session_token_is_redeemed_once(base: str) -> None:
    with _client(base) as client:
        token = session_token(client, make_user(base))
    responses = race(RACERS, lambda: httpx.post(f"{base}/api/v1/sessions", json={"sessionToken": token}, timeout=60))
    assert [r.status_code for r in responses].count(200) == 1, _statuses(responses)
    assert all(r.status_code < 500 for r in responses), _statuses(responses)


def test_an_authorization_code_is_exchanged_once(base: str) -> None:
    verifier, challenge = pkce()
    with _client(base) as client:
        code = authorization_code(client, session_token(client, make_user(base)), challenge)
    form = {
        "grant_type": "authorization_code",
        "client_id": "traqs-api",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    responses = race(RACERS, lambda: httpx.post(f"{base}/oauth2/default/v1/token", data=form, timeout=60))
    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1, _statuses(responses)
    assert all(r.status_code == 400 and r.json()["error"] == "invalid_grant" for r in responses if r not in winners)


def test_a_state_token_step_succeeds_once(base: str) -> None:
    with _client(base) as client:
        tx = primary(client, make_user(base))
    href = factor_verify_href(tx, "question")
    body = {"stateToken": tx["stateToken"], "answer": ANSWER}
    responses = race(RACERS, lambda: httpx.post(href, json=body, timeout=60))
    successes = [r for r in responses if r.status_code == 200 and r.json().get("status") == "SUCCESS"]
    assert len(successes) == 1, [(r.status_code, r.text[:80]) for r in responses]
    assert all(r.status_code < 500 for r in responses), _statuses(responses)


def test_a_totp_code_is_accepted_once_across_transactions(base: str) -> None:
    totp_factor = {"factorType": "token:software:totp", "provider": "GOOGLE", "sharedSecret": SECRET}
    login = make_user(base, [totp_factor])
    with _client(base) as client:
        transactions = [primary(client, login) for _ in range(RACERS)]
        now = parse_instant(client.get("/_mock/clock").json()["now"])
    code = totp(SECRET, now)
    pending = iter(transactions)

    def verify() -> httpx.Response:
        tx = next(pending)
        href = factor_verify_href(tx, "token:software:totp")
        return httpx.post(href, json={"stateToken": tx["stateToken"], "passCode": code}, timeout=60)

    responses = race(RACERS, verify)
    successes = [r for r in responses if r.status_code == 200 and r.json().get("status") == "SUCCESS"]
    assert len(successes) == 1, [(r.status_code, r.text[:80]) for r in responses]
    refused = [r for r in responses if r not in successes]
    # a replayed code is a failed factor attempt: enough of them lock the user (E0000069), never a 5xx
    assert all(r.status_code == 403 and r.json()["errorCode"] in ("E0000068", "E0000069") for r in refused), [
        r.text[:200] for r in refused
    ]


def test_two_hundred_concurrent_sign_ins_get_no_server_error(base: str) -> None:
    logins = [make_user(base) for _ in range(20)]
    crowd = 200
    pending = iter(range(crowd))

    def sign_in() -> httpx.Response:
        login = logins[next(pending) % len(logins)]
        with _client(base, timeout=300) as client:  # generous: two shared cores, a crowd of 200
            tx = client.post("/api/v1/authn", json={"username": login, "password": PASSWORD})
            if tx.status_code != 200:
                return tx
            href = factor_verify_href(tx.json(), "question")
            return client.post(href, json={"stateToken": tx.json()["stateToken"], "answer": ANSWER})

    responses = race(crowd, sign_in)
    assert _statuses(responses) == [200] * crowd, [(r.status_code, r.text[:100]) for r in responses if r.status_code != 200]
    assert all(r.json()["status"] == "SUCCESS" for r in responses)
