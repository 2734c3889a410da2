"""The session handoff through HTTP: sessionCookieRedirect, the Sessions API, token and session expiry."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.clock import parse_instant
from mockfinra.identity.core.sessions import issue_session_token
from mockfinra.settings import Settings
from mockfinra.store.users import find_user_by_login
from tests.conftest import TEST_DATA

BASE = "http://127.0.0.1:8400"
LOGIN = "solo.user@example.com"


def make_client(base_url: str = BASE, **overrides: Any) -> TestClient:
    settings = Settings.for_tests(**{"seed": TEST_DATA / "seed-minimal.toml", **overrides})
    return TestClient(create_app(settings), base_url=base_url)


@pytest.fixture
def client():
    with make_client() as c:
        yield c


def token_for(client: TestClient, login: str = LOGIN, amr: tuple[str, ...] = ("pwd", "mfa", "otp")) -> str:
    ctx = client.app.state.ctx
    with ctx.store.transaction() as db:
        return issue_session_token(ctx, db, find_user_by_login(db, login), amr)


def redirect(
    client: TestClient, token: str, target: str | None = "http://localhost:3000/callback", **extra: str
) -> Any:
    params = {"token": token, **extra}
    if target is not None:
        params["redirectUrl"] = target
    return client.get("/login/sessionCookieRedirect", params=params, follow_redirects=False)


def cookies_set(response: Any) -> dict[str, str]:
    out = {}
    for header in response.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0]
        out[name] = header
    return out


def sid_of(response: Any) -> str:
    return cookies_set(response)["sid"].split(";")[0].split("=", 1)[1]


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/_mock/clock", json={"advance": seconds}).status_code == 200


def now(client: TestClient) -> Any:
    return parse_instant(client.get("/_mock/clock").json()["now"])


def is_html_error(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "set-cookie" not in response.headers


# --- sessionCookieRedirect ----------------------------------------------------------------------------


def test_cookie_redirect_sets_sid_and_dt_and_redirects(client: TestClient) -> None:
    response = redirect(client, token_for(client), "http://localhost:3000/callback?x=1")
    assert response.status_code == 302
    assert response.headers["location"] == "http://localhost:3000/callback?x=1"
    cookies = cookies_set(response)
    sid = sid_of(response)
    assert cookies["sid"] == f"sid={sid}; Path=/; HttpOnly; SameSite=Lax"
    assert cookies["DT"].startswith("DT=") and "Path=/" in cookies["DT"] and "HttpOnly" in cookies["DT"]
    [session] = client.get("/_mock/state").json()["sessions"]
    assert session["id"] == sid and session["status"] == "ACTIVE"
    me = client.get("/api/v1/sessions/me", headers={"Cookie": f"sid={sid}"})
    assert me.status_code == 200
    body = me.json()
    assert body["id"] == sid and body["login"] == LOGIN and body["amr"] == ["pwd", "mfa", "otp"]
    assert body["mfaActive"] is True and body["status"] == "ACTIVE"


def test_cookie_redirect_keeps_an_existing_device_token(client: TestClient) -> None:
    client.cookies.set("DT", "my-device")
    response = redirect(client, token_for(client))
    assert cookies_set(response)["DT"].startswith("DT=my-device;")


def test_session_token_is_single_use(client: TestClient) -> None:
    token = token_for(client)
    assert redirect(client, token).status_code == 302
    again = redirect(client, token)
    is_html_error(again, 403)
    assert "already used" in again.text
    assert len(client.get("/_mock/state").json()["sessions"]) == 1


def test_session_token_lives_five_minutes(client: TestClient) -> None:
    client.post("/_mock/clock", json={"freeze": True})
    fresh = token_for(client)
    stale = token_for(client)
    advance(client, 299)
    assert redirect(client, fresh).status_code == 302
    advance(client, 2)
    is_html_error(redirect(client, stale), 403)
    assert len(client.get("/_mock/state").json()["sessions"]) == 1


def test_unknown_or_missing_token_is_an_html_error(client: TestClient) -> None:
    is_html_error(redirect(client, "20111-not-a-token"), 403)
    missing = client.get(
        "/login/sessionCookieRedirect", params={"redirectUrl": "http://localhost/"}, follow_redirects=False
    )
    is_html_error(missing, 400)
    assert client.get("/_mock/state").json()["sessions"] == []


@pytest.mark.parametrize(
    "target",
    [
        "http://localhost:3000/cb",
        "https://localhost/cb",
        "http://127.0.0.1:9/x",
        "http://127.0.0.2:8080/x",
        "http://[::1]:8080/",
        "http://LOCALHOST:8080/",
        "https://traqs.example.com/after",
        "https://traqs.example.com:443/after",
        "http://mock.test:8400/app/UserHome",
    ],
)
def test_trusted_redirect_targets(target: str) -> None:
    with make_client(
        "http://mock.test:8400", trusted_origins="https://traqs.example.com, http://other.example"
    ) as client:
        response = redirect(client, token_for(client), target)
        assert response.status_code == 302 and response.headers["location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "http://localhost.evil.example/",
        "http://127.0.0.1.evil.example/",
        "http://evil.example\\@localhost/",
        "https://traqs.example.com:444/",
        "http://traqs.example.com/",
        "http://mock.test:8401/",
        "javascript:alert(1)",
        "//evil.example/",
        "/relative/path",
        "ftp://localhost/",
    ],
)
def test_untrusted_redirect_is_refused_and_keeps_the_token(target: str) -> None:
    with make_client("http://mock.test:8400", trusted_origins="https://traqs.example.com") as client:
        token = token_for(client)
        refused = redirect(client, token, target)
        is_html_error(refused, 400)
        assert "redirect" in refused.text.lower()
        assert client.get("/_mock/state").json()["sessions"] == []
        assert redirect(client, token, "http://localhost/").status_code == 302


def test_real_host_names_are_own_origins(client: TestClient) -> None:
    headers = {"host": "mpp-test.nasdaq.com"}
    response = client.get(
        "/login/sessionCookieRedirect",
        params={"token": token_for(client), "redirectUrl": "http://www-ntf.finratraqs.org/traqs/home"},
        headers=headers,
        follow_redirects=False,
    )
    assert (
        response.status_code == 302
        and response.headers["location"] == "http://www-ntf.finratraqs.org/traqs/home"
    )


def test_default_redirect_is_the_mock_itself(client: TestClient) -> None:
    response = redirect(client, token_for(client), target=None)
    assert response.status_code == 302 and response.headers["location"] == f"{BASE}/"


def test_post_form_variant(client: TestClient) -> None:
    response = client.post(
        "/login/sessionCookieRedirect",
        data={"token": token_for(client), "redirectUrl": "http://127.0.0.1:5000/done"},
        follow_redirects=False,
    )
    assert response.status_code == 302 and response.headers["location"] == "http://127.0.0.1:5000/done"
    assert "sid" in cookies_set(response)
    refused = client.post(
        "/login/sessionCookieRedirect",
        data={"token": token_for(client), "redirectUrl": "https://evil.example/"},
        follow_redirects=False,
    )
    is_html_error(refused, 400)


def test_deactivated_users_token_opens_no_session(client: TestClient) -> None:
    token = token_for(client)
    user_id = client.get(f"/api/v1/users/{LOGIN}").json()["id"]
    client.post(f"/api/v1/users/{user_id}/lifecycle/deactivate")
    is_html_error(redirect(client, token), 403)


# --- /api/v1/sessions ---------------------------------------------------------------------------------


def test_create_session_returns_the_okta_session_object(client: TestClient) -> None:
    response = client.post("/api/v1/sessions", json={"sessionToken": token_for(client, amr=("pwd",))})
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    session = response.json()
    sid = session["id"]
    user_id = client.get(f"/api/v1/users/{LOGIN}").json()["id"]
    assert session["userId"] == user_id and session["login"] == LOGIN and session["status"] == "ACTIVE"
    assert session["amr"] == ["pwd"] and session["mfaActive"] is False
    assert session["lastPasswordVerification"] and session["lastFactorVerification"] is None
    assert session["idp"]["type"] == "OKTA" and session["idp"]["id"]
    created, expires = parse_instant(session["createdAt"]), parse_instant(session["expiresAt"])
    assert expires - created == timedelta(seconds=7200)
    assert session["_links"] == {
        "self": {"href": f"{BASE}/api/v1/sessions/{sid}", "hints": {"allow": ["GET", "DELETE"]}},
        "refresh": {"href": f"{BASE}/api/v1/sessions/{sid}/lifecycle/refresh", "hints": {"allow": ["POST"]}},
        "user": {"name": "Solo User", "href": f"{BASE}/api/v1/users/{user_id}", "hints": {"allow": ["GET"]}},
    }


def test_create_session_errors(client: TestClient) -> None:
    bad = client.post("/api/v1/sessions", json={"sessionToken": "nope"})
    assert bad.status_code == 401 and bad.json()["errorCode"] == "E0000004"
    token = token_for(client)
    assert client.post("/api/v1/sessions", json={"sessionToken": token}).status_code == 200
    assert client.post("/api/v1/sessions", json={"sessionToken": token}).json()["errorCode"] == "E0000004"
    missing = client.post("/api/v1/sessions", json={})
    assert missing.status_code == 400 and missing.json()["errorCode"] == "E0000001"
    assert "sessionToken" in missing.json()["errorSummary"]
    malformed = client.post("/api/v1/sessions", content=b"{", headers={"content-type": "application/json"})
    assert malformed.status_code == 400 and malformed.json()["errorCode"] == "E0000003"
    assert len(client.get("/_mock/state").json()["sessions"]) == 1


def test_current_session_links_point_at_me(client: TestClient) -> None:
    sid = sid_of(redirect(client, token_for(client)))
    body = client.get("/api/v1/sessions/me", headers={"Cookie": f"sid={sid}"}).json()
    assert body["_links"]["self"]["href"] == f"{BASE}/api/v1/sessions/me"
    assert body["_links"]["refresh"]["href"] == f"{BASE}/api/v1/sessions/me/lifecycle/refresh"
    assert body["_links"]["user"]["href"] == f"{BASE}/api/v1/users/me"
    assert (
        client.get(body["_links"]["user"]["href"], headers={"Cookie": f"sid={sid}"}).json()["profile"][
            "login"
        ]
        == LOGIN
    )


def test_no_or_unknown_session_is_404(client: TestClient) -> None:
    for headers in ({}, {"Cookie": "sid=102doesnotexist"}):
        for method, path in (
            ("get", "/api/v1/sessions/me"),
            ("post", "/api/v1/sessions/me/lifecycle/refresh"),
            ("delete", "/api/v1/sessions/me"),
        ):
            response = getattr(client, method)(path, headers=headers)
            assert response.status_code == 404 and response.json()["errorCode"] == "E0000007", (method, path)


def test_refresh_extends_from_mock_now(client: TestClient) -> None:
    client.post("/_mock/clock", json={"freeze": True})
    sid = sid_of(redirect(client, token_for(client)))
    cookie = {"Cookie": f"sid={sid}"}
    first = parse_instant(client.get("/api/v1/sessions/me", headers=cookie).json()["expiresAt"])
    advance(client, 1000)
    refreshed = client.post("/api/v1/sessions/me/lifecycle/refresh", headers=cookie)
    assert refreshed.status_code == 200
    expires = parse_instant(refreshed.json()["expiresAt"])
    assert expires - first == timedelta(seconds=1000)
    assert expires == now(client) + timedelta(seconds=7200)


def test_session_expires_on_the_mock_clock() -> None:
    with make_client(session_lifetime_seconds=600) as client:
        client.post("/_mock/clock", json={"freeze": True})
        sid = sid_of(redirect(client, token_for(client)))
        cookie = {"Cookie": f"sid={sid}"}
        advance(client, 599)
        assert client.get("/api/v1/sessions/me", headers=cookie).status_code == 200
        advance(client, 1)
        assert client.get("/api/v1/sessions/me", headers=cookie).status_code == 404
        assert client.post("/api/v1/sessions/me/lifecycle/refresh", headers=cookie).status_code == 404
        assert client.get(f"/api/v1/sessions/{sid}").status_code == 404
        assert client.get("/api/v1/users/me", headers=cookie).status_code == 403


def test_delete_current_session_clears_the_cookie(client: TestClient) -> None:
    sid = sid_of(redirect(client, token_for(client)))
    cookie = {"Cookie": f"sid={sid}"}
    response = client.delete("/api/v1/sessions/me", headers=cookie)
    assert response.status_code == 204 and response.content == b""
    cleared = cookies_set(response)["sid"]
    assert cleared.startswith("sid=;") and "Max-Age=0" in cleared
    assert client.get("/api/v1/sessions/me", headers=cookie).status_code == 404
    assert client.get("/_mock/state").json()["sessions"] == []


def test_admin_session_operations_by_id(client: TestClient) -> None:
    sid = client.post("/api/v1/sessions", json={"sessionToken": token_for(client)}).json()["id"]
    got = client.get(f"/api/v1/sessions/{sid}")
    assert got.status_code == 200 and got.json()["id"] == sid
    refreshed = client.post(f"/api/v1/sessions/{sid}/lifecycle/refresh")
    assert refreshed.status_code == 200 and refreshed.json()["_links"]["self"]["href"].endswith(
        f"/sessions/{sid}"
    )
    assert client.delete(f"/api/v1/sessions/{sid}").status_code == 204
    for method in ("get", "delete"):
        response = getattr(client, method)(f"/api/v1/sessions/{sid}")
        assert response.status_code == 404 and response.json()["errorCode"] == "E0000007"


def test_admin_token_rule_for_sessions() -> None:
    with make_client(admin_token="s3cret") as client:
        created = client.post("/api/v1/sessions", json={"sessionToken": token_for(client)})
        assert created.status_code == 200  # anonymous, as in Okta
        sid = created.json()["id"]
        cookie = {"Cookie": f"sid={sid}"}
        assert client.get("/api/v1/sessions/me", headers=cookie).status_code == 200
        assert client.get("/api/v1/users/me", headers=cookie).status_code == 200
        for method in ("get", "delete"):
            denied = getattr(client, method)(f"/api/v1/sessions/{sid}")
            assert denied.status_code == 401 and denied.json()["errorCode"] == "E0000011"
        assert client.post(f"/api/v1/sessions/{sid}/lifecycle/refresh").status_code == 401
        assert (
            client.get(f"/api/v1/sessions/{sid}", headers={"Authorization": "SSWS s3cret"}).status_code == 200
        )
        assert redirect(client, token_for(client)).status_code == 302


# --- the whole handoff through /api/v1/authn ----------------------------------------------------------

def test_sign_in_through_authn_then_cookie_redirect() -> None:
    with make_client(seed=Path(__file__).resolve().parents[1] / "data" / "seed.toml") as client:
        primary = client.post(
            "/api/v1/authn", json={"username": "adf.operator@example.com", "password": "Ntf-Demo-2026"}
        )
        assert primary.status_code == 200, primary.text
        tx = primary.json()
        assert tx["status"] == "MFA_REQUIRED"
        [question] = [f for f in tx["_embedded"]["factors"] if f["factorType"] == "question"]
        verified = client.post(
            question["_links"]["verify"]["href"],
            json={"stateToken": tx["stateToken"], "answer": "show me the money"},
        )
        assert verified.status_code == 200, verified.text
        success = verified.json()
        assert success["status"] == "SUCCESS"
        response = redirect(client, success["sessionToken"], "http://localhost:8080/login")
        assert response.status_code == 302
        sid = sid_of(response)
        session = client.get("/api/v1/sessions/me", headers={"Cookie": f"sid={sid}"}).json()
        assert session["login"] == "adf.operator@example.com"
        assert "pwd" in session["amr"] and session["mfaActive"] is True
        assert client.get("/api/v1/users/me", headers={"Cookie": f"sid={sid}"}).json()["lastLogin"]
        is_html_error(redirect(client, success["sessionToken"]), 403)
