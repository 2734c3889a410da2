"""Tenants: one instance, many isolated worlds (`/t/{name}/...` or `X-Mock-Tenant`), each with its own users,
factors, tokens, outbox, clock, faults and seed; links follow the path prefix; `/_mock/tenants` creates, lists
and deletes them; the pytest plugin gives each test a tenant on a shared server (`MOCKFINRA_URL`)."""

from __future__ import annotations

import base64
import json
import os
import textwrap
import urllib.request
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.clock import parse_instant
from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer, tenant_name
from tests.authn_support import PASSWORD, SECRET, T0, google, totp
from tests.conftest import TEST_DATA
from tests.oidc_support import REDIRECT, pkce

#: `pytester` runs the plugin's own tests in a pytest run of their own
pytest_plugins = ["pytester"]

BASE = "http://127.0.0.1:8400"


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"seed": TEST_DATA / "seed-minimal.toml", "clock_start": T0, "clock_frozen": True}
    values.update(overrides)
    return Settings.for_tests(**values)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(settings()), base_url=BASE) as c:
        yield c


def add_user(client: TestClient, world: str, login: str, **fields: Any) -> dict[str, Any]:
    body = {"login": login, "password": PASSWORD, "firstName": "T", "lastName": "U", "entitlements": ["TRACE"]}
    body.update(fields)
    if body.get("status") == "PROVISIONED":
        body.pop("password")
    response = client.post(f"{world}/_mock/users", json=body, params={"sendEmail": "true"})
    assert response.status_code == 201, response.text
    return response.json()


def logins(client: TestClient, world: str = "", headers: dict[str, str] | None = None) -> set[str]:
    response = client.get(f"{world}/_mock/state", headers=headers or {})
    assert response.status_code == 200, response.text
    return {user["login"] for user in response.json()["users"]}


SEEDED = {"solo.user@example.com", "invited.user@example.com"}


# --- isolation -------------------------------------------------------------------------------------


def test_two_tenants_see_nothing_of_each_other(client: TestClient) -> None:
    add_user(client, "/t/alpha", "only.alpha@example.com", status="PROVISIONED")
    add_user(client, "/t/beta", "only.beta@example.com")
    assert logins(client, "/t/alpha") == SEEDED | {"only.alpha@example.com"}
    assert logins(client, "/t/beta") == SEEDED | {"only.beta@example.com"}
    assert logins(client) == SEEDED  # the default world

    # outbox: the invitation went to alpha's outbox only
    alpha = client.get("/t/alpha/_mock/messages", params={"to": "only.alpha@example.com"}).json()
    assert len(alpha) == 1 and alpha[0]["channel"] == "email"
    assert client.get("/t/beta/_mock/messages", params={"to": "only.alpha@example.com"}).json() == []
    assert client.get("/_mock/messages", params={"to": "only.alpha@example.com"}).json() == []

    # clock: moving alpha's leaves beta's and the default world's where they were
    assert client.post("/t/alpha/_mock/clock", json={"advance": 86400}).status_code == 200
    assert client.get("/t/alpha/_mock/clock").json()["now"].startswith("2026-03-03T14:30:05")
    assert client.get("/t/beta/_mock/clock").json()["now"].startswith("2026-03-02T14:30:05")
    assert client.get("/_mock/clock").json()["now"].startswith("2026-03-02T14:30:05")
    assert client.get("/t/alpha/_mock/health").headers["x-mock-time"].startswith("2026-03-03")

    # faults: one injected in beta fires in beta only
    fault = {"path": "/api/v1/authn", "status": 503}
    assert client.post("/t/beta/_mock/faults", json=fault).status_code == 201
    signin = {"username": "solo.user@example.com", "password": PASSWORD}
    assert client.post("/t/beta/api/v1/authn", json=signin).status_code == 503
    assert client.post("/t/alpha/api/v1/authn", json=signin).status_code == 200
    assert client.post("/api/v1/authn", json=signin).status_code == 200
    assert client.get("/t/alpha/_mock/faults").json() == []


def test_the_path_and_the_header_choose_the_same_tenant(client: TestClient) -> None:
    response = client.post(
        "/_mock/users",
        json={"login": "by.header@example.com", "password": PASSWORD, "firstName": "H", "lastName": "D"},
        headers={"X-Mock-Tenant": "gamma"},
    )
    assert response.status_code == 201, response.text
    assert "by.header@example.com" in logins(client, "/t/gamma")
    assert "by.header@example.com" in logins(client, headers={"X-Mock-Tenant": "gamma"})
    assert "by.header@example.com" not in logins(client)
    # both at once must agree
    same = client.get("/t/gamma/_mock/state", headers={"X-Mock-Tenant": "gamma"})
    assert same.status_code == 200
    other = client.get("/t/gamma/_mock/state", headers={"X-Mock-Tenant": "delta"})
    assert other.status_code == 400 and other.json()["error"] == "bad_tenant"


# --- links -------------------------------------------------------------------------------------------


def test_links_follow_the_path_prefix(client: TestClient) -> None:
    prefix = f"{BASE}/t/links"
    add_user(client, "/t/links", "mfa.user@example.com", factors=[google()])
    authn = client.post("/t/links/api/v1/authn", json={"username": "mfa.user@example.com", "password": PASSWORD})
    assert authn.status_code == 200 and authn.json()["status"] == "MFA_REQUIRED"
    hrefs = [f["_links"]["verify"]["href"] for f in authn.json()["_embedded"]["factors"]]
    hrefs += [link["href"] for link in authn.json()["_links"].values() if isinstance(link, dict)]
    assert hrefs and all(href.startswith(f"{prefix}/api/v1/authn") for href in hrefs), hrefs

    discovery = client.get("/t/links/oauth2/default/.well-known/openid-configuration").json()
    assert discovery["issuer"] == f"{prefix}/oauth2/default"
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"):
        assert discovery[key].startswith(f"{prefix}/oauth2/default/"), (key, discovery[key])
    org = client.get("/t/links/.well-known/okta-organization").json()
    assert org["_links"]["organization"]["href"] == prefix

    page = client.get("/t/links/login/login.htm")
    assert page.status_code == 200
    assert f'data-introspect="{prefix}/idp/idx/introspect"' in page.text
    assert f'src="{prefix}/static/idx-signin.js"' in page.text
    assert client.get("/t/links/static/idx-signin.js").status_code == 200
    home = client.get("/t/links/_mock")
    assert home.status_code == 200 and f'href="{prefix}/_mock/inbox"' in home.text
    assert f'href="{prefix}/login/login.htm"' in home.text
    traqs = client.get("/t/links/traqs/", follow_redirects=False)
    assert traqs.status_code == 302 and traqs.headers["location"].startswith(f"{prefix}/login/login.htm?fromURI=")
    assert parse_qs(urlsplit(traqs.headers["location"]).query)["fromURI"] == [f"{prefix}/traqs/"]

    invited = add_user(client, "/t/links", "invited.here@example.com", status="PROVISIONED")
    assert invited["activationUrl"].startswith(f"{prefix}/welcome/")
    email = client.get("/t/links/_mock/messages", params={"to": "invited.here@example.com"}).json()[0]
    assert email["link"].startswith(f"{prefix}/welcome/")
    assert client.get(urlsplit(email["link"]).path).status_code == 200  # the link opens in its tenant
    # the seed's own invitation (sent when the tenant was made) points into the tenant too
    seeded = client.get("/t/links/_mock/messages", params={"to": "invited.user@example.com"}).json()[0]
    assert seeded["link"].startswith(f"{prefix}/welcome/")


def test_an_error_page_links_back_to_its_tenants_sign_in(client: TestClient) -> None:
    unknown = client.get("/t/errors/no/such/page")
    assert unknown.status_code == 404 and "<a href='/t/errors/'>Back to sign-in</a>" in unknown.text
    refused = client.get("/t/errors/oauth2/default/v1/authorize", params={"client_id": "nobody"})
    assert refused.status_code == 400 and "<a href='/t/errors/'>Back to sign-in</a>" in refused.text
    assert client.get("/t/errors/").status_code == 200  # where that link leads
    for world in ("", "/t/errors"):
        page = client.get(f"{world}/no/such/page", headers={"X-Mock-Tenant": "errors"} if not world else {})
        assert ("<a href='/'>" in page.text) is (not world)  # a header tenant's links carry no prefix


def test_links_of_a_header_tenant_and_of_the_default_world_carry_no_prefix(client: TestClient) -> None:
    header = {"X-Mock-Tenant": "plain"}
    discovery = client.get("/oauth2/default/.well-known/openid-configuration", headers=header).json()
    assert discovery["issuer"] == f"{BASE}/oauth2/default"
    assert client.get("/oauth2/default/.well-known/openid-configuration").json()["issuer"] == f"{BASE}/oauth2/default"
    assert f'data-introspect="{BASE}/idp/idx/introspect"' in client.get("/login/login.htm").text
    assert f'data-introspect="{BASE}/idp/idx/introspect"' in client.get("/login/login.htm", headers=header).text
    assert {t["name"] for t in client.get("/_mock/tenants").json()["tenants"]} == {"plain"}


# --- a whole sign-in inside a tenant -------------------------------------------------------------------


def _claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_full_sign_in_works_inside_a_tenant(client: TestClient) -> None:
    world = "/t/signin"
    add_user(client, world, "flow.user@example.com", factors=[google()])
    first = client.post(f"{world}/api/v1/authn", json={"username": "flow.user@example.com", "password": PASSWORD}).json()
    factor = next(f for f in first["_embedded"]["factors"] if f["provider"] == "GOOGLE")
    code = totp(SECRET, parse_instant(T0))
    verify = client.post(
        urlsplit(factor["_links"]["verify"]["href"]).path, json={"stateToken": first["stateToken"], "passCode": code}
    )
    assert verify.status_code == 200 and verify.json()["status"] == "SUCCESS", verify.text
    verifier, challenge = pkce()
    params = {
        "client_id": "traqs-api", "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid profile",
        "state": "s1", "nonce": "n1", "code_challenge": challenge, "code_challenge_method": "S256",
        "sessionToken": verify.json()["sessionToken"],
    }
    authorize = client.get(f"{world}/oauth2/default/v1/authorize", params=params, follow_redirects=False)
    assert authorize.status_code == 302, authorize.text
    assert "Path=/t/signin/" in authorize.headers["set-cookie"]  # a browser keeps each tenant's session apart
    the_code = parse_qs(urlsplit(authorize.headers["location"]).query)["code"][0]
    form = {"grant_type": "authorization_code", "client_id": "traqs-api", "code": the_code,
            "redirect_uri": REDIRECT, "code_verifier": verifier}
    tokens = client.post(f"{world}/oauth2/default/v1/token", data=form)
    assert tokens.status_code == 200, tokens.text
    assert _claims(tokens.json()["id_token"])["iss"] == f"{BASE}/t/signin/oauth2/default"
    bearer = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    me = client.get(f"{world}/oauth2/default/v1/userinfo", headers=bearer)
    assert me.status_code == 200 and me.json()["preferred_username"] == "flow.user@example.com"
    # the token means nothing in another world
    assert client.get("/t/other/oauth2/default/v1/userinfo", headers=bearer).status_code == 401
    assert client.get("/oauth2/default/v1/userinfo", headers=bearer).status_code == 401


# --- the control plane -----------------------------------------------------------------------------------


def test_create_list_get_and_delete_through_the_control_plane(client: TestClient) -> None:
    created = client.post("/_mock/tenants", json={"name": "ctl"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "ctl" and body["created"] is True and body["url"] == f"{BASE}/t/ctl"
    assert body["header"] == {"X-Mock-Tenant": "ctl"} and body["createdAt"].endswith("Z")
    again = client.post("/_mock/tenants", json={"name": "ctl"})
    assert again.status_code == 200 and again.json()["created"] is False
    unnamed = client.post("/_mock/tenants")
    assert unnamed.status_code == 201 and unnamed.json()["name"].startswith("t-")
    listed = client.get("/_mock/tenants").json()
    assert {t["name"] for t in listed["tenants"]} == {"ctl", unnamed.json()["name"]} and listed["maxTenants"] == 100
    assert client.get("/_mock/tenants/ctl").json()["name"] == "ctl"

    add_user(client, "/t/ctl", "gone.soon@example.com")
    assert client.post("/t/ctl/_mock/clock", json={"advance": 3600}).status_code == 200
    assert client.delete("/_mock/tenants/ctl").status_code == 204
    assert client.get("/_mock/tenants/ctl").status_code == 404
    assert client.delete("/_mock/tenants/ctl").status_code == 404
    assert "ctl" not in {t["name"] for t in client.get("/_mock/tenants").json()["tenants"]}
    # a later request recreates it, empty and freshly seeded, its clock back at the start
    assert logins(client, "/t/ctl") == SEEDED
    assert client.get("/t/ctl/_mock/clock").json()["now"].startswith("2026-03-02T14:30:05")
    assert client.get("/_mock/tenants/ctl").status_code == 200


def test_the_tenants_control_plane_lives_on_the_default_world_only(client: TestClient) -> None:
    response = client.get("/t/inner/_mock/tenants")
    assert response.status_code == 404 and "default world" in response.json()["message"]


def test_bad_tenant_names_get_a_400_in_the_surface_format(client: TestClient) -> None:
    okta = client.get("/t/Upper/api/v1/users")
    assert okta.status_code == 400 and okta.json()["errorCode"] == "E0000001"
    assert "not a tenant name" in okta.json()["errorSummary"]
    mock = client.get("/t/-dash/_mock/state")
    assert mock.status_code == 400 and mock.json()["error"] == "bad_tenant"
    page = client.get("/t/a_b/login/login.htm")
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert client.get("/t//_mock/state").status_code == 400
    assert client.get("/t/" + "x" * 41 + "/_mock/state").status_code == 400
    assert client.get("/_mock/state", headers={"X-Mock-Tenant": "no way"}).status_code == 400
    plain = client.get("/t/BAD/apidownload/DownloadHandler.ashx")
    assert plain.status_code == 400 and plain.headers["content-type"].startswith("text/plain")
    for bad in ("UPPER", "-x", "", "a" * 41, "a.b"):
        response = client.post("/_mock/tenants", json={"name": bad})
        assert response.status_code == 400, (bad, response.text)
        assert response.json()["error"] == "invalid_request"
    assert client.delete("/_mock/tenants/NOPE").status_code == 400
    assert client.get("/_mock/tenants").json()["tenants"] == []


def test_the_default_world_is_unchanged(client: TestClient) -> None:
    add_user(client, "", "default.only@example.com")
    assert "default.only@example.com" not in logins(client, "/t/fresh")
    assert "default.only@example.com" in logins(client)
    assert client.get("/traqs-like", follow_redirects=False).status_code == 404  # '/t' alone is no tenant
    assert client.get("/_mock/ready").status_code == 200
    # a reset of the default world leaves the tenants (and their worlds) alone
    add_user(client, "/t/fresh", "kept@example.com")
    assert client.post("/_mock/reset").status_code == 200
    assert {t["name"] for t in client.get("/_mock/tenants").json()["tenants"]} == {"fresh"}
    assert "kept@example.com" in logins(client, "/t/fresh")
    assert "default.only@example.com" not in logins(client)


def test_a_tenant_reset_resets_that_tenant_only(client: TestClient) -> None:
    add_user(client, "/t/one", "one@example.com")
    add_user(client, "/t/two", "two@example.com")
    assert client.post("/t/one/_mock/reset").status_code == 200
    assert logins(client, "/t/one") == SEEDED
    assert "two@example.com" in logins(client, "/t/two")


def test_the_number_of_tenants_is_limited() -> None:
    with TestClient(create_app(settings(max_tenants=2)), base_url=BASE) as c:
        assert c.post("/_mock/tenants", json={"name": "a1"}).status_code == 201
        assert c.get("/t/a2/_mock/ready").status_code == 200
        over = c.post("/_mock/tenants", json={"name": "a3"})
        assert over.status_code == 409 and over.json()["error"] == "too_many_tenants"
        by_path = c.post("/t/a3/api/v1/authn", json={})
        assert by_path.status_code == 409 and by_path.json()["errorCode"] == "E0000001"
        assert c.delete("/_mock/tenants/a1").status_code == 204
        assert c.post("/_mock/tenants", json={"name": "a3"}).status_code == 201
    with TestClient(create_app(settings(max_tenants=0)), base_url=BASE) as c:
        off = c.get("/t/a1/_mock/state")
        assert off.status_code == 404 and off.json()["error"] == "tenants_off"
        assert c.post("/_mock/tenants", json={"name": "a1"}).status_code == 404


def test_a_tenant_made_at_runtime_loads_the_configured_faults(tmp_path: Path) -> None:
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps([{"path": "/api/v1/authn", "status": 429, "name": "configured"}]))
    with TestClient(create_app(settings(faults=faults)), base_url=BASE) as c:
        signin = {"username": "solo.user@example.com", "password": PASSWORD}
        assert c.post("/t/late/api/v1/authn", json=signin).status_code == 429
        assert [f["name"] for f in c.get("/t/late/_mock/faults").json()] == ["configured"]
        assert c.delete("/t/late/_mock/faults").status_code == 200
        assert c.post("/t/late/api/v1/authn", json=signin).status_code == 200
        assert c.post("/api/v1/authn", json=signin).status_code == 429  # the default world keeps its own


def test_the_admin_token_guards_the_tenants_and_their_control_planes() -> None:
    with TestClient(create_app(settings(admin_token="s3cret")), base_url=BASE) as c:
        assert c.post("/_mock/tenants", json={"name": "guarded"}).status_code == 401
        token = {"X-Mock-Token": "s3cret"}
        assert c.post("/_mock/tenants", json={"name": "guarded"}, headers=token).status_code == 201
        assert c.get("/t/guarded/_mock/state").status_code == 401
        assert c.get("/t/guarded/_mock/state", headers=token).status_code == 200


# --- on a SQLite file: sibling files, restarts, other processes ---------------------------------------------


def test_on_a_sqlite_file_each_tenant_has_a_sibling_file_that_survives_a_restart(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'mockfinra.db'}"
    with TestClient(create_app(settings(db=db)), base_url=BASE) as c:
        add_user(c, "/t/filed", "on.disk@example.com")
    assert (tmp_path / "mockfinra.tenants" / "filed.db").is_file()
    with TestClient(create_app(settings(db=db)), base_url=BASE) as c:
        assert [t["name"] for t in c.get("/_mock/tenants").json()["tenants"]] == ["filed"]
        assert "on.disk@example.com" in logins(c, "/t/filed")
        assert c.delete("/_mock/tenants/filed").status_code == 204
        assert not (tmp_path / "mockfinra.tenants" / "filed.db").exists()
        assert logins(c, "/t/filed") == SEEDED


def test_another_process_sees_a_deletion(tmp_path: Path) -> None:
    """Two apps on one SQLite file stand for two worker processes: one deletes, the other's cached tenant
    app is dropped at its next re-check and the tenant comes back empty."""
    db = f"sqlite:///{tmp_path / 'mockfinra.db'}"
    with (
        TestClient(create_app(settings(db=db, tenant_recheck_seconds=0)), base_url=BASE) as first,
        TestClient(create_app(settings(db=db, tenant_recheck_seconds=0)), base_url=BASE) as second,
    ):
        add_user(first, "/t/shared", "seen.by.both@example.com")
        assert "seen.by.both@example.com" in logins(second, "/t/shared")
        assert {t["name"] for t in second.get("/_mock/tenants").json()["tenants"]} == {"shared"}
        assert first.delete("/_mock/tenants/shared").status_code == 204
        assert second.get("/_mock/tenants/shared").status_code == 404
        assert logins(second, "/t/shared") == SEEDED
        assert logins(first, "/t/shared") == SEEDED


def test_tenant_names_for_tests_are_valid_and_distinct() -> None:
    from mockfinra.tenants.names import check_name

    names = {tenant_name(f"tests/test_x.py::test_{i}", worker="gw12", run="a1b2c3") for i in range(50)}
    assert len(names) == 50
    for name in names:
        assert check_name(name) == name and name.startswith("a1b2c3-gw12-")


def test_each_backend_gives_a_tenant_a_store_of_its_own() -> None:
    from mockfinra.tenants.storage import UnsupportedStore, tenant_db_url

    assert tenant_db_url("sqlite:///data/mockfinra.db", "ci-1") == "sqlite:///data/mockfinra.tenants/ci-1.db"
    assert tenant_db_url("sqlite://", "ci-1") == "sqlite://"
    plain = tenant_db_url("postgresql+psycopg://u:p@db:5432/mock", "ci-1")
    assert plain == "postgresql+psycopg://u:p@db:5432/mock?options=-csearch_path%3Dtenant_ci_1"
    scoped = tenant_db_url("postgresql+psycopg://u@db/mock?options=-csearch_path%3Dmockfinra", "ci-1")
    assert scoped.endswith("options=-csearch_path%3Dmockfinra_ci_1")
    long_name = tenant_db_url("postgresql+psycopg://u@db/mock?options=-csearch_path%3D" + "s" * 40, "n" * 40)
    schema = long_name.rsplit("%3D", 1)[1]
    assert len(schema) <= 63 and schema.startswith("s" * 40)
    with pytest.raises(UnsupportedStore):
        tenant_db_url("mysql://u@db/mock", "ci-1")


def test_a_browser_app_may_send_the_tenant_header_across_origins() -> None:
    spa = "http://spa.example"
    with TestClient(create_app(settings(trusted_origins=f"{spa}=CORS")), base_url=BASE) as c:
        preflight = c.options(
            "/oauth2/default/v1/token",
            headers={"Origin": spa, "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "content-type, x-mock-tenant"},
        )
        assert preflight.status_code in (200, 204), preflight.text
        assert "X-Mock-Tenant" in preflight.headers["access-control-allow-headers"]
        actual = c.get("/oauth2/default/.well-known/openid-configuration", headers={"Origin": spa, "X-Mock-Tenant": "spa"})
        assert actual.headers["access-control-allow-origin"] == spa


# --- the pytest plugin --------------------------------------------------------------------------------------

PLUGIN_TESTS = '''
import json, urllib.request

def _state(tenant):
    return {u["login"] for u in tenant.control("GET", "/_mock/state")["users"]}

def test_one(mockfinra_tenant, mockfinra_url):
    assert mockfinra_url == mockfinra_tenant.url and "/t/" in mockfinra_url
    mockfinra_tenant.control("POST", "/_mock/users", {"login": "one@example.com", "password": "Ntf-Demo-2026",
                                                      "firstName": "O", "lastName": "N"})
    assert "one@example.com" in _state(mockfinra_tenant)
    assert "two@example.com" not in _state(mockfinra_tenant)

def test_two(mockfinra_tenant, mockfinra_url):
    mockfinra_tenant.control("POST", "/_mock/users", {"login": "two@example.com", "password": "Ntf-Demo-2026",
                                                      "firstName": "T", "lastName": "W"})
    assert "two@example.com" in _state(mockfinra_tenant)
    assert "one@example.com" not in _state(mockfinra_tenant)
    with urllib.request.urlopen(mockfinra_url + "/oauth2/default/.well-known/openid-configuration") as response:
        assert json.loads(response.read())["issuer"] == mockfinra_url + "/oauth2/default"
'''


def _run_plugin(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, url: str | None, *args: str) -> Any:
    """The plugin in a pytest run of its own (in this process: the plugin is installed as an entry point)."""
    for key in [key for key in os.environ if key.startswith("MOCKFINRA_") and not key.startswith("MOCKFINRA_TEST_")]:
        monkeypatch.delenv(key)
    if url:
        monkeypatch.setenv("MOCKFINRA_URL", url)
        monkeypatch.setenv("MOCKFINRA_ADMIN_TOKEN", "fleet-token")
    pytester.makepyfile(test_inner=textwrap.dedent(PLUGIN_TESTS))
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly", *args)


def test_the_plugin_gives_each_test_a_tenant_on_the_server_in_mockfinra_url(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    with MockfinraServer(settings(admin_token="fleet-token")) as server:
        _run_plugin(pytester, monkeypatch, server.url).assert_outcomes(passed=2)
        request = urllib.request.Request(f"{server.url}/_mock/tenants", headers={"X-Mock-Token": "fleet-token"})
        with urllib.request.urlopen(request) as response:
            assert json.loads(response.read())["tenants"] == []  # each test's tenant was deleted after it
        _run_plugin(pytester, monkeypatch, server.url, "--mockfinra-tenant-scope=worker").assert_outcomes(passed=2)
        with urllib.request.urlopen(request) as response:
            assert json.loads(response.read())["tenants"] == []


def test_the_plugin_starts_a_local_server_without_mockfinra_url(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_plugin(pytester, monkeypatch, None).assert_outcomes(passed=2)
