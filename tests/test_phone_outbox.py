"""Phone messages through a real server: a long-poll on the outbox returns as soon as the SMS is sent."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer
from tests.phone_support import E164, sms

PASSWORD = "Ntf-Demo-2026"


def test_a_waiting_long_poll_returns_as_soon_as_the_sms_is_sent() -> None:
    with MockfinraServer(Settings.for_tests()) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        created = http.post(
            "/_mock/users",
            json={"login": "longpoll.sms@example.com", "password": PASSWORD, "factors": [sms()]},
        )
        assert created.status_code == 201, created.text
        tx = http.post("/api/v1/authn", json={"username": "longpoll.sms@example.com", "password": PASSWORD}).json()
        verify = tx["_embedded"]["factors"][0]["_links"]["verify"]["href"]

        result: dict[str, Any] = {}

        def wait_for_sms() -> None:
            started = time.monotonic()
            response = http.get("/_mock/messages/latest", params={"to": E164, "channel": "sms", "wait": 20})
            result["elapsed"] = time.monotonic() - started
            result["response"] = response

        waiter = threading.Thread(target=wait_for_sms)
        waiter.start()
        deadline = time.monotonic() + 10
        while server.ctx.outbox.waiting < 1:  # the long-poll is asleep on the hub
            assert time.monotonic() < deadline, "the long-poll never started waiting"
            time.sleep(0.01)
        time.sleep(0.2)
        sent_at = time.monotonic()
        challenge = http.post(verify, json={"stateToken": tx["stateToken"]})
        assert challenge.status_code == 200 and challenge.json()["status"] == "MFA_CHALLENGE"
        waiter.join(timeout=20)
        assert not waiter.is_alive()
        response = result["response"]
        assert response.status_code == 200, response.text
        assert time.monotonic() - sent_at < 5 and result["elapsed"] < 15
        code = response.json()["code"]
        done = http.post(
            challenge.json()["_links"]["next"]["href"], json={"stateToken": tx["stateToken"], "passCode": code}
        )
        assert done.json()["status"] == "SUCCESS"
