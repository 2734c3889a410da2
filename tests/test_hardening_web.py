"""Issue 11 through HTTP (in-process): clock edges, foreign Host names, cross-site writes, security headers,
request-head limits, and a 500 that keeps the keep-alive connection."""

from __future__ import annotations

from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.settings import Settings

BASE = "http://127.0.0.1:8400"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings.for_tests()), base_url=BASE) as test_client:
        yield test_client


# --- the clock's supported range ------------------------------------------------------------------


@pytest.mark.parametrize(
    "instant", ["0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "1970-06-01T00:00:00Z", "9999-12-31T23:59:59Z", "9000-01-01T00:00:01Z"]
)
def test_clock_refuses_instants_outside_the_supported_range(client: TestClient, instant: str) -> None:
    before = client.get("/_mock/clock").json()["now"][:16]
    response = client.post("/_mock/clock", json={"set": instant, "freeze": True})
    assert response.status_code == 400
    assert "1971-01-01T00:00:00Z to 9000-01-01T00:00:00Z" in response.json()["message"]
    after = client.get("/_mock/clock").json()
    assert after["frozen"] is False and after["now"][:16] == before  # nothing changed, not even the freeze


def test_clock_advance_is_refused_past_the_range(client: TestClient) -> None:
    client.post("/_mock/clock", json={"set": "8999-06-01T00:00:00Z", "freeze": True})
    response = client.post("/_mock/clock", json={"advance": 9 * 365 * 86400})
    assert response.status_code == 400 and "advance:" in response.json()["message"]
    assert "9000-01-01T00:00:00Z" in response.json()["message"]
    assert client.get("/_mock/clock").json()["now"].startswith("8999-06-01")
    client.post("/_mock/clock", json={"set": "1971-01-02T00:00:00Z"})
    assert client.post("/_mock/clock", json={"advance": -3 * 86400}).status_code == 400


def test_a_bad_offset_near_the_edge_is_a_400(client: TestClient) -> None:
    response = client.post("/_mock/clock", json={"set": "9999-12-31T23:59:59-05:00"})
    assert response.status_code == 400


@pytest.mark.parametrize("instant", ["8999-12-31T12:00:00Z", "1971-01-01T00:00:00Z"])
def test_sign_in_tokens_and_totp_work_at_the_edges(client: TestClient, instant: str) -> None:
    assert client.post("/_mock/clock", json={"set": instant, "freeze": True}).status_code == 200
    login = "trace.analyst@example.com"
    code = client.get(f"/_mock/users/{login}/totp").json()["code"]
    authn = client.post("/api/v1/authn", json={"username": login, "password": "Ntf-Demo-2026"})
    assert authn.status_code == 200, authn.text
    body = authn.json()
    assert body["status"] == "MFA_REQUIRED"
    totp = next(f for f in body["_embedded"]["factors"] if f["factorType"] == "token:software:totp")
    verified = client.post(totp["_links"]["verify"]["href"], json={"stateToken": body["stateToken"], "passCode": code})
    assert verified.status_code == 200 and verified.json()["status"] == "SUCCESS", verified.text
    assert client.get("/_mock/state").status_code == 200


# --- Host allow-list --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/api/v1/authn", "application/json"), ("/traqs/", "text/html"), ("/apidownload/DownloadHandler.ashx", "text/plain"),
     ("/_mock/state", "application/json")],
)
def test_a_foreign_host_is_refused_in_the_surface_format(client: TestClient, path: str, kind: str) -> None:
    response = client.get(path, headers={"host": "attacker.example:8400"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(kind)
    assert "attacker.example" in response.text and "MOCKFINRA_ALLOWED_HOSTS" in response.text


@pytest.mark.parametrize("host", ["127.0.0.1:8400", "localhost:8400", "[::1]:8400", "127.0.0.2", "mpp-test.nasdaq.com",
                                  "www-ntf.finratraqs.org:8400", "app.localhost:8400", "testserver"])
def test_loopback_and_ntf_names_are_served(client: TestClient, host: str) -> None:
    assert client.get("/_mock/clock", headers={"host": host}).status_code == 200


def test_allowed_hosts_adds_names_and_star_turns_the_check_off() -> None:
    with TestClient(create_app(Settings.for_tests(allowed_hosts=["mock.ci"])), base_url=BASE) as client:
        assert client.get("/_mock/clock", headers={"host": "mock.ci:8400"}).status_code == 200
        assert client.get("/_mock/clock", headers={"host": "127.evil.example"}).status_code == 400
    with TestClient(create_app(Settings.for_tests(allowed_hosts=["*"])), base_url=BASE) as client:
        assert client.get("/_mock/clock", headers={"host": "anything.example"}).status_code == 200


def test_health_answers_on_any_host(client: TestClient) -> None:
    assert client.get("/_mock/health", headers={"host": "mockfinra-container"}).status_code == 200


# --- cross-site writes ----------------------------------------------------------------------------------


def test_a_cross_site_form_post_cannot_reset_the_mock(client: TestClient) -> None:
    created = client.post("/_mock/users", json={"login": "kept@example.com", "password": "Ntf-Demo-2026", "entitlements": ["TRACE"]})
    assert created.status_code == 201, created.text
    attack = client.post(
        "/_mock/reset",
        data={"x": "1"},
        headers={"origin": "http://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert attack.status_code == 403 and "Cross-site" in attack.json()["message"]
    plain = client.post("/_mock/reset", content=b"x=1", headers={"content-type": "application/x-www-form-urlencoded"})
    assert plain.status_code == 415
    text = client.post("/_mock/reset", content=b"{}", headers={"content-type": "text/plain"})
    assert text.status_code == 415
    logins = [user["login"] for user in client.get("/_mock/state").json()["users"]]
    assert "kept@example.com" in logins  # state intact
    assert client.post("/_mock/reset").status_code == 200  # the CLI / plugin way: no body, no Origin


def test_cross_site_fetch_cannot_approve_or_read(client: TestClient) -> None:
    headers = {"sec-fetch-site": "cross-site", "content-type": "application/json"}
    assert client.post("/_mock/clock", json={"advance": 60}, headers=headers).status_code == 403
    same = {"origin": BASE, "sec-fetch-site": "same-origin"}
    assert client.post("/_mock/clock", json={"advance": 60}, headers=same).status_code == 200


def test_cross_site_form_posts_to_pages_are_refused(client: TestClient) -> None:
    for path in ("/traqs/sign-out", "/login/signout", "/app/UserHome/password"):
        response = client.post(path, data={"csrf": "x"}, headers={"origin": "http://evil.example"}, follow_redirects=False)
        assert response.status_code == 403, path
        assert response.headers["content-type"].startswith("text/html")


def test_okta_api_is_not_subject_to_the_page_rule(client: TestClient) -> None:
    """Cross-origin calls to the Okta API are governed by trusted origins (CORS), not by the page rule."""
    added = client.post("/_mock/trusted-origins", json={"origin": "http://localhost:3000", "scopes": ["CORS"]})
    assert added.status_code == 201, added.text
    response = client.post(
        "/api/v1/authn",
        json={"username": "trace.analyst@example.com", "password": "Ntf-Demo-2026"},
        headers={"origin": "http://localhost:3000"},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"


# --- security headers -----------------------------------------------------------------------------------

PAGES = ["/", "/login/login.htm", "/traqs/", "/_mock/phone", "/app/UserHome", "/nowhere-at-all"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_html_page(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=True)
    assert response.headers["content-type"].startswith("text/html"), (path, response.status_code)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "http" not in csp.replace("form-action", "")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_the_inbox_alone_allows_inline_styles_for_the_emails_it_frames(client: TestClient) -> None:
    csp = client.get("/_mock/inbox").headers["content-security-policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp


def test_nosniff_on_json_and_text(client: TestClient) -> None:
    for path in ("/_mock/clock", "/apidownload/DownloadHandler.ashx"):
        assert client.get(path).headers["x-content-type-options"] == "nosniff"


# --- request head limits ---------------------------------------------------------------------------------


def test_too_many_headers_and_too_long_targets(client: TestClient) -> None:
    many = {f"x-h{i}": "1" for i in range(250)}
    response = client.get("/api/v1/users/me", headers=many)
    assert response.status_code == 431 and response.json()["errorSummary"]
    long = client.get("/apidownload/DownloadHandler.ashx?file=" + "A" * 9000)
    assert long.status_code == 414 and long.headers["content-type"].startswith("text/plain")
