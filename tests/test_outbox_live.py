"""The outbox on a real server: long-polls keep it responsive, the SSE stream delivers and ends cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockfinra.outbox.messages import record
from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer, free_port
from tests.conftest import TEST_DATA


def start_server(**overrides: Any) -> MockfinraServer:
    settings = Settings.for_tests(seed=TEST_DATA / "seed-minimal.toml", **overrides)
    return MockfinraServer(settings).start()


@pytest.fixture
def server() -> Iterator[MockfinraServer]:
    running = start_server(messages_wait_cap_seconds=60, messages_heartbeat_seconds=0.3)
    try:
        yield running
    finally:
        running.stop()


def add(server: MockfinraServer, channel: str, to: str, body: str) -> str:
    ctx = server.ctx
    with ctx.store.transaction() as db:
        return record(db, ctx.clock, ctx.outbox, channel=channel, to=to, body=body).id


def events(lines: Iterator[str]) -> Iterator[dict[str, str]]:
    """SSE blocks as dicts of their fields; a comment-only block is {"comment": text}."""
    block: dict[str, str] = {}
    for line in lines:
        if line == "":
            if block:
                yield block
            block = {}
        elif line.startswith(":"):
            block.setdefault("comment", line[1:].strip())
        else:
            field, _, value = line.partition(":")
            block[field] = value.removeprefix(" ")


def wait_until(condition: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_server_stays_responsive_during_a_long_poll(server: MockfinraServer) -> None:
    result: dict[str, Any] = {}

    def long_poll() -> None:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            response = client.get("/_mock/messages", params={"to": "+15554151337", "wait": 30})
        result["returned"] = time.monotonic()
        result["body"] = response.json()

    poller = threading.Thread(target=long_poll, daemon=True)
    poller.start()
    assert wait_until(lambda: server.ctx.outbox.waiting, timeout=10), "long-poll never started waiting"
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for path in ("/_mock/health", "/_mock/clock", "/_mock/messages"):
            started = time.monotonic()
            assert client.get(path).status_code == 200
            assert time.monotonic() - started < 5, path
    assert poller.is_alive(), "the quick requests were served while the long-poll is still waiting"
    recorded = time.monotonic()
    add(server, "sms", "+1 555 415 1337", "Your code is 246810")
    poller.join(timeout=20)
    assert not poller.is_alive()
    assert [m["code"] for m in result["body"]] == ["246810"]
    assert result["returned"] - recorded < 10  # woken by the message, well before its 30 s


def test_stream_delivers_matching_messages(server: MockfinraServer) -> None:
    with httpx.Client(base_url=server.url, timeout=15) as client:
        with client.stream("GET", "/_mock/messages/stream", params={"to": "alice@example.com"}) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            stream = events(response.iter_lines())
            first = next(stream)
            assert first["retry"] == "2000" and first["comment"] == "connected"
            add(server, "email", "bob@example.com", "not for alice")
            wanted = add(server, "email", "Alice@Example.com", "Activate: http://127.0.0.1/welcome/x1")
            received = next(block for block in stream if block.get("event") == "message")
    assert received["id"] == wanted
    data = json.loads(received["data"])
    assert data["id"] == wanted and data["link"] == "http://127.0.0.1/welcome/x1"
    assert data["to"] == "Alice@Example.com" and data["channel"] == "email"


def test_stream_sends_heartbeats_and_ends_when_the_client_disconnects(server: MockfinraServer) -> None:
    with httpx.Client(base_url=server.url, timeout=15) as client:
        with client.stream("GET", "/_mock/messages/stream", params={"channel": "sms"}) as response:
            stream = events(response.iter_lines())
            assert next(stream)["comment"] == "connected"
            assert next(stream) == {"comment": "heartbeat"}
            assert server.ctx.outbox.streams == 1
    assert wait_until(lambda: server.ctx.outbox.streams == 0), "the stream outlived its client"
    with httpx.Client(base_url=server.url, timeout=15) as client:
        assert client.get("/_mock/health").status_code == 200


def test_stream_replays_since_and_last_event_id(server: MockfinraServer) -> None:
    first = add(server, "sms", "+15550001111", "code 111111")
    second = add(server, "sms", "+15550001111", "code 222222")
    third = add(server, "sms", "+15550001111", "code 333333")
    with httpx.Client(base_url=server.url, timeout=15) as client:
        with client.stream("GET", "/_mock/messages/stream", params={"since": first}) as response:
            stream = (block for block in events(response.iter_lines()) if block.get("event") == "message")
            assert [next(stream)["id"], next(stream)["id"]] == [second, third]
        headers = {"Last-Event-ID": second}
        with client.stream("GET", "/_mock/messages/stream", headers=headers) as response:
            stream = (block for block in events(response.iter_lines()) if block.get("event") == "message")
            assert next(stream)["id"] == third
            fourth = add(server, "sms", "+15550001111", "code 444444")
            assert next(stream)["id"] == fourth


def test_open_streams_and_long_polls_do_not_hold_up_shutdown() -> None:
    server = start_server(messages_wait_cap_seconds=60, messages_heartbeat_seconds=30)
    ended: list[str] = []

    def stream() -> None:
        try:
            with httpx.Client(base_url=server.url, timeout=30) as client:
                with client.stream("GET", "/_mock/messages/stream") as response:
                    for _ in response.iter_lines():
                        pass
        except httpx.HTTPError:
            pass
        ended.append("stream")

    def long_poll() -> None:
        try:
            with httpx.Client(base_url=server.url, timeout=30) as client:
                client.get("/_mock/messages", params={"wait": 60, "channel": "sms"})
        except httpx.HTTPError:
            pass
        ended.append("poll")

    threads = [threading.Thread(target=stream, daemon=True), threading.Thread(target=long_poll, daemon=True)]
    for thread in threads:
        thread.start()
    assert wait_until(lambda: server.ctx.outbox.streams == 1 and server.ctx.outbox.waiting == 2, timeout=10)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 9  # stop() gives up joining after 10 s
    assert server._thread is not None and not server._thread.is_alive()
    for thread in threads:
        thread.join(timeout=5)
    assert sorted(ended) == ["poll", "stream"]


@pytest.mark.serve
@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_ctrl_c_on_mockfinra_serve_is_not_held_up_by_an_open_stream() -> None:
    port = free_port()
    command = [sys.executable, "-m", "mockfinra.cli", "serve", "--port", str(port), "--db", "memory", "-q"]
    seed = ["--seed", str(TEST_DATA / "seed-minimal.toml")]
    process = subprocess.Popen(command + seed, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:

        def ready() -> bool:
            try:
                return httpx.get(f"{url}/_mock/ready", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        assert wait_until(ready, timeout=60), "mockfinra serve did not become ready"
        with httpx.Client(base_url=url, timeout=10) as client:
            with client.stream("GET", "/_mock/messages/stream") as response:
                assert next(events(response.iter_lines()))["comment"] == "connected"
                started = time.monotonic()
                process.send_signal(signal.SIGINT)
                assert process.wait(timeout=20) == 0
                assert time.monotonic() - started < 15  # the stream would hold it up forever
        assert b"Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
