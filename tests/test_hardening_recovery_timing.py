"""Issue 11: the recovery surface (forgot password, unlock) costs the same whether or not the user exists.

Like tests/test_hardening_timing.py for the password surfaces: medians of 30 alternating requests, an
unknown user versus a known one (who gets the email or the SMS), within 20%.
"""

from __future__ import annotations

from typing import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.settings import Settings
from tests.test_hardening_timing import assert_close, medians

KNOWN = "recovering.user@example.com"
UNKNOWN = "nobody.here@example.com"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    settings = Settings.for_tests(era="2021", recovery_sms_mobile_phone=True)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8400") as test_client:
        created = test_client.post(
            "/_mock/users",
            json={"login": KNOWN, "password": "Ntf-Demo-2026", "entitlements": ["TRACE"], "mobilePhone": "+12025550123"},
        )
        assert created.status_code == 201, created.text
        yield test_client


def recovery(client: TestClient, kind: str, login: str, factor_type: str) -> Callable[[], object]:
    def call() -> object:
        response = client.post(f"/api/v1/authn/recovery/{kind}", json={"username": login, "factorType": factor_type})
        assert response.status_code == 200, response.text
        return response

    return call


# Open (issue 11): an unknown user's email is composed but not stored, so the answer no longer skips the
# rendering (was 9 vs 13 ms, 29 vs 44 ms); the known user's two inserts (recovery token, captured message)
# and the outbox notification still cost some 3-4 ms more (about 25%).
@pytest.mark.xfail(reason="a known user's recovery still writes the token and the message: ~25% slower", strict=False)
@pytest.mark.parametrize(("kind", "factor_type"), [("password", "EMAIL"), ("password", "SMS"), ("unlock", "EMAIL")])
def test_recovery_costs_the_same_for_unknown_users(client: TestClient, kind: str, factor_type: str) -> None:
    unknown, known = recovery(client, kind, UNKNOWN, factor_type), recovery(client, kind, KNOWN, factor_type)
    assert_close(*medians(unknown, known), f"/api/v1/authn/recovery/{kind} {factor_type}")
