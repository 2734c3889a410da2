"""The control plane, TRAQS and the download hosts are built on their first request (mockfinra/sections.py):
each works on its first request, on its prefix and on its own host name, in a tenant too, the published
document lists every section without a request before it, and concurrent first requests build a section
once."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.settings import Settings

SEEDED = "trace.analyst@example.com"


def fresh() -> Any:
    return create_app(Settings.for_tests(allowed_hosts=["testserver", "www-ntf.finratraqs.org"]))


def paths(app: Any) -> list[str]:
    return [getattr(route, "path", "") for route in app.router.routes]


def test_a_fresh_app_builds_the_mfa_service_only() -> None:
    app = fresh()
    built = paths(app)
    assert "/api/v1/authn" in built
    assert not [path for path in built if path.startswith(("/_mock/users", "/traqs", "/download", "/apidownload"))]
    assert built[-1] == "/static"


def test_each_section_answers_its_first_request() -> None:
    with TestClient(fresh()) as client:
        assert client.get(f"/_mock/users/{SEEDED}/totp").status_code == 200
        assert client.get("/traqs/", follow_redirects=False).status_code in (200, 302, 303)
        refused = client.get("/apidownload/DownloadHandler.ashx?action=LIST&facility=TRACE")
        assert refused.status_code == 401 and refused.headers["content-type"].startswith("text/plain")
        legacy = client.get("/download/DownloadHandler.ashx")  # the legacy host refuses plain HTTP
        assert legacy.status_code == 403 and legacy.headers["content-type"].startswith("text/plain")
        assert client.get("/favicon.ico").status_code == 200
        built = paths(client.app)
        assert built[-1] == "/static"  # the static mount stays last
        routes = [(getattr(r, "path", ""), tuple(sorted(getattr(r, "methods", None) or ()))) for r in client.app.router.routes]
        assert len(routes) == len(set(routes))  # no section twice


def test_a_site_host_builds_its_section_on_its_first_request() -> None:
    with TestClient(fresh()) as client:
        page = client.get("/", headers={"host": "www-ntf.finratraqs.org"}, follow_redirects=False)
        assert page.status_code in (200, 302, 303)
        assert any(path.startswith("/traqs") for path in paths(client.app))


def test_the_published_document_lists_every_section_before_any_request_to_them() -> None:
    with TestClient(fresh()) as client:
        document = client.get("/_mock/openapi.json").json()
    listed = set(document["paths"])
    assert {"/_mock/users", "/_mock/reset", "/traqs/api-access", "/api/v1/authn"} <= listed
    assert any(path.startswith("/apidownload/") for path in listed)


def test_a_tenant_builds_its_own_sections() -> None:
    with TestClient(fresh()) as client:
        made = client.post("/t/lazy-one/_mock/users", json={"login": "lazy@example.com", "password": "Ntf-Demo-2026"})
        assert made.status_code == 201, made.text
        assert client.get("/t/lazy-one/traqs/", follow_redirects=False).status_code in (200, 302, 303)


def test_concurrent_first_requests_build_a_section_once() -> None:
    app = fresh()
    with TestClient(app) as client:
        answers: list[int] = []

        def ask() -> None:
            answers.append(client.get("/_mock/clock").status_code)

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == [200] * 8
        assert paths(app).count("/_mock/clock") == 2  # GET and POST, once each
