#!/usr/bin/env python3
"""Check a running deploy/compose.yaml: the proxy, both replicas and the state they share (docs/deploy.md).

Not part of the test suite (it needs the compose example up). Talks to 127.0.0.1 only:

    docker-compose -f deploy/compose.yaml up -d
    python scripts/check_compose.py            # --proxy 8400 --replicas 8401,8402
    docker-compose -f deploy/compose.yaml down -v

Every check prints one line; the exit status is 1 when any failed. `MOCKFINRA_ADMIN_TOKEN` is sent when set.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable

import httpx

PASSWORD = "Ntf-Demo-2026"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _client(port: int) -> httpx.Client:
    token = os.environ.get("MOCKFINRA_ADMIN_TOKEN", "")
    headers = {"X-Mock-Token": token, "Authorization": f"SSWS {token}"} if token else {"Authorization": "SSWS any"}
    return httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=10)


def _new_user(client: httpx.Client, name: str) -> str:
    """A fresh user with a password and Google Authenticator (a TOTP code is good once per user)."""
    login = f"{name}.{uuid.uuid4().hex[:8]}@example.com"
    factor = {"factorType": "token:software:totp", "provider": "GOOGLE", "sharedSecret": SECRET}
    spec = {"login": login, "password": PASSWORD, "entitlements": ["TRACE"], "factors": [factor]}
    created = client.post("/_mock/users", json=spec)
    assert created.status_code in (200, 201), created.text
    return login


def _sign_in(start: httpx.Client, finish: httpx.Client, login: str) -> str:
    """Password on `start`, TOTP (code from the control plane) and the session on `finish`; the session id."""
    started = start.post("/api/v1/authn", json={"username": login, "password": PASSWORD})
    assert started.status_code == 200 and started.json()["status"] == "MFA_REQUIRED", started.text
    factor = next(f for f in started.json()["_embedded"]["factors"] if f["factorType"] == "token:software:totp")
    code = finish.get(f"/_mock/users/{login}/totp", params={"provider": "GOOGLE"}).json()["code"]
    verify = factor["_links"]["verify"]["href"].split("/api/v1/", 1)[1]
    verified = finish.post(f"/api/v1/{verify}", json={"stateToken": started.json()["stateToken"], "passCode": code})
    assert verified.status_code == 200 and verified.json()["status"] == "SUCCESS", verified.text
    session = finish.post("/api/v1/sessions", json={"sessionToken": verified.json()["sessionToken"]})
    assert session.status_code == 200, session.text
    return str(session.json()["id"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proxy", type=int, default=8400)
    parser.add_argument("--replicas", default="8401,8402", help="the two replica ports")
    args = parser.parse_args()
    first_port, second_port = (int(port) for port in args.replicas.split(","))
    proxy, first, second = _client(args.proxy), _client(first_port), _client(second_port)

    def probes() -> str:
        seen = set()
        for path in ["/_mock/health", "/_mock/ready"] * 3:
            response = proxy.get(path)
            assert response.status_code == 200, f"{path}: {response.status_code}"
            seen.add(response.headers.get("x-mock-upstream", "?"))
        assert len(seen) == 2, f"one upstream only: {seen}"
        return f"health and ready 200 through the proxy; upstreams {', '.join(sorted(seen))}"

    def proxy_sign_in() -> str:
        login = _new_user(proxy, "proxy")
        return (
            f"{login}: created, password, TOTP and session through the proxy (session {_sign_in(proxy, proxy, login)})"
        )

    def user_across_replicas() -> str:
        login = _new_user(first, "replica")
        seen = second.get(f"/api/v1/users/{login}")
        assert seen.status_code == 200 and seen.json()["profile"]["login"] == login, seen.text
        session = _sign_in(second, first, login)
        return f"{login}: created on :{first_port}, read and signed in from :{second_port} (session {session})"

    def clock() -> str:
        before = second.get("/_mock/clock").json()["offsetSeconds"]
        first.post("/_mock/clock", json={"advance": 60}).raise_for_status()
        try:
            after = second.get("/_mock/clock").json()["offsetSeconds"]
        finally:
            first.post("/_mock/clock", json={"advance": -60})
        assert after - before == 60, f"advanced 60 s on :{first_port}, :{second_port} moved {after - before} s"
        return f"mock clock advanced on :{first_port} is seen on :{second_port}"

    def long_poll_across_replicas() -> str:
        """A `wait=` long-poll on one replica wakes when the other sends the email (not at its timeout)."""
        login = f"invited.{uuid.uuid4().hex[:8]}@example.com"
        found: list[httpx.Response] = []
        params = {"to": login, "channel": "email", "wait": 15}
        poll = threading.Thread(target=lambda: found.append(second.get("/_mock/messages", params=params, timeout=30)))
        poll.start()
        time.sleep(1)
        started = time.monotonic()
        spec = {"login": login, "status": "PROVISIONED", "entitlements": ["TRACE"]}
        first.post("/_mock/users", params={"sendEmail": "true"}, json=spec).raise_for_status()
        poll.join()
        waited = time.monotonic() - started
        assert found and found[0].status_code == 200 and found[0].json(), f"no message after {waited:.1f} s"
        assert waited < 10, f"woke only after {waited:.1f} s (its timeout is 15 s)"
        return f"a long-poll on :{second_port} woke {waited:.2f} s after :{first_port} sent the invitation"

    failed = False
    checks: list[Callable[[], str]] = [probes, proxy_sign_in, user_across_replicas, clock, long_poll_across_replicas]
    for check in checks:
        try:
            print(f"ok    {check.__name__}: {check()}", flush=True)
        except (AssertionError, httpx.HTTPError, KeyError, StopIteration) as error:
            print(f"FAIL  {check.__name__}: {error}", flush=True)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
