"""The trainer's pages over HTTP: the home at /_mock (users from the live store), the inbox page, the offline
docs (only /static assets) and the favicon on every layout. The JSON control plane is unchanged."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.settings import Settings


class Assets(HTMLParser):
    """Every src/href a page loads (scripts, styles, icons) and every element with a `spec-url`/`data-openapi`."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.urls.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"] or "")
        for key in ("spec-url", "data-openapi"):
            if values.get(key):
                self.urls.append(values[key] or "")


def assets(html: str) -> list[str]:
    parser = Assets()
    parser.feed(html)
    return parser.urls


def client(**overrides: object) -> TestClient:
    return TestClient(create_app(Settings.for_tests(**overrides)))


def row(html: str, login: str) -> str:
    match = re.search(rf'<tr data-login="{re.escape(login)}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {login}"
    return match.group(1)


def test_the_home_lists_the_live_users_with_their_secrets_and_factors() -> None:
    with client() as http:
        page = http.get("/_mock")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        html = page.text
        analyst = row(html, "trace.analyst@example.com")
        assert "Ntf-Demo-2026" in analyst and "brussels sprouts" in analyst
        assert "Which desk did you first work on?" in analyst and "corporate bonds" in analyst
        assert "Google Authenticator" in analyst and "TRACE" in analyst and "token:software" not in analyst
        assert "SMS to +1 202-555-0101" in row(html, "adf.operator@example.com")
        assert "invited: activation pending" in row(html, "invited.user@example.com")
        # Not hard-coded: a user made now is listed; one whose password changed shows no stale secret.
        made = http.post("/_mock/users", json={"login": "made.now@example.com", "password": "Sturdy-Pass-77",
                                               "entitlements": ["ORF"], "factors": [{"factorType": "sms",
                                                                                     "phoneNumber": "+1 202-555-0177"}]})
        assert made.status_code == 201
        user_id = http.get("/api/v1/users/trace.analyst@example.com").json()["id"]
        changed = http.post(f"/api/v1/users/{user_id}", json={"credentials": {"password": {"value": "Another-Pass-88"}}})
        assert changed.status_code == 200, changed.text
        html = http.get("/_mock").text
        made_row = row(html, "made.now@example.com")
        assert "chosen by the user" in made_row and "SMS to +1 202-555-0177" in made_row and "ORF" in made_row
        analyst = row(html, "trace.analyst@example.com")
        assert "Ntf-Demo-2026" not in analyst and "chosen by the user" in analyst
        # The demo scripts and links, and the era in force.
        for href in ("/_mock/inbox", "/_mock/phone", "/login/login.htm", "/traqs/", "/traqs/order-form", "/_mock/docs"):
            assert f'href="http://testserver{href}' in html, href
        assert "Enrollment from an invitation" in html and "Lockout and unlock" in html
        assert '<strong id="era-current">2024</strong>' in html
        assert 'data-advance="2592000"' in html and 'id="reset-button"' in html


def test_the_home_hides_secrets_behind_an_admin_token_and_the_json_plane_is_unchanged() -> None:
    with client(admin_token="s3cret") as http:
        html = http.get("/_mock").text
        assert "Ntf-Demo-2026" not in html and "brussels sprouts" not in html
        assert http.get("/_mock/clock").status_code == 401
        assert http.get("/_mock/clock", headers={"X-Mock-Token": "s3cret"}).json()["now"]
        missing = http.get("/_mock/nothing-here", headers={"X-Mock-Token": "s3cret"})
        assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/json")


def test_the_inbox_page_loads_its_own_scripts_and_takes_an_address() -> None:
    with client() as http:
        page = http.get("/_mock/inbox", params={"to": "invited.user@example.com"})
        assert page.status_code == 200 and 'data-to="invited.user@example.com"' in page.text
        urls = assets(page.text)
        assert "http://testserver/static/inbox.js" in urls and "http://testserver/static/mock.css" in urls
        for url in urls:
            assert http.get(url.removeprefix("http://testserver")).status_code == 200, url


def test_the_docs_reference_only_static_assets_of_the_server() -> None:
    with client() as http:
        for path in ("/_mock/docs", "/_mock/redoc"):
            page = http.get(path)
            assert page.status_code == 200 and '<html lang="en">' in page.text, path
            urls = assets(page.text)
            assert urls and all(url.startswith("http://testserver/") for url in urls), urls
            assert not re.search(r"https?://(?!testserver)", page.text), path
            for url in urls:
                local = url.removeprefix("http://testserver")
                assert local.startswith(("/static/", "/favicon.ico", "/_mock/openapi.json")), url
                assert http.get(local).status_code == 200, url
        assert http.get("/_mock/openapi.json").json()["info"]["title"] == "mockfinra"


def test_the_favicon_is_an_svg_linked_from_every_layout() -> None:
    with client() as http:
        icon = http.get("/favicon.ico")
        assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
        assert icon.text.lstrip().startswith("<svg")
        pages = ["/login/login.htm", "/traqs/order-form", "/_mock/phone", "/_mock/inbox", "/_mock", "/_mock/docs"]
        for path in pages:
            html = http.get(path, follow_redirects=True).text
            assert 'rel="icon" type="image/svg+xml" href="http://testserver/favicon.ico"' in html, path
        # The real host names serve it too (it is shared by every site).
        assert http.get("/favicon.ico", headers={"Host": "www-ntf.finratraqs.org"}).status_code == 200
