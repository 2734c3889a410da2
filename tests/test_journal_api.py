"""The request journal (`/_mock/requests`): what an entry holds, secrets masked, filters, `wait` and
`count`, clearing, the bounded ring, and the HAR export loaded by a HAR parser (haralyzer)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from haralyzer import HarParser

from mockfinra.app import create_app
from mockfinra.testing import MockfinraServer
from tests.authn_support import BASE, PASSWORD, app_client
from tests.download_support import HANDLER, access_token, download_settings, query

AUTHN = "/api/v1/authn"


def entries(client: Any, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/_mock/requests", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_an_entry_has_the_contract_fields_and_masks_secrets() -> None:
    with app_client() as client:
        client.post(AUTHN, json={"username": "solo.user@example.com", "password": PASSWORD},
                    headers={"Authorization": "SSWS not-really-a-token", "Cookie": "sid=secret-session"})
        client.get("/login/sessionCookieRedirect", params={"token": "one-time-secret", "redirectUrl": "http://127.0.0.1/"})
        [redirect, authn] = entries(client)
        assert {"id", "time", "site", "method", "path", "query", "status", "latency_ms", "fault"} <= set(authn)
        assert authn["site"] == "mfa" and authn["method"] == "POST" and authn["path"] == AUTHN
        assert authn["status"] == 200 and authn["fault"] is None and authn["latency_ms"] > 0
        assert authn["user"] == "solo.user@example.com" and authn["url"] == f"{BASE}{AUTHN}"
        assert authn["time"] == "2026-03-02T14:30:05.000Z"  # the mock clock (frozen at T0)
        request_headers = dict(authn["request"]["headers"])
        assert request_headers["authorization"] == "SSWS ***" and request_headers["cookie"] == "***"
        assert '"password":"***"' in authn["request"]["body"] and "solo.user@example.com" in authn["request"]["body"]
        assert '"stateToken":"***"' in authn["response"]["body"]
        assert PASSWORD not in str(authn) and "not-really-a-token" not in str(authn)
        assert "token=%2A%2A%2A" in redirect["query"] and "one-time-secret" not in str(redirect)
        assert redirect["id"] > authn["id"]
        assert client.get(f"/_mock/requests/{authn['id']}").json() == authn
        assert client.get("/_mock/requests/999999").status_code == 404
        assert client.get("/_mock/requests/99999999999999999999999").status_code == 404
        assert entries(client, since="99999999999999999999999") == []


def test_pages_bodies_are_not_kept_and_the_control_plane_is_not_recorded() -> None:
    with app_client() as client:
        client.get("/_mock/clock")
        client.get("/static/mockfinra.css")
        client.get("/login/login.htm")
        [page] = entries(client)
        assert page["path"] == "/login/login.htm" and page["response"]["body"] is None
        assert page["response"]["bodyOmitted"] == "page" and page["response"]["size"] > 0


def test_filters(tmp_path: Path) -> None:
    app = create_app(download_settings(tmp_path))
    with TestClient(app, base_url=BASE) as client:
        token = access_token(app, "trace@example.com")
        client.post(AUTHN, json={"username": "trace@example.com", "password": "wrong"})
        client.get(HANDLER + query(), headers={"Authorization": f"Bearer {token}"})
        client.get(HANDLER + query("ORF", "EQUITYMASTERAC"), headers={"Authorization": f"Bearer {token}"})
        client.get("/traqs/")
        fault = client.post("/_mock/faults", json={"site": "traqs", "status": 503}).json()
        client.get("/traqs/")
        assert [e["status"] for e in entries(client, site="apidownload")] == [403, 200]
        assert entries(client, site="apidownload")[1]["user"] == "trace@example.com"
        assert len(entries(client, path="*/DownloadHandler.ashx", status="2xx")) == 1
        assert [e["path"] for e in entries(client, method="post")] == [AUTHN]
        assert [e["status"] for e in entries(client, status="401,503")] == [503, 401]
        assert entries(client, fault=fault["id"])[0]["path"] == "/traqs/"
        assert len(entries(client, user="TRACE@example.com")) == 3
        everything = entries(client)
        assert len(entries(client, since=str(everything[-1]["id"]))) == len(everything) - 1
        assert len(entries(client, since="2026-11-20T20:00:00Z")) == len(everything)  # the frozen mock clock's instant
        assert entries(client, since="2026-11-21T00:00:00Z") == []
        assert [e["id"] for e in entries(client, limit=2)] == [e["id"] for e in entries(client)[:2]]
        assert "request" not in entries(client, bodies="false")[0]
        for bad in ({"site": "moon"}, {"status": "teapot"}, {"since": "yesterday"}, {"limit": 0}, {"wait": -1},
                    {"count": 0}):
            refused = client.get("/_mock/requests", params=bad)
            assert refused.status_code == 400 and refused.json()["error"], bad


def test_clear_and_ids_never_come_back() -> None:
    with app_client() as client:
        client.get("/login/login.htm")
        last = entries(client)[0]["id"]
        assert client.delete("/_mock/requests").json() == {"deleted": 1}
        assert entries(client) == []
        client.get("/login/login.htm")
        assert entries(client)[0]["id"] > last


def test_the_ring_keeps_the_newest() -> None:
    with app_client(journal_size=5) as client:
        for _ in range(12):
            client.get("/login/login.htm")
        kept = entries(client)
        assert len(kept) == 5 and kept[0]["id"] - kept[-1]["id"] == 4
    with app_client(journal_size=0) as client:
        client.get("/login/login.htm")
        assert entries(client) == []


def test_bodies_are_cut_at_the_limit() -> None:
    with app_client(journal_body_bytes=64) as client:
        client.post(AUTHN, json={"username": "solo.user@example.com", "password": PASSWORD, "padding": "x" * 500})
        [entry] = entries(client)
        assert entry["request"]["bodyCut"] and entry["request"]["size"] > 500
        assert len(entry["request"]["body"]) <= 64 and PASSWORD not in entry["request"]["body"]


def test_wait_and_count_on_a_live_server(tmp_path: Path) -> None:
    with MockfinraServer(download_settings(tmp_path)) as server:
        mock = httpx.Client(base_url=server.url, timeout=60)

        def later() -> None:
            time.sleep(0.5)
            for _ in range(3):
                mock.post(AUTHN, json={"username": "trace@example.com", "password": "wrong"})

        worker = threading.Thread(target=later)
        worker.start()
        started = time.monotonic()
        waited = mock.get("/_mock/requests", params={"path": AUTHN, "count": 3, "wait": 30})
        worker.join()
        assert waited.status_code == 200 and len(waited.json()) == 3
        assert waited.headers["x-mock-count-reached"] == "true" and 0.4 < time.monotonic() - started < 30

        one = mock.get("/_mock/requests", params={"path": AUTHN, "wait": 5})  # already there: no wait
        assert len(one.json()) == 3
        started = time.monotonic()
        short = mock.get("/_mock/requests", params={"path": AUTHN, "count": 4, "wait": 0.5})
        assert len(short.json()) == 3 and short.headers["x-mock-count-reached"] == "false"
        assert time.monotonic() - started >= 0.5


def test_har_export_loads_in_a_har_parser(tmp_path: Path) -> None:
    app = create_app(download_settings(tmp_path))
    with TestClient(app, base_url=BASE) as client:
        token = access_token(app, "trace@example.com")
        client.post(AUTHN, json={"username": "trace@example.com", "password": "wrong"})
        client.get(HANDLER + query(), headers={"Authorization": f"Bearer {token}"})
        client.post("/_mock/faults", json={"site": "traqs", "status": 503})
        client.get("/traqs/", params={"a": "1"})
        response = client.get("/_mock/requests.har")
        assert response.status_code == 200 and "mockfinra.har" in response.headers["content-disposition"]
        har = response.json()
        assert har["log"]["version"] == "1.2" and har["log"]["creator"]["name"] == "mockfinra"
        parser = HarParser(har)
        assert parser.creator["name"] == "mockfinra"
        hars = parser.har_data["entries"]
        assert [e["request"]["method"] for e in hars] == ["POST", "GET", "GET"]  # oldest first
        authn, download, traqs = hars
        assert authn["response"]["status"] == 401 and authn["request"]["postData"]["mimeType"] == "application/json"
        assert '"password":"***"' in authn["request"]["postData"]["text"]
        assert download["response"]["content"]["text"].startswith("FINRA_SCRTY_ID|")
        assert {"name": "authorization", "value": "Bearer ***"} in download["request"]["headers"]
        assert traqs["response"]["status"] == 503 and traqs["_fault"]
        assert traqs["request"]["queryString"] == [{"name": "a", "value": "1"}]
        for entry in hars:
            assert {"startedDateTime", "time", "request", "response", "cache", "timings"} <= set(entry)
            assert entry["timings"]["wait"] == entry["time"]
        only = client.get("/_mock/requests.har", params={"site": "apidownload"}).json()
        assert len(only["log"]["entries"]) == 1


def test_the_journal_needs_the_admin_token_when_one_is_set() -> None:
    with app_client(admin_token="s3cret") as client:
        assert client.get("/_mock/requests").status_code == 401
        assert client.get("/_mock/requests.har").status_code == 401
        assert client.get("/_mock/requests", headers={"X-Mock-Token": "s3cret"}).status_code == 200
        assert client.get("/_mock/requests/page").status_code == 200  # the page holds no data


def test_written_behind_or_at_once_a_client_finds_its_exchange_in_order() -> None:
    """`journal_write_behind` (default) queues entries for the writer thread and a read writes the queue
    first; off, each entry is stored before its response ends. Either way every answered request is there,
    newest first, and clearing takes queued ones too."""
    for behind in (True, False):
        with app_client(journal_write_behind=behind) as client:
            for n in range(5):
                client.post(AUTHN, json={"username": f"nobody{n}@example.com", "password": "wrong"})
            found = entries(client)
            assert [e["user"] for e in found] == [f"nobody{n}@example.com" for n in reversed(range(5))], behind
            client.post(AUTHN, json={"username": "last@example.com", "password": "wrong"})
            assert client.delete("/_mock/requests").json()["deleted"] == 6
            assert entries(client) == []
