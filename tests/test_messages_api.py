"""`/_mock/messages` through HTTP: filters, ordering, since, latest, by id, delete, long-poll, bad input."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete

from mockfinra.app import create_app
from mockfinra.outbox.messages import record
from mockfinra.settings import Settings
from mockfinra.store.outbox import Message
from tests.conftest import TEST_DATA


def make_app(**overrides: Any) -> FastAPI:
    return create_app(Settings.for_tests(seed=TEST_DATA / "seed-minimal.toml", seed_invitations=False, **overrides))


@pytest.fixture
def app() -> FastAPI:
    return make_app(messages_wait_cap_seconds=60)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1:8400") as c:
        with app.state.ctx.store.transaction() as db:
            db.execute(delete(Message))  # whatever the seed may have sent
        yield c


def add(app: FastAPI, channel: str, to: str, body: str, **extra: Any) -> str:
    ctx = app.state.ctx
    with ctx.store.transaction() as db:
        return record(db, ctx.clock, ctx.outbox, channel=channel, to=to, body=body, **extra).id


def add_later(app: FastAPI, delay: float, *args: Any, **kwargs: Any) -> threading.Thread:
    def run() -> None:
        time.sleep(delay)
        add(app, *args, **kwargs)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [message["id"] for message in response.json()]


def test_list_newest_first_with_extracted_code_and_link(app: FastAPI, client: TestClient) -> None:
    client.post("/_mock/clock", json={"freeze": True, "set": "2026-03-02T14:30:00Z"})
    first = add(app, "sms", "+15554151337", "Your verification code is 482913")
    second = add(
        app,
        "email",
        "alice@example.com",
        "Activate: http://127.0.0.1:8400/welcome/abc123.",
        subject="Welcome",
        meta={"template": "activation"},
    )
    body = client.get("/_mock/messages").json()
    assert [m["id"] for m in body] == [second, first]  # same frozen instant: recording order decides
    assert body[0] == {
        "id": second,
        "channel": "email",
        "to": "alice@example.com",
        "subject": "Welcome",
        "body": "Activate: http://127.0.0.1:8400/welcome/abc123.",
        "text": "Activate: http://127.0.0.1:8400/welcome/abc123.",
        "html": None,
        "code": None,
        "link": "http://127.0.0.1:8400/welcome/abc123",
        "createdAt": "2026-03-02T14:30:00.000Z",
        "meta": {"template": "activation"},
    }
    assert body[1]["code"] == "482913" and body[1]["link"] is None


def test_filter_by_channel_and_to(app: FastAPI, client: TestClient) -> None:
    sms = add(app, "sms", "+1 555-415-1337", "code 111111")
    voice = add(app, "voice", "+15554151337", "code 222222")
    email = add(app, "email", "Alice@Example.com", "hello")
    add(app, "email", "bob@example.com", "hello bob")
    assert ids(client.get("/_mock/messages", params={"channel": "sms"})) == [sms]
    assert ids(client.get("/_mock/messages", params={"channel": "sms,voice"})) == [voice, sms]
    for phone in ("+15554151337", "+1 (555) 415-1337", "1.555.415.1337"):
        assert ids(client.get("/_mock/messages", params={"to": phone})) == [voice, sms]
    assert ids(client.get("/_mock/messages", params={"to": "ALICE@example.com"})) == [email]
    assert ids(client.get("/_mock/messages", params={"to": "alice@example.com", "channel": "sms"})) == []
    assert ids(client.get("/_mock/messages", params={"to": "+15554151338"})) == []


def test_limit(app: FastAPI, client: TestClient) -> None:
    made = [add(app, "sms", "+15550001111", f"code {n:06d}") for n in range(5)]
    assert ids(client.get("/_mock/messages", params={"limit": 2})) == made[:-3:-1]


def test_since_message_id_and_instant(app: FastAPI, client: TestClient) -> None:
    client.post("/_mock/clock", json={"freeze": True, "set": "2026-03-02T14:30:00Z"})
    old = add(app, "sms", "+15550001111", "code 111111")
    client.post("/_mock/clock", json={"advance": 60})
    mid = add(app, "sms", "+15550001111", "code 222222")
    new = add(app, "sms", "+15550001111", "code 333333")  # same instant as `mid`
    assert ids(client.get("/_mock/messages", params={"since": old})) == [new, mid]
    assert ids(client.get("/_mock/messages", params={"since": mid})) == [new]
    assert ids(client.get("/_mock/messages", params={"since": new})) == []
    # An instant includes messages created at that instant (a frozen clock gives equal timestamps).
    assert ids(client.get("/_mock/messages", params={"since": "2026-03-02T14:31:00Z"})) == [new, mid]
    assert ids(client.get("/_mock/messages", params={"since": "2026-03-02T14:30:00.001Z"})) == [new, mid]
    assert ids(client.get("/_mock/messages", params={"since": "2026-03-02T14:29:00Z"})) == [new, mid, old]
    # An unencoded '+' arrives as a space; it is still understood.
    assert ids(client.get("/_mock/messages?since=2026-03-02T14:31:00+00:00")) == [new, mid]
    assert ids(client.get("/_mock/messages", params={"since": "2026-03-02T16:31:00+02:00"})) == [new, mid]


def test_latest_and_get_by_id(app: FastAPI, client: TestClient) -> None:
    assert client.get("/_mock/messages/latest").status_code == 404
    sms = add(app, "sms", "+15550001111", "code 111111")
    email = add(app, "email", "alice@example.com", "hi")
    assert client.get("/_mock/messages/latest").json()["id"] == email
    assert client.get("/_mock/messages/latest", params={"channel": "sms"}).json()["id"] == sms
    response = client.get("/_mock/messages/latest", params={"to": "nobody@example.com"})
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    assert client.get(f"/_mock/messages/{sms}").json()["code"] == "111111"
    missing = client.get("/_mock/messages/msgDoesNotExist")
    assert missing.status_code == 404 and "msgDoesNotExist" in missing.json()["message"]


def test_delete_all_and_filtered(app: FastAPI, client: TestClient) -> None:
    add(app, "sms", "+15550001111", "code 111111")
    add(app, "sms", "+15550002222", "code 222222")
    keep = add(app, "email", "alice@example.com", "hi")
    add(app, "email", "bob@example.com", "hi")
    assert client.delete("/_mock/messages", params={"to": "+1 555 000 1111"}).json() == {"deleted": 1}
    assert client.delete("/_mock/messages", params={"channel": "sms"}).json() == {"deleted": 1}
    assert client.delete("/_mock/messages", params={"to": "BOB@example.com", "channel": "email"}).json() == {
        "deleted": 1
    }
    assert ids(client.get("/_mock/messages")) == [keep]
    assert client.delete("/_mock/messages").json() == {"deleted": 1}
    assert client.get("/_mock/messages").json() == []
    assert client.get("/_mock/state").json()["messages"] == []


def test_long_poll_returns_as_soon_as_a_message_arrives(app: FastAPI, client: TestClient) -> None:
    add(app, "sms", "+15550009999", "code 000000")  # another recipient: must not end the wait
    writer = add_later(app, 0.3, "sms", "+1 555 415 1337", "Your code is 123456")
    started = time.monotonic()
    response = client.get("/_mock/messages", params={"to": "+15554151337", "wait": 30})
    elapsed = time.monotonic() - started
    writer.join()
    assert response.status_code == 200
    assert [m["code"] for m in response.json()] == ["123456"]
    assert 0.25 <= elapsed < 10  # woken by the message, well before its 30 s
    assert "x-mock-wait-clamped" not in response.headers


def test_long_poll_ignores_non_matching_messages_until_a_match(app: FastAPI, client: TestClient) -> None:
    add_later(app, 0.1, "email", "other@example.com", "not this one")
    add_later(app, 0.4, "email", "alice@example.com", "this one")
    started = time.monotonic()
    response = client.get("/_mock/messages/latest", params={"to": "alice@example.com", "wait": 30})
    assert response.status_code == 200 and response.json()["body"] == "this one"
    assert 0.35 <= time.monotonic() - started < 10


def test_long_poll_with_since_waits_for_a_newer_message(app: FastAPI, client: TestClient) -> None:
    old = add(app, "sms", "+15554151337", "code 111111")
    add_later(app, 0.3, "sms", "+15554151337", "code 222222")
    response = client.get("/_mock/messages/latest", params={"to": "+15554151337", "since": old, "wait": 30})
    assert response.json()["code"] == "222222"


def test_long_poll_times_out_with_an_empty_list(app: FastAPI, client: TestClient) -> None:
    started = time.monotonic()
    response = client.get("/_mock/messages", params={"to": "nobody@example.com", "wait": 0.5})
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and response.json() == []
    assert 0.45 <= elapsed < 10
    latest = client.get("/_mock/messages/latest", params={"to": "nobody@example.com", "wait": 0.2})
    assert latest.status_code == 404


def test_wait_over_the_cap_is_clamped_and_says_so() -> None:
    app = make_app(messages_wait_cap_seconds=1)
    with TestClient(app) as client:
        started = time.monotonic()
        response = client.get("/_mock/messages", params={"to": "nobody@example.com", "wait": 3600})
        elapsed = time.monotonic() - started
        assert response.status_code == 200 and response.json() == []
        assert response.headers["x-mock-wait-clamped"] == "1"
        assert 0.9 <= elapsed < 10  # asked for an hour
        inf = client.get("/_mock/messages/latest", params={"to": "nobody@example.com", "wait": "inf"})
        assert inf.status_code == 404 and inf.headers["x-mock-wait-clamped"] == "1"


@pytest.mark.parametrize(
    "path, params, fragment",
    [
        ("/_mock/messages", {"wait": -1}, "wait"),
        ("/_mock/messages", {"wait": "nan"}, "wait"),
        ("/_mock/messages", {"wait": "soon"}, "wait"),
        ("/_mock/messages", {"channel": "fax"}, "channel"),
        ("/_mock/messages", {"channel": "sms,pigeon"}, "pigeon"),
        ("/_mock/messages", {"since": "yesterday"}, "since"),
        ("/_mock/messages", {"since": "msgNoSuchMessage"}, "since"),
        ("/_mock/messages", {"limit": 0}, "limit"),
        ("/_mock/messages", {"limit": "many"}, "limit"),
        ("/_mock/messages/latest", {"channel": "fax"}, "channel"),
        ("/_mock/messages/latest", {"wait": -0.5}, "wait"),
        ("/_mock/messages/stream", {"channel": "fax"}, "channel"),
        ("/_mock/messages/stream", {"since": "not-a-time"}, "since"),
    ],
)
def test_bad_input_is_a_clear_json_400(
    client: TestClient, path: str, params: dict[str, Any], fragment: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 400
    body = response.json()
    assert fragment in body["message"] and body["error"]
    assert "Traceback" not in response.text


def test_refused_delete_changes_nothing(app: FastAPI, client: TestClient) -> None:
    add(app, "sms", "+15550001111", "code 111111")
    response = client.delete("/_mock/messages", params={"channel": "fax"})
    assert response.status_code == 400 and "channel" in response.json()["message"]
    assert len(client.get("/_mock/messages").json()) == 1


def test_retention_prunes_the_oldest() -> None:
    app = make_app(messages_max=3)
    with TestClient(app) as client:
        made = [add(app, "sms", "+15550001111", f"code {n:06d}") for n in range(5)]
        assert ids(client.get("/_mock/messages")) == made[:1:-1]


def test_retention_counts_messages_recorded_in_the_same_transaction() -> None:
    app = make_app(messages_max=3)
    ctx = app.state.ctx
    with TestClient(app) as client:
        add(app, "email", "early@example.com", "pruned")
        with ctx.store.transaction() as db:
            made = [
                record(db, ctx.clock, ctx.outbox, channel="sms", to="+15550001111", body=f"code {n:06d}").id
                for n in range(3)
            ]
        assert ids(client.get("/_mock/messages")) == made[::-1]


def test_record_does_not_flush_the_callers_pending_objects(app: FastAPI, client: TestClient) -> None:
    ctx = app.state.ctx
    with ctx.store.transaction() as db:
        unfinished = Message(id="msgUnfinished")  # required columns not set yet: a flush would fail
        db.add(unfinished)
        record(db, ctx.clock, ctx.outbox, channel="sms", to="+15550001111", body="code 111111")
        db.expunge(unfinished)
    assert [m["code"] for m in client.get("/_mock/messages").json()] == ["111111"]


def test_reset_clears_messages(app: FastAPI, client: TestClient) -> None:
    add(app, "sms", "+15550001111", "code 111111")
    client.post("/_mock/reset")
    after_reset = add(app, "sms", "+15550001111", "code 222222")
    assert ids(client.get("/_mock/messages", params={"to": "+15550001111"})) == [after_reset]


def test_a_rolled_back_message_is_not_captured(app: FastAPI, client: TestClient) -> None:
    ctx = app.state.ctx
    version = ctx.outbox.version
    with pytest.raises(RuntimeError):
        with ctx.store.transaction() as db:
            record(db, ctx.clock, ctx.outbox, channel="sms", to="+15550001111", body="code 111111")
            raise RuntimeError("the request failed")
    assert client.get("/_mock/messages").json() == []
    assert ctx.outbox.version == version  # nobody was woken


def test_admin_token_guards_every_route() -> None:
    app = make_app(admin_token="s3cret")
    with TestClient(app) as client:
        message = add(app, "sms", "+15550001111", "code 111111")
        for method, path in (
            ("GET", "/_mock/messages"),
            ("GET", "/_mock/messages/latest"),
            ("GET", f"/_mock/messages/{message}"),
            ("GET", "/_mock/messages/stream"),
            ("DELETE", "/_mock/messages"),
        ):
            response = client.request(method, path)
            assert response.status_code == 401, path
            assert response.json()["error"] == "unauthorized"
            wrong = client.request(method, path, headers={"X-Mock-Token": "guess"})
            assert wrong.status_code == 401, path
        assert ids(client.get("/_mock/messages", headers={"Authorization": "SSWS s3cret"})) == [message]
        assert client.get("/_mock/messages/latest", headers={"X-Mock-Token": "s3cret"}).json()["id"] == message
        assert client.delete("/_mock/messages", headers={"Authorization": "Bearer s3cret"}).json() == {"deleted": 1}
