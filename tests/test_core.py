"""The foundation through HTTP: health, readiness, clock, reset, state, limits and site dispatch."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.clock import parse_instant
from mockfinra.settings import Settings
from tests.conftest import TEST_DATA


@pytest.fixture
def client(minimal_seed_settings: Settings):
    with TestClient(create_app(minimal_seed_settings), base_url="http://127.0.0.1:8400") as c:
        yield c


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/_mock/health").json()["status"] == "ok"
    response = client.get("/_mock/ready")
    assert response.status_code == 200 and response.json() == {"ready": True}


def test_ready_is_503_until_the_seed_is_loaded(minimal_seed_settings: Settings) -> None:
    app = create_app(minimal_seed_settings)
    client = TestClient(app)  # no lifespan yet: nothing loaded
    assert client.get("/_mock/ready").status_code == 503
    with TestClient(app) as started:
        assert started.get("/_mock/ready").status_code == 200


def test_every_response_carries_mock_time(client: TestClient) -> None:
    client.post("/_mock/clock", json={"set": "2026-03-02T14:30:00Z", "freeze": True})
    for path in ("/_mock/health", "/nowhere", "/apidownload/DownloadHandler.ashx"):
        assert client.get(path).headers["x-mock-time"] == "2026-03-02T14:30:00.000Z"


def test_clock_freeze_set_advance(client: TestClient) -> None:
    frozen = client.post("/_mock/clock", json={"freeze": True}).json()
    assert frozen["frozen"] is True
    again = client.get("/_mock/clock").json()
    assert again["now"] == frozen["now"]
    moved = client.post("/_mock/clock", json={"advance": 90}).json()
    assert parse_instant(moved["now"]) - parse_instant(frozen["now"]) == timedelta(seconds=90)
    client.post("/_mock/clock", json={"set": "2030-01-01T00:00:00Z"})
    assert client.get("/_mock/clock").json()["now"] == "2030-01-01T00:00:00.000Z"
    running = client.post("/_mock/clock", json={"freeze": False}).json()
    assert running["frozen"] is False
    assert parse_instant(running["now"]).year == 2030


def test_unfrozen_clock_keeps_its_offset(client: TestClient) -> None:
    client.post("/_mock/clock", json={"advance": 3600})
    now = parse_instant(client.get("/_mock/clock").json()["now"])
    expected = datetime.now(timezone.utc) + timedelta(hours=1)
    assert abs((now - expected).total_seconds()) < 5


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({}, "at least one"),
        ({"set": "yesterday"}, "ISO-8601"),
        ({"advance": "soon"}, "advance"),
        ({"rewind": 5}, "rewind"),
        ({"advance": 1e12}, "ten years"),
    ],
)
def test_clock_bad_input_is_a_clear_json_error(client: TestClient, body: dict, fragment: str) -> None:
    before = client.get("/_mock/clock").json()["frozen"]
    response = client.post("/_mock/clock", json=body)
    assert response.status_code == 400
    assert fragment in response.json()["message"]
    assert client.get("/_mock/clock").json()["frozen"] == before


def test_clock_malformed_json(client: TestClient) -> None:
    response = client.post("/_mock/clock", content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_state_dump_is_versioned_and_hides_secrets(client: TestClient) -> None:
    state = client.get("/_mock/state").json()
    assert state["version"] == 1
    logins = {user["login"] for user in state["users"]}
    assert logins == {"solo.user@example.com", "invited.user@example.com"}
    for user in state["users"]:
        assert "password_hash" not in user and "activation_token_digest" not in user
    assert {"factors", "sessions", "sessionTokens", "transactions", "messages"} <= state.keys()


def test_reset_wipes_and_reloads_seed_and_clock(client: TestClient) -> None:
    client.post("/_mock/clock", json={"set": "2031-05-05T00:00:00Z", "freeze": True})
    response = client.post("/_mock/reset")
    assert response.status_code == 200 and response.json()["users"] == 2
    assert client.get("/_mock/clock").json()["frozen"] is False
    assert len(client.get("/_mock/state").json()["users"]) == 2


def test_body_over_limit_is_413_in_surface_format(client: TestClient) -> None:
    big = b"x" * (1_048_576 + 1)
    api = client.post("/api/v1/authn", content=big, headers={"content-type": "application/json"})
    assert api.status_code == 413 and api.json()["errorCode"]
    mock = client.post("/_mock/clock", content=big, headers={"content-type": "application/json"})
    assert mock.status_code == 413 and "larger than" in mock.json()["message"]


def test_chunked_body_over_limit_is_413(client: TestClient) -> None:
    def chunks():
        for _ in range(20):
            yield b"y" * 65536

    response = client.post("/_mock/clock", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_unknown_paths_get_the_surface_format(client: TestClient) -> None:
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404 and api.json()["errorCode"] == "E0000007"
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]


def test_real_host_names_serve_their_site_at_root(client: TestClient) -> None:
    response = client.get("/DownloadHandler.ashx", headers={"host": "apidownload-ntf.finratraqs.org"})
    assert response.headers["content-type"].startswith("text/plain")
    mock = client.get("/_mock/health", headers={"host": "www-ntf.finratraqs.org"})
    assert mock.status_code == 200


def test_admin_token_guards_the_control_plane() -> None:
    settings = Settings.for_tests(seed=TEST_DATA / "seed-minimal.toml", admin_token="s3cret")
    with TestClient(create_app(settings)) as client:
        assert client.get("/_mock/health").status_code == 200
        assert client.get("/_mock/ready").status_code == 200
        denied = client.get("/_mock/state")
        assert denied.status_code == 401 and "admin token" in denied.json()["message"]
        assert client.post("/_mock/reset", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/_mock/state", headers={"Authorization": "SSWS s3cret"}).status_code == 200
        assert client.get("/_mock/clock", headers={"X-Mock-Token": "s3cret"}).status_code == 200
