"""The published OpenAPI document's shape: every route is in it, every operation has its surface's error
responses in the surface's format, pages are HTML, downloads plain text, redirects carry Location and no body,
request validation is a 400 (never FastAPI's 422), and the strict bodies are strict on the wire."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.errors import surface_for
from mockfinra.openapi.document import CATCH_ALL, api_routes
from mockfinra.settings import Settings

ERROR_SCHEMA = {"okta": "OktaError", "oauth": "OAuthError", "idx": "IdxError", "mock": "MockError"}


@pytest.fixture
def app() -> Any:
    return create_app(Settings.for_tests(admin_token="t0ken"))


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    with TestClient(create_app(Settings.for_tests(admin_token="t0ken"))) as client:
        response = client.get("/_mock/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "delete", "patch", "head")
    ]


def test_every_route_is_documented(app: Any, document: dict[str, Any]) -> None:
    missing = [
        f"{method} {route.path}"
        for route in api_routes(app)
        if not CATCH_ALL.search(route.path)
        for method in route.methods
        if method.lower() not in document["paths"].get(route.path_format, {})
    ]
    assert missing == []
    for page in ("/", "/login/login.htm", "/app/UserHome", "/traqs/", "/traqs/api-access", "/welcome/{token}"):
        assert "get" in document["paths"][page], page
    for host in ("/apidownload", "/download"):
        assert set(document["paths"][f"{host}/DownloadHandler.ashx"]) == {"get", "post", "head"}


def test_no_422_and_every_operation_documents_its_surface_errors(document: dict[str, Any]) -> None:
    for method, path, op in operations(document):
        responses = op["responses"]
        where = f"{method.upper()} {path}"
        assert "422" not in responses, where
        assert "400" in responses, where
        if "{" in path:
            assert "404" in responses, where
        if "requestBody" in op:
            assert "413" in responses, where
        surface = surface_for(path)
        error = responses["400"].get("content", {})
        if surface in ERROR_SCHEMA and path not in ("/oauth2/default/v1/authorize", "/oauth2/default/v1/logout"):
            assert error["application/json"]["schema"] == {"$ref": f"#/components/schemas/{ERROR_SCHEMA[surface]}"}, where
        elif surface == "plain":
            assert list(error) == ["text/plain; charset=utf-8"], where
        elif surface == "html":
            assert list(error) == ["text/html; charset=utf-8"], where


def test_guarded_routes_document_401_with_a_challenge(document: dict[str, Any]) -> None:
    for path in ("/_mock/reset", "/_mock/clock", "/api/v1/users", "/_mock/messages"):
        for method, op in document["paths"][path].items():
            assert "WWW-Authenticate" in op["responses"]["401"]["headers"], f"{method} {path}"
    assert "401" not in document["paths"]["/_mock/health"]["get"]["responses"]


def test_pages_are_html_and_redirects_have_location_and_no_body(document: dict[str, Any]) -> None:
    page = document["paths"]["/login/login.htm"]["get"]["responses"]["200"]
    assert list(page["content"]) == ["text/html; charset=utf-8"]
    for path, method, status in (
        ("/", "get", "302"),
        ("/login/sessionCookieRedirect", "get", "302"),
        ("/oauth2/default/v1/authorize", "get", "302"),
        ("/traqs/sign-out", "post", "303"),
    ):
        responses = document["paths"][path][method]["responses"]
        assert "200" not in responses, path
        assert "content" not in responses[status], path
        assert responses[status]["headers"]["Location"]["required"] is True
    download = document["paths"]["/apidownload/DownloadHandler.ashx"]["get"]["responses"]
    assert "text/plain; charset=utf-8" in download["200"]["content"]
    assert list(download["401"]["content"]) == ["text/plain; charset=utf-8"]


def test_error_schemas_match_what_the_server_sends(app: Any, document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    with TestClient(app) as client:
        okta = client.get("/api/v1/users").json()
        mock = client.get("/_mock/clock").json()
        oauth = client.post("/oauth2/default/v1/token", data={}).json()
    assert set(schemas["OktaError"]["required"]) <= set(okta)
    assert set(schemas["MockError"]["required"]) <= set(mock)
    assert set(schemas["OAuthError"]["required"]) <= set(oauth)


def test_request_bodies_are_typed(document: dict[str, Any]) -> None:
    for method, path, op in operations(document):
        for media in op.get("requestBody", {}).get("content", {}).values():
            assert media["schema"] not in ({}, {"title": "Body"}), f"{method} {path}"


@pytest.mark.parametrize(
    "body", [{"freeze": "no"}, {"freeze": 0}, {"advance": "5"}, {"advance": None}, {}, {"set": 5}, [], "x"]
)
def test_the_clock_body_is_strict(app: Any, body: Any) -> None:
    with TestClient(app, headers={"Authorization": "SSWS t0ken"}) as client:
        response = client.post("/_mock/clock", json=body)
        assert response.status_code == 400, response.text
        assert response.json()["error"] in ("invalid_request", "bad_request")
        assert client.get("/_mock/clock").json()["frozen"] is False


def test_the_ntf_window_body_takes_exactly_one_of_firm_and_login(app: Any) -> None:
    with TestClient(app, headers={"Authorization": "SSWS t0ken"}) as client:
        for body in ({"firm": "A", "login": "b"}, {"firm": None}, {"firm": 5}):
            assert client.post("/_mock/ntf-window", json=body).status_code == 400, body
        assert client.post("/_mock/ntf-window", json={"firm": "Acme"}).status_code == 201


def test_a_405_allows_every_method_of_the_path(app: Any) -> None:
    with TestClient(app) as client:
        response = client.put("/api/v1/sessions/me")
        assert response.status_code == 405
        assert response.headers["allow"] == "DELETE, GET"
        assert response.json()["errorCode"] == "E0000022"
        assert client.request("OPTIONS", "/login/sessionCookieRedirect").headers["allow"] == "GET, POST"


def test_an_idx_body_that_is_not_an_object_is_a_400(app: Any) -> None:
    with TestClient(app) as client:
        response = client.post("/idp/idx/introspect", json=["not", "an", "object"])
    assert response.status_code == 400
    assert response.json()["messages"]["value"][0]["class"] == "ERROR"


# --- server bugs schemathesis found ---------------------------------------------------------------------


def test_a_huge_message_limit_is_not_a_500(app: Any) -> None:
    with TestClient(app, headers={"Authorization": "SSWS t0ken"}) as client:
        response = client.get("/_mock/messages", params={"limit": str(2**80)})
    assert response.status_code == 200, response.text
    assert isinstance(response.json(), list)


def test_the_okta_and_oauth_objects_are_typed_and_the_real_answers_fit(document: dict[str, Any]) -> None:
    import jsonschema

    from tests.oidc_support import PASSWORD, make_user, new_client, session_token, tokens

    def success(method: str, path: str) -> dict[str, Any]:
        return document["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]

    def check(answer: Any, schema: dict[str, Any]) -> None:
        jsonschema.validate(answer, {**schema, "components": document["components"]})

    assert success("post", "/api/v1/authn") == {"$ref": "#/components/schemas/AuthnTransaction"}
    assert success("get", "/api/v1/users")["items"] == {"$ref": "#/components/schemas/OktaUser"}
    for client in new_client(admin_token="t0ken"):
        admin = {"Authorization": "SSWS t0ken"}
        make_user(client)
        answers = [
            ("post", "/api/v1/authn", client.post("/api/v1/authn", json={"username": "api.user@example.com", "password": PASSWORD})),
            ("get", "/api/v1/users", client.get("/api/v1/users", headers=admin)),
            ("get", "/api/v1/users/{id_or_login}", client.get("/api/v1/users/api.user@example.com", headers=admin)),
            ("post", "/api/v1/sessions", client.post("/api/v1/sessions", json={"sessionToken": session_token(client)}, headers=admin)),
            ("get", "/oauth2/default/v1/keys", client.get("/oauth2/default/v1/keys")),
        ]
        issued = tokens(client)
        bearer = {"Authorization": f"Bearer {issued['access_token']}"}
        answers += [
            ("get", "/oauth2/default/v1/userinfo", client.get("/oauth2/default/v1/userinfo", headers=bearer)),
            ("post", "/oauth2/default/v1/introspect",
             client.post("/oauth2/default/v1/introspect", data={"token": issued["access_token"], "client_id": "traqs-api"})),
        ]
        check(issued, success("post", "/oauth2/default/v1/token"))
        for method, path, response in answers:
            assert response.status_code == 200, (path, response.text)
            check(response.json(), success(method, path))
