"""TRAQS pages: sign-in redirect, home, the API access page (issue, show once, list, revoke), CSRF, sign-out,
and the sign-in through `traqs-portal` when served on the real TRAQS host name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.oidc_support import (
    BASE,
    make_user,
    new_client,
    refresh,
    set_user_status,
    sign_in_cookie,
    state_rows,
    tokens,
)


@pytest.fixture
def client() -> Iterator[TestClient]:
    yield from new_client()


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def _new_token(html: str) -> str | None:
    match = re.search(r'id="new-refresh-token">([^<]+)<', html)
    return match.group(1) if match else None


def _signed_in(client: TestClient, entitlements: tuple[str, ...] = ("ORF", "TRACE")) -> str:
    make_user(client, entitlements=entitlements)
    return sign_in_cookie(client)


def _issue(client: TestClient, label: str = "nightly job") -> str:
    page = client.get("/traqs/api-access")
    response = client.post("/traqs/api-access/tokens", data={"csrf": _csrf(page.text), "label": label})
    assert response.status_code == 200 and response.history[0].status_code == 303
    token = _new_token(response.text)
    assert token
    return token


@pytest.mark.parametrize("path, back", [("/traqs/", "/traqs/"), ("/traqs/api-access", "/traqs/api-access")])
def test_pages_without_session_redirect_to_sign_in(client: TestClient, path: str, back: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{BASE}/login/login.htm"
    assert parse_qs(location.query)["fromURI"] == [f"{BASE}{back}"]


def test_traqs_without_slash_and_unknown_pages(client: TestClient) -> None:
    assert client.get("/traqs", follow_redirects=False).headers["location"] == f"{BASE}/traqs/"
    missing = client.get("/traqs/nowhere")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")


def test_home_with_session(client: TestClient) -> None:
    _signed_in(client)
    page = client.get("/traqs/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "mockfinra NTF" in page.text and "TRAQS" in page.text
    assert "Welcome, Api User" in page.text
    assert '<li class="chip">ORF</li>' in page.text and '<li class="chip">TRACE</li>' in page.text
    assert f'href="{BASE}/traqs/api-access"' in page.text
    assert f'{BASE}/static/traqs.css' in page.text and "cdn" not in page.text.lower()
    assert client.get("/static/traqs.css").status_code == 200


def test_session_expiry_and_locked_user_send_back_to_sign_in(client: TestClient) -> None:
    _signed_in(client)
    set_user_status(client, "api.user@example.com", "LOCKED_OUT")
    assert client.get("/traqs/", follow_redirects=False).status_code == 302
    set_user_status(client, "api.user@example.com", "ACTIVE")
    assert client.get("/traqs/", follow_redirects=False).status_code == 200
    client.post("/_mock/clock", json={"advance": 7201})
    assert client.get("/traqs/", follow_redirects=False).status_code == 302


def test_api_access_issues_a_refresh_token_the_token_endpoint_accepts(client: TestClient) -> None:
    _signed_in(client)
    page = client.get("/traqs/api-access")
    assert page.status_code == 200 and "You have no refresh tokens yet" in page.text and _new_token(page.text) is None
    token = _issue(client, "nightly ORF job")
    response = refresh(client, token)
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "openid offline_access traqs.refdata" and body["token_type"] == "Bearer"
    userinfo = client.get("/oauth2/default/v1/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert userinfo.json()["entitlements"] == ["ORF", "TRACE"]
    rows = state_rows(client, "refreshTokens")
    assert len(rows) == 1 and rows[0]["source"] == "traqs" and rows[0]["label"] == "nightly ORF job"
    assert rows[0]["client_id"] == "traqs-api"
    # Shown once: the list shows the label, never the token again.
    again = client.get("/traqs/api-access")
    assert token not in again.text and "nightly ORF job" in again.text and "active" in again.text


def test_examples_use_links_built_from_the_request(client: TestClient) -> None:
    _signed_in(client)
    page = client.get("/traqs/api-access")
    assert f"{BASE}/oauth2/default/v1/token" in page.text
    assert f"{BASE}/apidownload/DownloadHandler.ashx" in page.text
    assert "action=DOWNLOAD&amp;facility=ORF&amp;file=EQUITYMASTERAC" in page.text
    assert "-d username=api.user@example.com" in page.text and "&lt;your refresh token&gt;" in page.text
    issued = client.post("/traqs/api-access/tokens", data={"csrf": _csrf(page.text)})
    token = _new_token(issued.text)
    assert token
    assert f"REFRESH_TOKEN='{token}'" in issued.text and f'REFRESH_TOKEN = "{token}"' in issued.text


def test_examples_pick_the_users_facility(client: TestClient) -> None:
    _signed_in(client, entitlements=("TRACE",))
    page = client.get("/traqs/api-access")
    assert "facility=TRACE&amp;file=CAMASTER" in page.text


@pytest.mark.parametrize("form", [{}, {"csrf": ""}, {"csrf": "forged"}])
def test_issue_without_valid_csrf_is_refused(client: TestClient, form: dict) -> None:
    _signed_in(client)
    response = client.post("/traqs/api-access/tokens", data=form)
    assert response.status_code == 403 and response.headers["content-type"].startswith("text/html")
    assert "CSRF" in response.text
    assert state_rows(client, "refreshTokens") == []


def test_csrf_of_another_session_is_refused(client: TestClient) -> None:
    _signed_in(client)
    old = _csrf(client.get("/traqs/api-access").text)
    sign_in_cookie(client)  # a new session
    assert client.post("/traqs/api-access/tokens", data={"csrf": old}).status_code == 403


def test_too_long_label_is_an_html_error(client: TestClient) -> None:
    _signed_in(client)
    csrf = _csrf(client.get("/traqs/api-access").text)
    response = client.post("/traqs/api-access/tokens", data={"csrf": csrf, "label": "x" * 101})
    assert response.status_code == 400 and "label" in response.text
    assert state_rows(client, "refreshTokens") == []


def test_lists_and_revokes_tokens(client: TestClient) -> None:
    _signed_in(client)
    token = _issue(client)
    from_sign_in = tokens(client)  # a code-flow refresh token of the same user is listed too
    page = client.get("/traqs/api-access")
    ids = re.findall(r'<tr id="token-([^"]+)"', page.text)
    assert len(ids) == 2 and "sign-in (traqs-api)" in page.text
    traqs_id = next(r["id"] for r in state_rows(client, "refreshTokens") if r["source"] == "traqs")
    response = client.post(f"/traqs/api-access/tokens/{traqs_id}/revoke", data={"csrf": _csrf(page.text)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"{BASE}/traqs/api-access?revoked=1"
    assert refresh(client, token).json()["error"] == "invalid_grant"
    assert refresh(client, from_sign_in["refresh_token"]).status_code == 200
    after = client.get(response.headers["location"])
    assert "The refresh token was revoked." in after.text and "revoked" in after.text


def test_cannot_revoke_someone_elses_or_unknown_tokens(client: TestClient) -> None:
    make_user(client, login="other.user@example.com")
    sign_in_cookie(client, "other.user@example.com")
    _issue(client)
    other_id = state_rows(client, "refreshTokens")[0]["id"]
    _signed_in(client)
    csrf = _csrf(client.get("/traqs/api-access").text)
    for token_id in (other_id, "oarNOPE"):
        response = client.post(f"/traqs/api-access/tokens/{token_id}/revoke", data={"csrf": csrf})
        assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert state_rows(client, "refreshTokens")[0]["revoked_at"] is None


def test_sign_out_ends_the_session_and_goes_back(client: TestClient) -> None:
    sid = _signed_in(client)
    csrf = _csrf(client.get("/traqs/").text)
    forged = client.post("/traqs/sign-out", data={"csrf": "nope"})
    assert forged.status_code == 403 and [s["id"] for s in state_rows(client, "sessions")] == [sid]
    response = client.post("/traqs/sign-out", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"{BASE}/traqs/"
    assert 'sid=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    assert state_rows(client, "sessions") == []
    client.cookies.set("sid", sid)  # even a kept cookie no longer works
    assert client.get("/traqs/", follow_redirects=False).status_code == 302


def test_real_traqs_host_signs_in_through_the_portal_client(client: TestClient) -> None:
    """On www-ntf.finratraqs.org the MFA host's cookie is not visible: TRAQS uses the `traqs-portal` client."""
    traqs, mfa = {"host": "www-ntf.finratraqs.org"}, {"host": "mpp-test.nasdaq.com"}
    make_user(client)
    first = client.get("/", headers=traqs, follow_redirects=False)
    assert first.status_code == 302
    authorize = urlsplit(first.headers["location"])
    assert f"{authorize.netloc}{authorize.path}" == "mpp-test.nasdaq.com/oauth2/default/v1/authorize"
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert query["client_id"] == "traqs-portal"
    assert query["redirect_uri"] == "http://www-ntf.finratraqs.org/authorization-code/callback"
    state_cookie = first.cookies.get("traqs_login")
    client.cookies.clear()
    # Signed in on the MFA host (its own sid), the authorize request yields a code for the TRAQS callback.
    mfa_sid = sign_in_cookie(client)
    code_redirect = client.get(f"/oauth2/default/v1/authorize?{authorize.query}", headers=mfa, follow_redirects=False)
    assert code_redirect.status_code == 302, code_redirect.text
    callback = urlsplit(code_redirect.headers["location"])
    assert f"{callback.netloc}{callback.path}" == "www-ntf.finratraqs.org/authorization-code/callback"
    client.cookies.clear()
    client.cookies.set("traqs_login", state_cookie)
    done = client.get(f"{callback.path}?{callback.query}", headers=traqs, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "http://www-ntf.finratraqs.org/"
    traqs_sid = done.cookies.get("sid")
    assert traqs_sid and traqs_sid != mfa_sid
    client.cookies.clear()
    client.cookies.set("sid", traqs_sid)
    home = client.get("/", headers=traqs)
    assert home.status_code == 200 and "Welcome, Api User" in home.text
    api = client.get("/api-access", headers=traqs)
    assert "http://apidownload-ntf.finratraqs.org/DownloadHandler.ashx" in api.text
    assert "http://mpp-test.nasdaq.com/oauth2/default/v1/token" in api.text
    # A replayed or forged callback is an HTML error, not a session.
    client.cookies.clear()
    client.cookies.set("traqs_login", state_cookie)
    replay = client.get(f"{callback.path}?{callback.query}", headers=traqs, follow_redirects=False)
    assert replay.status_code == 400 and replay.headers["content-type"].startswith("text/html")
    forged = client.get("/authorization-code/callback?code=x&state=y", headers=traqs)
    assert forged.status_code == 400 and "state" in forged.text


def test_generate_redirects_and_a_reload_issues_nothing(client: TestClient) -> None:
    _signed_in(client)
    page = client.get("/traqs/api-access")
    response = client.post("/traqs/api-access/tokens", data={"csrf": _csrf(page.text), "label": "prg"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"{BASE}/traqs/api-access#new-token-card"
    assert _new_token(response.text) is None  # the POST's answer holds no token
    shown = client.get("/traqs/api-access")
    token = _new_token(shown.text)
    assert token and "A new refresh token was issued." in shown.text and f"REFRESH_TOKEN='{token}'" in shown.text
    assert refresh(client, token).status_code == 200
    reloaded = client.get("/traqs/api-access")
    assert _new_token(reloaded.text) is None and token not in reloaded.text
    assert "A new refresh token was issued." not in reloaded.text
    assert len(state_rows(client, "refreshTokens")) == 1


def test_the_new_token_is_shown_to_its_session_only_and_not_for_long(client: TestClient) -> None:
    _signed_in(client)
    first = client.cookies.get("sid")
    client.post("/traqs/api-access/tokens", data={"csrf": _csrf(client.get("/traqs/api-access").text)}, follow_redirects=False)
    sign_in_cookie(client)  # another session of the same user
    assert _new_token(client.get("/traqs/api-access").text) is None
    client.cookies.set("sid", first)
    client.post("/traqs/api-access/tokens", data={"csrf": _csrf(client.get("/traqs/api-access").text)}, follow_redirects=False)
    client.post("/_mock/clock", json={"advance": 301})
    assert _new_token(client.get("/traqs/api-access").text) is None
    assert "new_refresh_token" not in str(client.get("/_mock/state").json())


def test_token_rows_show_a_prefix_of_the_token(client: TestClient) -> None:
    _signed_in(client)
    token = _issue(client, "with prefix")
    page = client.get("/traqs/api-access")
    prefixes = re.findall(r'<code class="token-prefix">([^<]+)</code>', page.text)
    assert prefixes == [f"{token[:8]}…"] and token not in page.text
    [row] = state_rows(client, "refreshTokens")
    assert row["prefix"] == token[:8]
    from_sign_in = tokens(client)["refresh_token"]
    page = client.get("/traqs/api-access")
    assert f"{from_sign_in[:8]}…" in page.text


def test_revoke_asks_for_confirmation_first(client: TestClient) -> None:
    _signed_in(client)
    token = _issue(client, "to revoke")
    token_id = state_rows(client, "refreshTokens")[0]["id"]
    page = client.get("/traqs/api-access")
    confirm_url = f"{BASE}/traqs/api-access/tokens/{token_id}/revoke"
    assert f'href="{confirm_url}"' in page.text
    assert f'<form method="post" action="{confirm_url}"' not in page.text  # one click on the list revokes nothing
    confirm = client.get(confirm_url)
    assert confirm.status_code == 200 and "Revoke this refresh token?" in confirm.text
    assert ">to revoke<" in confirm.text and f"{token[:8]}…" in confirm.text and token not in confirm.text
    assert f'<form method="post" action="{confirm_url}"' in confirm.text and f'href="{BASE}/traqs/api-access" id="cancel-revoke"' in confirm.text
    assert refresh(client, token).status_code == 200  # showing the question revoked nothing
    assert client.post(confirm_url, data={"csrf": "forged"}).status_code == 403
    done = client.post(confirm_url, data={"csrf": _csrf(confirm.text)}, follow_redirects=False)
    assert done.status_code == 303 and refresh(client, token).json()["error"] == "invalid_grant"
    again = client.get(confirm_url, follow_redirects=False)
    assert again.status_code == 302 and again.headers["location"] == f"{BASE}/traqs/api-access"
    assert client.get(f"{BASE}/traqs/api-access/tokens/oarNOPE/revoke").status_code == 404
