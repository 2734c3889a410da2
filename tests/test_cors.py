"""Trusted origins and CORS through HTTP: preflights and actual requests from trusted and untrusted origins,
the CORS and REDIRECT scopes, API tokens refused, `Vary: Origin`, and origins added and removed at runtime."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.identity.core.sessions import issue_session_token
from mockfinra.settings import Settings
from mockfinra.store.users import find_user_by_login
from tests.conftest import TEST_DATA

BASE = "http://127.0.0.1:8400"
SPA = "http://spa.example:3000"
LOGIN = "solo.user@example.com"


def make_client(**overrides: Any) -> TestClient:
    settings = Settings.for_tests(**{"seed": TEST_DATA / "seed-minimal.toml", **overrides})
    return TestClient(create_app(settings), base_url=BASE)


@pytest.fixture
def client():
    with make_client(trusted_origins=f"{SPA}=CORS") as c:
        yield c


def preflight(client: TestClient, path: str, origin: str, method: str = "POST", headers: str = "content-type"):
    return client.options(
        path,
        headers={"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers},
    )


def assert_no_cors(response: Any) -> None:
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]


BROWSER_PATHS = [
    "/api/v1/authn",
    "/api/v1/authn/factors/ufs1/verify",
    "/api/v1/sessions/me",
    "/api/v1/sessions/me/lifecycle/refresh",
    "/api/v1/users/me",
    "/oauth2/default/v1/interact",
    "/oauth2/default/v1/token",
    "/oauth2/default/v1/keys",
    "/oauth2/default/.well-known/openid-configuration",
    "/idp/idx/introspect",
    "/idp/idx/challenge/answer",
    "/.well-known/okta-organization",
]


@pytest.mark.parametrize("path", BROWSER_PATHS)
def test_preflight_from_a_trusted_origin(client: TestClient, path: str) -> None:
    response = preflight(client, path, SPA, headers="content-type, x-okta-user-agent-extended, authorization")
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == SPA
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {
        "content-type", "accept", "authorization", "x-okta-user-agent-extended", "x-device-fingerprint",
        "x-requested-with", "okta-version",
    } <= allowed
    assert "Origin" in response.headers["vary"]


def test_the_authn_preflight_was_a_405_before(client: TestClient) -> None:
    """Without an Origin, OPTIONS is not a preflight: the API's own answer (405 E0000022) stands."""
    response = client.options("/api/v1/authn")
    assert response.status_code == 405 and response.json()["errorCode"] == "E0000022"
    assert_no_cors(response)


@pytest.mark.parametrize("path", ["/api/v1/authn", "/oauth2/default/v1/interact", "/idp/idx/introspect"])
def test_preflight_from_an_untrusted_origin_is_refused_without_cors_headers(client: TestClient, path: str) -> None:
    response = preflight(client, path, "http://evil.example")
    assert response.status_code == 403
    assert_no_cors(response)
    assert response.headers["vary"] == "Origin"
    assert "http://evil.example is not a trusted origin" in response.text


def test_each_surface_refuses_in_its_own_format(client: TestClient) -> None:
    okta = preflight(client, "/api/v1/authn", "http://evil.example").json()
    assert okta["errorCode"] == "E0000006"
    oauth = preflight(client, "/oauth2/default/v1/token", "http://evil.example").json()
    assert oauth["error"] == "access_denied"
    idx = preflight(client, "/idp/idx/introspect", "http://evil.example").json()
    assert idx["version"] == "1.0.0" and idx["messages"]["value"][0]["class"] == "ERROR"


def test_actual_request_from_a_trusted_origin_carries_the_headers(client: TestClient) -> None:
    response = client.post(
        "/api/v1/authn", json={"username": LOGIN, "password": "Ntf-Demo-2026"}, headers={"Origin": SPA}
    )
    assert response.status_code == 200 and response.json()["status"] == "MFA_ENROLL"
    assert response.headers["access-control-allow-origin"] == SPA
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["vary"] == "Origin"


def test_errors_carry_the_headers_too_so_the_page_can_read_them(client: TestClient) -> None:
    response = client.post(
        "/api/v1/authn", json={"username": LOGIN, "password": "wrong-password"}, headers={"Origin": SPA}
    )
    assert response.status_code == 401 and response.json()["errorCode"] == "E0000004"
    assert response.headers["access-control-allow-origin"] == SPA


def test_actual_request_from_an_untrusted_origin_is_refused_and_does_nothing(client: TestClient) -> None:
    response = client.post(
        "/api/v1/authn", json={"username": LOGIN, "password": "wrong-password"},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status_code == 403 and response.json()["errorCode"] == "E0000006"
    assert_no_cors(response)
    # the refused request did not count as a failed sign-in
    users = client.get("/_mock/state").json()["users"]
    assert [u for u in users if u["login"] == LOGIN][0].get("failed_attempts", 0) in (0, None)


def test_same_origin_requests_pass_untouched(client: TestClient) -> None:
    response = client.post(
        "/api/v1/authn", json={"username": LOGIN, "password": "Ntf-Demo-2026"}, headers={"Origin": BASE}
    )
    assert response.status_code == 200
    assert_no_cors(response)
    assert response.headers["vary"] == "Origin"


def test_no_origin_no_cors_but_vary(client: TestClient) -> None:
    response = client.get("/.well-known/okta-organization")
    assert response.status_code == 200
    assert_no_cors(response)
    assert response.headers["vary"] == "Origin"


def test_paths_outside_the_browser_apis_get_no_cors(client: TestClient) -> None:
    response = preflight(client, "/api/v1/users", SPA, method="GET")
    assert_no_cors(response)
    assert "vary" not in response.headers or "Origin" not in response.headers["vary"]


def test_api_token_is_never_allowed_across_origins() -> None:
    with make_client(trusted_origins=f"{SPA}=CORS", admin_token="s3cret") as client:
        allowed = client.get("/api/v1/users/me", headers={"Authorization": "SSWS s3cret"})
        # the same request without an Origin is an ordinary API call (no session: Okta's own answer)
        assert "API token" not in allowed.text
        refused = client.get("/api/v1/users/me", headers={"Authorization": "SSWS s3cret", "Origin": SPA})
        assert refused.status_code == 403 and refused.json()["errorCode"] == "E0000006"
        assert "API token" in refused.json()["errorSummary"]
        assert_no_cors(refused)
        also = client.get("/api/v1/sessions/me", headers={"Authorization": "ssws  s3cret", "Origin": SPA})
        assert also.status_code == 403


def test_users_me_with_the_session_cookie_across_origins(client: TestClient) -> None:
    ctx = client.app.state.ctx
    with ctx.store.transaction() as db:
        token = issue_session_token(ctx, db, find_user_by_login(db, LOGIN), ("pwd", "mfa"))
    client.get("/login/sessionCookieRedirect", params={"token": token, "redirectUrl": f"{BASE}/"},
               follow_redirects=False)
    response = client.get("/api/v1/users/me", headers={"Origin": SPA})
    assert response.status_code == 200 and response.json()["profile"]["login"] == LOGIN
    assert response.headers["access-control-allow-origin"] == SPA


# --- scopes -------------------------------------------------------------------------------------------


def cookie_redirect(client: TestClient, target: str) -> int:
    ctx = client.app.state.ctx
    with ctx.store.transaction() as db:
        token = issue_session_token(ctx, db, find_user_by_login(db, LOGIN), ("pwd",))
    response = client.get(
        "/login/sessionCookieRedirect", params={"token": token, "redirectUrl": target}, follow_redirects=False
    )
    return response.status_code


def test_scopes_are_separate() -> None:
    settings = "https://cors.example=CORS, https://redirect.example=REDIRECT, https://both.example"
    with make_client(trusted_origins=settings) as client:
        assert preflight(client, "/api/v1/authn", "https://cors.example").status_code == 200
        assert preflight(client, "/api/v1/authn", "https://redirect.example").status_code == 403
        assert preflight(client, "/api/v1/authn", "https://both.example").status_code == 200
        assert cookie_redirect(client, "https://cors.example/after") == 400
        assert cookie_redirect(client, "https://redirect.example/after") == 302
        assert cookie_redirect(client, "https://both.example/after") == 302
        listed = {e["origin"]: e["scopes"] for e in client.get("/_mock/trusted-origins").json()["trustedOrigins"]}
        assert listed == {
            "https://cors.example": ["CORS"],
            "https://redirect.example": ["REDIRECT"],
            "https://both.example": ["CORS", "REDIRECT"],
        }


def test_origins_match_exactly_scheme_host_and_port(client: TestClient) -> None:
    assert preflight(client, "/api/v1/authn", "https://spa.example:3000").status_code == 403
    assert preflight(client, "/api/v1/authn", "http://spa.example:3001").status_code == 403
    assert preflight(client, "/api/v1/authn", "http://spa.example").status_code == 403
    assert preflight(client, "/api/v1/authn", "null").status_code == 403


@pytest.mark.parametrize(
    "entry", ["https://a.example/path", "ftp://a.example", "https://a.example=CORS+FOO", "https://a.example=", "nope"]
)
def test_bad_settings_entries_are_refused_at_start(entry: str) -> None:
    with pytest.raises(ValueError, match="trusted_origins"):
        Settings.for_tests(trusted_origins=entry)


# --- runtime control ------------------------------------------------------------------------------------


def test_add_then_delete_at_runtime(client: TestClient) -> None:
    other = "https://widget.example"
    assert preflight(client, "/idp/idx/introspect", other).status_code == 403
    added = client.post("/_mock/trusted-origins", json={"origin": "HTTPS://Widget.Example:443/", "scopes": ["cors"]})
    assert added.status_code == 201
    body = added.json()
    assert body["origin"] == other and body["scopes"] == ["CORS"] and body["source"] == "runtime"
    assert preflight(client, "/idp/idx/introspect", other).headers["access-control-allow-origin"] == other
    assert cookie_redirect(client, f"{other}/x") == 400  # CORS only
    assert client.delete(f"/_mock/trusted-origins/{body['id']}").status_code == 204
    assert preflight(client, "/idp/idx/introspect", other).status_code == 403
    assert client.delete(f"/_mock/trusted-origins/{body['id']}").status_code == 404


def test_delete_by_origin_and_reset_forgets_runtime_origins(client: TestClient) -> None:
    client.post("/_mock/trusted-origins", json={"origin": "https://one.example"})
    client.post("/_mock/trusted-origins", json={"origin": "https://two.example", "name": "Two"})
    assert client.delete("/_mock/trusted-origins", params={"origin": "https://one.example"}).status_code == 204
    names = [e["name"] for e in client.get("/_mock/trusted-origins").json()["trustedOrigins"]]
    assert names == [SPA, "Two"]
    client.post("/_mock/reset")
    assert [e["origin"] for e in client.get("/_mock/trusted-origins").json()["trustedOrigins"]] == [SPA]


def test_runtime_errors(client: TestClient) -> None:
    duplicate = client.post("/_mock/trusted-origins", json={"origin": SPA})
    assert duplicate.status_code == 409 and "already" in duplicate.json()["message"]
    bad = client.post("/_mock/trusted-origins", json={"origin": "https://x.example/path"})
    assert bad.status_code == 400 and "no path" in bad.json()["message"]
    scope = client.post("/_mock/trusted-origins", json={"origin": "https://x.example", "scopes": ["IFRAME"]})
    assert scope.status_code == 400 and "CORS and REDIRECT" in scope.json()["message"]
    empty = client.post("/_mock/trusted-origins", json={"origin": "https://x.example", "scopes": []})
    assert empty.status_code == 400
    configured = client.get("/_mock/trusted-origins").json()["trustedOrigins"][0]
    refused = client.delete(f"/_mock/trusted-origins/{configured['id']}")
    assert refused.status_code == 409 and "MOCKFINRA_TRUSTED_ORIGINS" in refused.json()["message"]
    assert client.delete("/_mock/trusted-origins", params={"origin": "https://never.example"}).status_code == 404


def test_the_control_plane_needs_the_admin_token() -> None:
    with make_client(admin_token="s3cret") as client:
        assert client.get("/_mock/trusted-origins").status_code == 401
        added = client.post(
            "/_mock/trusted-origins", json={"origin": SPA}, headers={"Authorization": "SSWS s3cret"}
        )
        assert added.status_code == 201


def test_runtime_origins_are_in_the_state_dump(client: TestClient) -> None:
    client.post("/_mock/trusted-origins", json={"origin": "https://dump.example", "scopes": ["REDIRECT"]})
    rows = client.get("/_mock/state").json()["trustedOrigins"]
    assert [(r["origin"], r["scopes"]) for r in rows] == [("https://dump.example", ["REDIRECT"])]


# --- Okta's Trusted Origins API (/api/v1/trustedOrigins) ---------------------------------------------

SSWS = {"Authorization": "SSWS s3cret"}


@pytest.fixture
def admin():
    with make_client(trusted_origins=f"{SPA}=CORS", admin_token="s3cret") as c:
        yield c


def test_okta_api_needs_the_api_token(admin: TestClient) -> None:
    refused = admin.get("/api/v1/trustedOrigins")
    assert refused.status_code == 401 and refused.json()["errorCode"] == "E0000011"


def test_okta_api_create_get_list_replace_deactivate_delete(admin: TestClient) -> None:
    body = {"name": "Widget app", "origin": "https://widget.example", "scopes": [{"type": "CORS"}]}
    created = admin.post("/api/v1/trustedOrigins", json=body, headers=SSWS)
    assert created.status_code == 200, created.text
    origin = created.json()
    assert origin["id"].startswith("tos") and origin["status"] == "ACTIVE"
    assert origin["scopes"] == [{"type": "CORS"}] and origin["name"] == "Widget app"
    assert origin["_links"]["self"]["href"] == f"{BASE}/api/v1/trustedOrigins/{origin['id']}"
    assert origin["_links"]["deactivate"]["hints"]["allow"] == ["POST"]
    assert preflight(admin, "/api/v1/authn", "https://widget.example").status_code == 200

    fetched = admin.get(f"/api/v1/trustedOrigins/{origin['id']}", headers=SSWS).json()
    assert fetched["origin"] == "https://widget.example"
    listed = admin.get("/api/v1/trustedOrigins", headers=SSWS).json()
    assert [o["origin"] for o in listed] == [SPA, "https://widget.example"]
    assert [o["origin"] for o in admin.get("/api/v1/trustedOrigins", params={"q": "widget"}, headers=SSWS).json()] == [
        "https://widget.example"
    ]

    replaced = admin.put(
        f"/api/v1/trustedOrigins/{origin['id']}",
        json={"name": "Widget app", "origin": "https://widget.example", "scopes": [{"type": "REDIRECT"}]},
        headers=SSWS,
    )
    assert replaced.status_code == 200 and replaced.json()["scopes"] == [{"type": "REDIRECT"}]
    assert preflight(admin, "/api/v1/authn", "https://widget.example").status_code == 403

    admin.put(f"/api/v1/trustedOrigins/{origin['id']}", json=body, headers=SSWS)
    off = admin.post(f"/api/v1/trustedOrigins/{origin['id']}/lifecycle/deactivate", headers=SSWS)
    assert off.status_code == 200 and off.json()["status"] == "INACTIVE" and "activate" in off.json()["_links"]
    assert preflight(admin, "/api/v1/authn", "https://widget.example").status_code == 403
    on = admin.post(f"/api/v1/trustedOrigins/{origin['id']}/lifecycle/activate", headers=SSWS)
    assert on.json()["status"] == "ACTIVE"
    assert preflight(admin, "/api/v1/authn", "https://widget.example").status_code == 200

    assert admin.delete(f"/api/v1/trustedOrigins/{origin['id']}", headers=SSWS).status_code == 204
    gone = admin.get(f"/api/v1/trustedOrigins/{origin['id']}", headers=SSWS)
    assert gone.status_code == 404 and gone.json()["errorCode"] == "E0000007"
    assert preflight(admin, "/api/v1/authn", "https://widget.example").status_code == 403


def test_okta_api_errors(admin: TestClient) -> None:
    duplicate = admin.post(
        "/api/v1/trustedOrigins", json={"name": "x", "origin": SPA, "scopes": [{"type": "CORS"}]}, headers=SSWS
    )
    assert duplicate.status_code == 400 and duplicate.json()["errorCode"] == "E0000001"
    assert "already exists" in duplicate.json()["errorCauses"][0]["errorSummary"]
    no_scopes = admin.post("/api/v1/trustedOrigins", json={"name": "x", "origin": "https://x.example"}, headers=SSWS)
    assert no_scopes.status_code == 400 and no_scopes.json()["errorCode"] == "E0000001"
    bad_scope = admin.post(
        "/api/v1/trustedOrigins",
        json={"name": "x", "origin": "https://x.example", "scopes": [{"type": "IFRAME_EMBED"}]}, headers=SSWS,
    )
    assert bad_scope.status_code == 400
    no_name = admin.post(
        "/api/v1/trustedOrigins", json={"origin": "https://x.example", "scopes": [{"type": "CORS"}]}, headers=SSWS
    )
    assert no_name.status_code == 400 and "name" in no_name.json()["errorCauses"][0]["errorSummary"]
    configured = admin.get("/api/v1/trustedOrigins", headers=SSWS).json()[0]
    kept = admin.delete(f"/api/v1/trustedOrigins/{configured['id']}", headers=SSWS)
    assert kept.status_code == 400 and "MOCKFINRA_TRUSTED_ORIGINS" in kept.text
