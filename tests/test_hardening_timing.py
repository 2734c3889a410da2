"""Issue 11: a wrong password costs the same whether or not the user exists, on every credential surface.

A realistic hash cost (not the cheap test cost), so that a skipped hash check would show: medians of 30
alternating requests, unknown user versus known user with a wrong password, within 20%. The suite runs in
parallel, so another test's burst can skew one measurement: a leak is systematic and shows in every one of
three measurements; the surface passes when one of them is within 20%.
"""

from __future__ import annotations

import base64
import statistics
import time
from typing import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.settings import Settings

REALISTIC_COST = 12
SEEDED = "trace.analyst@example.com"  # seeded at the seed's cheap cost: the check tops it up
CREATED = "created.user@example.com"  # created at the configured cost
UNKNOWN = "nobody.here@example.com"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    settings = Settings.for_tests(hash_cost=REALISTIC_COST, era="2021", legacy_allow_plain_http=True, lockout_threshold=0)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8400") as test_client:
        created = test_client.post(
            "/_mock/users", json={"login": CREATED, "password": "Ntf-Demo-2026", "entitlements": ["TRACE"]}
        )
        assert created.status_code == 201, created.text
        yield test_client


def medians(unknown: Callable[[], object], known: Callable[[], object], rounds: int = 30) -> tuple[float, float]:
    """Median milliseconds of each, measured alternately so that machine noise hits both alike."""
    unknown(), known()  # warm up (the dummy hash is made once)
    a: list[float] = []
    b: list[float] = []
    for _ in range(rounds):
        for call, times in ((unknown, a), (known, b)):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(a), statistics.median(b)


def assert_same_cost(unknown: Callable[[], object], known: Callable[[], object], surface: str, attempts: int = 3) -> None:
    seen: list[tuple[float, float]] = []
    for _ in range(attempts):
        unknown_ms, known_ms = medians(unknown, known)
        print(f"{surface}: unknown {unknown_ms:.1f} ms, known wrong password {known_ms:.1f} ms")
        if abs(unknown_ms - known_ms) <= 0.2 * max(unknown_ms, known_ms):
            return
        seen.append((round(unknown_ms, 1), round(known_ms, 1)))
    pytest.fail(f"{surface}: unknown vs known user medians (ms) differ by more than 20% every time: {seen}")


def legacy(client: TestClient, login: str) -> Callable[[], object]:
    auth = "Basic " + base64.b64encode(f"{login}:Wrong-Pass-1".encode()).decode()

    def call() -> object:
        response = client.get(
            "/download/DownloadHandler.ashx?action=DOWNLOAD&facility=TRACE&file=CAMASTER", headers={"authorization": auth}
        )
        assert response.status_code == 401
        return response

    return call


def authn(client: TestClient, login: str) -> Callable[[], object]:
    def call() -> object:
        response = client.post("/api/v1/authn", json={"username": login, "password": "Wrong-Pass-1"})
        assert response.status_code == 401
        return response

    return call


@pytest.mark.parametrize("known", [SEEDED, CREATED])
def test_legacy_basic_auth_costs_the_same_for_unknown_users(client: TestClient, known: str) -> None:
    assert_same_cost(legacy(client, UNKNOWN), legacy(client, known), f"legacy Basic auth ({known})")


@pytest.mark.parametrize("known", [SEEDED, CREATED])
def test_classic_sign_in_costs_the_same_for_unknown_users(client: TestClient, known: str) -> None:
    assert_same_cost(authn(client, UNKNOWN), authn(client, known), f"/api/v1/authn ({known})")


# --- recovery: no password is checked, but a known user's answer writes a token and a captured message --------

PHONE_USER = "recovery.phone@example.com"
PHONE = "+1 555-415-2026"


@pytest.fixture(scope="module")
def recovering() -> Iterator[TestClient]:
    """A classic-era server (SMS recovery offered) with a user who has an email and an SMS factor."""
    with TestClient(create_app(Settings.for_tests(era="2021")), base_url="http://127.0.0.1:8400") as test_client:
        made = test_client.post(
            "/_mock/users",
            json={"login": PHONE_USER, "password": "Ntf-Demo-2026", "factors": [{"factorType": "sms", "phoneNumber": PHONE}]},
        )
        assert made.status_code == 201, made.text
        yield test_client


def recovery(client: TestClient, kind: str, login: str, factor_type: str) -> Callable[[], object]:
    def call() -> object:
        response = client.post(f"/api/v1/authn/recovery/{kind}", json={"username": login, "factorType": factor_type})
        assert response.status_code == 200, response.text
        return response

    return call


@pytest.mark.parametrize(("kind", "factor_type"), [("password", "EMAIL"), ("password", "SMS"), ("unlock", "EMAIL")])
def test_recovery_costs_the_same_for_unknown_users(recovering: TestClient, kind: str, factor_type: str) -> None:
    assert_same_cost(
        recovery(recovering, kind, UNKNOWN, factor_type),
        recovery(recovering, kind, PHONE_USER, factor_type),
        f"recovery {kind} by {factor_type}",
    )


def test_an_unknown_users_recovery_leaves_nothing_behind(recovering: TestClient) -> None:
    def kept() -> tuple[int, int, list[str]]:
        state = recovering.get("/_mock/state").json()
        sent = recovering.get("/_mock/messages").json()
        return len(state["recoveryTokens"]), len(state["messages"]), [m["to"] for m in sent]

    before = kept()
    for kind, factor_type in (("password", "EMAIL"), ("password", "SMS"), ("unlock", "EMAIL")):
        recovery(recovering, kind, UNKNOWN, factor_type)()
    after = kept()
    assert after == before
    assert UNKNOWN not in after[2]
    recovery(recovering, "password", PHONE_USER, "EMAIL")()  # a known user's is kept and sent, as before
    assert len(recovering.get("/_mock/state").json()["recoveryTokens"]) == before[0] + 1
    assert recovering.get("/_mock/messages/latest", params={"to": PHONE_USER}).json()["to"] == PHONE_USER
