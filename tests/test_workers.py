"""`mockfinra serve --workers 4`: one port, several processes, one mock world (docs/workers.md).

Every request goes out on a new connection, so the kernel spreads them over the workers; the diagnostic
header `X-Mock-Worker` (the answering process) shows that they did.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.test_serve_process import ServeProcess, clean_env, run_cli
from tests.workers_support import SEED, fresh, postgres_base, postgres_workers, serving, wait_for_workers, worker_of

pytestmark = pytest.mark.serve
__all__ = ["postgres_base", "postgres_workers"]  # the fixtures

#: requests per check: enough to land on several of the four workers
SPREAD = 16
LOGIN = "solo.user@example.com"


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    tmp = tmp_path_factory.mktemp("workers")
    with serving(tmp, f"sqlite:///{tmp / 'shared.db'}") as server:
        yield server


def spread(url: str, method: str, path: str, **kwargs: object) -> list[httpx.Response]:
    """`SPREAD` requests on new connections, some at once; they must have reached more than one worker."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(lambda _: fresh(url, method, path, **kwargs), range(SPREAD)))
    assert len({worker_of(response) for response in responses}) > 1, "every request reached one worker"
    return responses


def test_workers_refuse_an_in_memory_store() -> None:
    done = run_cli("serve", "--workers", "2", "--db", "memory", env=clean_env())
    assert done.returncode == 2, done.stdout + done.stderr
    assert "2 workers need a store they can share" in done.stderr
    assert "Traceback" not in done.stderr
    by_env = run_cli("serve", env=clean_env(MOCKFINRA_WORKERS="3", MOCKFINRA_DB="memory"))
    assert by_env.returncode == 2 and "3 workers need a store they can share" in by_env.stderr


def test_requests_are_served_by_shares_state(sqlite_server: ServeProcess) -> None:
    responses = spread(sqlite_server.url, "GET", "/_mock/health")
    assert all(response.status_code == 200 for response in responses)
    assert all(worker_of(response).isdigit() for response in responses)


def test_a_clock_change_on_one_worker_is_seen_by_the_next_request_on_any(sqlite_server: ServeProcess) -> None:
    url = sqlite_server.url
    try:
        changed = fresh(url, "POST", "/_mock/clock", json={"set": "2031-02-03T04:05:06Z", "freeze": True})
        assert changed.status_code == 200, changed.text
        for response in spread(url, "GET", "/_mock/clock"):
            assert response.headers["x-mock-time"] == "2031-02-03T04:05:06.000Z"
            assert response.json()["frozen"] is True
        # each change starts from the stored state, whichever worker makes it: ten advances add up
        for _ in range(10):
            assert fresh(url, "POST", "/_mock/clock", json={"advance": 60}).status_code == 200
        assert {r.headers["x-mock-time"] for r in spread(url, "GET", "/_mock/health")} == {"2031-02-03T04:15:06.000Z"}
    finally:
        fresh(url, "POST", "/_mock/clock", json={"freeze": False})


def test_an_era_change_is_seen_by_every_worker(sqlite_server: ServeProcess) -> None:
    url = sqlite_server.url
    try:
        assert fresh(url, "POST", "/_mock/era", json={"era": "2021"}).json()["era"] == "2021"
        assert {response.json()["era"] for response in spread(url, "GET", "/_mock/era")} == {"2021"}
    finally:
        fresh(url, "POST", "/_mock/era", json={"era": None})
    assert {response.json()["era"] for response in spread(url, "GET", "/_mock/era")} == {"2024"}


def test_a_fault_made_or_removed_on_one_worker_applies_on_every_worker(sqlite_server: ServeProcess) -> None:
    url = sqlite_server.url
    created = fresh(url, "POST", "/_mock/faults", json={"path": "/traqs/*", "status": 503})
    assert created.status_code == 201, created.text
    try:
        faulted = spread(url, "GET", "/traqs/")
        assert {response.status_code for response in faulted} == {503}
        assert {response.headers["x-mock-fault"] for response in faulted} == {created.json()["id"]}
    finally:
        assert fresh(url, "DELETE", f"/_mock/faults/{created.json()['id']}").status_code == 200
    assert all("x-mock-fault" not in response.headers for response in spread(url, "GET", "/traqs/"))


def test_a_reset_on_one_worker_is_seen_by_every_worker(sqlite_server: ServeProcess) -> None:
    url = sqlite_server.url
    fresh(url, "POST", "/_mock/clock", json={"set": "2032-01-01T00:00:00Z", "freeze": True})
    fresh(url, "POST", "/_mock/era", json={"era": "2026"})
    fault = fresh(url, "POST", "/_mock/faults", json={"path": "/traqs/*", "status": 500}).json()["id"]
    spread(url, "GET", "/traqs/")  # every worker has the fault list cached now
    made = fresh(url, "POST", "/_mock/users", json={"login": "temp.worker@example.com", "password": "Ntf-Demo-2026"})
    assert made.status_code == 201, made.text

    reset = fresh(url, "POST", "/_mock/reset")
    assert reset.status_code == 200, reset.text
    after = spread(url, "GET", "/_mock/clock")
    assert all(response.json()["frozen"] is False for response in after)
    assert all(not response.headers["x-mock-time"].startswith("2032") for response in after)
    assert {response.json()["era"] for response in spread(url, "GET", "/_mock/era")} == {"2024"}
    assert all("x-mock-fault" not in response.headers for response in spread(url, "GET", "/traqs/"))
    assert fresh(url, "GET", f"/_mock/faults/{fault}").status_code == 404


def _recovery_email(url: str) -> httpx.Response:
    return fresh(url, "POST", "/api/v1/authn/recovery/password", json={"username": LOGIN, "factorType": "EMAIL"})


def test_a_long_poll_wakes_when_another_worker_records_a_message(sqlite_server: ServeProcess) -> None:
    url = sqlite_server.url
    fresh(url, "DELETE", "/_mock/messages")
    polls: list[tuple[httpx.Response, float]] = []

    def long_poll() -> None:
        began = time.monotonic()
        response = fresh(url, "GET", "/_mock/messages", params={"to": LOGIN, "wait": 30})
        polls.append((response, time.monotonic() - began))

    threads = [threading.Thread(target=long_poll) for _ in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)  # the long-polls are asleep on their workers
    sent = _recovery_email(url)
    assert sent.status_code == 200, sent.text
    for thread in threads:
        thread.join(timeout=40)
    assert len(polls) == 6
    for response, took in polls:
        assert response.status_code == 200 and len(response.json()) == 1, response.text
        assert took < 10, f"woken after {took:.1f} s"
    assert len({worker_of(response) for response, _ in polls} | {worker_of(sent)}) > 1


def test_an_event_stream_on_one_worker_gets_a_message_made_on_another(sqlite_server: ServeProcess) -> None:
    url = sqlite_server.url
    streams: list[str] = []

    def listen() -> None:
        with httpx.stream("GET", f"{url}/_mock/messages/stream", params={"to": LOGIN}, timeout=30) as response:
            streams.append(worker_of(response))
            for line in response.iter_lines():
                if line.startswith("event: message"):
                    streams.append("message")
                    return

    threads = [threading.Thread(target=listen, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    sent = _recovery_email(url)
    assert sent.status_code == 200, sent.text
    for thread in threads:
        thread.join(timeout=20)
    assert streams.count("message") == 4, streams
    assert len({item for item in streams if item != "message"} | {worker_of(sent)}) > 1


def test_workers_starting_together_on_an_empty_database_seed_it_once(tmp_path: Path) -> None:
    """Two servers (`--workers 2` and one process) on one new file at the same moment: one seed, one invitation."""
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    env = clean_env(MOCKFINRA_HASH_COST="4")
    both = [
        ServeProcess(tmp_path, "--quiet", "--workers", str(workers), "--db", db, "--seed", str(SEED), env=env)
        for workers in (2, 1)
    ]
    try:
        for server in both:
            server.wait_ready(120)
        wait_for_workers(both[0], 2)
        state = fresh(both[0].url, "GET", "/_mock/state").json()
        assert sorted(user["login"] for user in state["users"]) == ["invited.user@example.com", LOGIN]
        invitations = fresh(both[1].url, "GET", "/_mock/messages", params={"to": "invited.user@example.com"}).json()
        assert len(invitations) == 1, invitations
        # an open event stream does not hold up the workers' stop (`stop` fails after 15 s)
        connected = threading.Event()

        def listen() -> None:
            try:
                with httpx.stream("GET", f"{both[0].url}/_mock/messages/stream", timeout=60) as response:
                    for _ in response.iter_lines():
                        connected.set()
            except httpx.HTTPError:
                pass  # the server went away: what this test does

        threading.Thread(target=listen, daemon=True).start()
        assert connected.wait(30)
    finally:
        for server in both:
            server.stop()


def test_postgresql_workers_share_the_clock_and_wake_each_other(postgres_workers: ServeProcess) -> None:
    url = postgres_workers.url
    fresh(url, "POST", "/_mock/clock", json={"set": "2033-03-03T03:03:03Z", "freeze": True})
    assert {r.headers["x-mock-time"] for r in spread(url, "GET", "/_mock/health")} == {"2033-03-03T03:03:03.000Z"}
    assert fresh(url, "POST", "/_mock/reset").status_code == 200
    assert all(not r.headers["x-mock-time"].startswith("2033") for r in spread(url, "GET", "/_mock/health"))

    polls: list[tuple[httpx.Response, float]] = []

    def long_poll() -> None:
        began = time.monotonic()
        polls.append((fresh(url, "GET", "/_mock/messages", params={"to": LOGIN, "wait": 30}), time.monotonic() - began))

    threads = [threading.Thread(target=long_poll) for _ in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    sent = _recovery_email(url)
    assert sent.status_code == 200, sent.text
    for thread in threads:
        thread.join(timeout=40)
    assert [len(response.json()) for response, _ in polls] == [1] * 6
    assert max(took for _, took in polls) < 10
    assert len({worker_of(response) for response, _ in polls} | {worker_of(sent)}) > 1


def test_replicas_that_say_they_share_the_store_share_the_clock(tmp_path: Path) -> None:
    """Two servers (not workers of one) on one SQLite file: with `shared_store` the clock set on one is seen
    on the other; without it each keeps its own (the replicas of deploy/compose.yaml set it)."""
    from fastapi.testclient import TestClient

    from mockfinra.app import create_app
    from mockfinra.settings import Settings

    def pair(shared: bool, name: str) -> tuple[TestClient, TestClient]:
        db = f"sqlite:///{tmp_path / name}"
        return (TestClient(create_app(Settings.for_tests(db=db, shared_store=shared))),
                TestClient(create_app(Settings.for_tests(db=db, shared_store=shared))))

    for shared, name in ((True, "shared.db"), (False, "own.db")):
        first, second = pair(shared, name)
        with first, second:
            assert first.post("/_mock/clock", json={"set": "2030-01-02T03:04:05Z"}).status_code == 200
            seen = second.get("/_mock/clock").json()["now"]
        assert seen.startswith("2030-01-02T03:04") is shared, (shared, seen)
