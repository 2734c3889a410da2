"""Expired authn transactions leave in a periodic sweep, not on every sign-in (mockfinra/sweeper.py)."""

from __future__ import annotations

import time

from tests.authn_support import app_client, make_user, sign_in, state


def _transactions(client: object) -> int:
    return len(state(client)["transactions"])  # type: ignore[arg-type]


def test_a_sign_in_leaves_expired_transactions_for_the_sweep() -> None:
    with app_client(sweep_interval_seconds=3600) as client:
        login = make_user(client)["user"]["login"]
        assert sign_in(client, login).status_code == 200
        assert client.post("/_mock/clock", json={"advance": 2 * 3600}).status_code == 200
        assert sign_in(client, login).status_code == 200
        assert _transactions(client) == 2  # the expired one is still there: no delete on the request path


def test_the_sweep_removes_transactions_expired_an_hour_ago() -> None:
    with app_client(sweep_interval_seconds=0.05) as client:
        login = make_user(client)["user"]["login"]
        assert sign_in(client, login).status_code == 200
        assert client.post("/_mock/clock", json={"advance": 30 * 60}).status_code == 200
        time.sleep(0.3)
        assert _transactions(client) == 1  # expired, but not long enough ago to be pruned
        assert client.post("/_mock/clock", json={"advance": 2 * 3600}).status_code == 200
        deadline = time.monotonic() + 10
        while _transactions(client) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _transactions(client) == 0
