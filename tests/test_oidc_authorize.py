"""`v1/authorize`: sessionToken and sid paths, prompt=none, sign-in redirect, PKCE rules, response modes,
and a bad client or redirect URI answered with an HTML page, never a redirect."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.oidc_support import (
    AUTHORIZE,
    BASE,
    REDIRECT,
    authorize_params,
    make_user,
    new_client,
    pkce,
    query_of,
    session_token,
    set_user_status,
    sign_in_cookie,
    state_rows,
)


@pytest.fixture
def client() -> Iterator[TestClient]:
    yield from new_client()


def _authorize(client: TestClient, params: dict[str, str]):
    return client.get(AUTHORIZE, params=params, follow_redirects=False)


def test_session_token_gives_a_code_and_a_session_cookie(client: TestClient) -> None:
    make_user(client)
    _, challenge = pkce()
    response = _authorize(client, authorize_params(challenge, sessionToken=session_token(client)))
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?")
    query = query_of(location)
    assert set(query) == {"code", "state"} and query["state"] == "st-123"
    sid = response.cookies.get("sid")
    assert sid and "httponly" in response.headers["set-cookie"].lower()
    sessions = state_rows(client, "sessions")
    assert [s["id"] for s in sessions] == [sid]
    assert state_rows(client, "authorizationCodes")[0]["session_id"] == sid


def test_session_token_is_single_use(client: TestClient) -> None:
    make_user(client)
    _, challenge = pkce()
    token = session_token(client)
    assert "code" in query_of(_authorize(client, authorize_params(challenge, sessionToken=token)).headers["location"])
    client.cookies.clear()
    again = _authorize(client, authorize_params(challenge, sessionToken=token, prompt="none"))
    assert query_of(again.headers["location"])["error"] == "login_required"


def test_sid_cookie_session_gives_a_code(client: TestClient) -> None:
    make_user(client)
    sid = sign_in_cookie(client)
    _, challenge = pkce()
    response = _authorize(client, authorize_params(challenge, prompt="none"))
    assert response.status_code == 302 and "code" in query_of(response.headers["location"])
    assert "set-cookie" not in response.headers
    assert state_rows(client, "authorizationCodes")[0]["session_id"] == sid


def test_expired_session_is_not_used(client: TestClient) -> None:
    make_user(client)
    sign_in_cookie(client)
    client.post("/_mock/clock", json={"advance": 7201})
    _, challenge = pkce()
    response = _authorize(client, authorize_params(challenge, prompt="none"))
    assert query_of(response.headers["location"])["error"] == "login_required"


def test_prompt_none_without_session_is_login_required(client: TestClient) -> None:
    _, challenge = pkce()
    response = _authorize(client, authorize_params(challenge, prompt="none"))
    assert response.status_code == 302
    query = query_of(response.headers["location"])
    assert response.headers["location"].startswith(REDIRECT)
    assert query["error"] == "login_required" and query["state"] == "st-123" and query["error_description"]
    assert state_rows(client, "authorizationCodes") == []


def test_without_session_goes_to_the_sign_in_page_and_back(client: TestClient) -> None:
    _, challenge = pkce()
    response = _authorize(client, authorize_params(challenge))
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{BASE}/login/login.htm"
    from_uri = parse_qs(location.query)["fromURI"][0]
    assert from_uri.startswith(f"{BASE}{AUTHORIZE}?")
    back = query_of(from_uri)
    assert back["client_id"] == "traqs-api" and back["code_challenge"] == challenge and back["state"] == "st-123"
    # After signing in, the same URL yields a code.
    make_user(client)
    sign_in_cookie(client)
    again = client.get(from_uri, follow_redirects=False)
    assert "code" in query_of(again.headers["location"])


def test_prompt_login_ignores_the_session_and_does_not_loop(client: TestClient) -> None:
    make_user(client)
    sign_in_cookie(client)
    _, challenge = pkce()
    response = _authorize(client, authorize_params(challenge, prompt="login"))
    assert "/login/login.htm?" in response.headers["location"]
    from_uri = parse_qs(urlsplit(response.headers["location"]).query)["fromURI"][0]
    assert "prompt" not in query_of(from_uri)


def test_locked_user_is_refused(client: TestClient) -> None:
    make_user(client)
    sign_in_cookie(client)
    set_user_status(client, "api.user@example.com", "LOCKED_OUT")
    _, challenge = pkce()
    query = query_of(_authorize(client, authorize_params(challenge)).headers["location"])
    assert query["error"] == "access_denied"


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"client_id": "nobody"}, "client_id"),
        ({"client_id": ""}, "client_id"),
        ({"redirect_uri": "https://evil.example.com/cb"}, "redirect_uri"),
        ({"redirect_uri": ""}, "redirect_uri"),
        ({"redirect_uri": "http://10.0.0.1:8000/cb"}, "redirect_uri"),
        ({"redirect_uri": "https://127.0.0.1:8000/cb"}, "redirect_uri"),
        ({"redirect_uri": "http://127.0.0.1:8000/a b"}, "redirect_uri"),
        ({"redirect_uri": "http://127.0.0.1:99999/cb"}, "redirect_uri"),
        ({"redirect_uri": "http://127.0.0.1.evil.example/cb"}, "redirect_uri"),
    ],
)
def test_bad_client_or_redirect_uri_is_an_html_page_not_a_redirect(client: TestClient, change: dict, fragment: str) -> None:
    make_user(client)
    _, challenge = pkce()
    response = _authorize(client, authorize_params(challenge, sessionToken=session_token(client), **change))
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert fragment in response.text
    # Nothing happened: no code, no session, the sessionToken was not spent.
    assert state_rows(client, "authorizationCodes") == [] and state_rows(client, "sessions") == []
    assert all(t["used_at"] is None for t in state_rows(client, "sessionTokens"))


def test_portal_client_redirect_uri_is_the_traqs_callback(client: TestClient) -> None:
    make_user(client)
    params = authorize_params("", client_id="traqs-portal", redirect_uri=f"{BASE}/traqs/authorization-code/callback",
                              sessionToken=session_token(client))
    del params["code_challenge"], params["code_challenge_method"]
    ok = _authorize(client, params)
    assert ok.status_code == 302 and "code" in query_of(ok.headers["location"])
    bad = _authorize(client, {"client_id": "traqs-portal", "response_type": "code", "scope": "openid", "redirect_uri": REDIRECT})
    assert bad.status_code == 400 and "location" not in bad.headers


@pytest.mark.parametrize(
    "change, error",
    [
        ({"response_type": "code token"}, "unsupported_response_type"),
        ({"scope": ""}, "invalid_scope"),
        ({"scope": "openid admin"}, "invalid_scope"),
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "short"}, "invalid_request"),
        ({"prompt": "none login"}, "invalid_request"),
        ({"prompt": "sometimes"}, "invalid_request"),
        ({"max_age": "soon"}, "invalid_request"),
        ({"max_age": "9" * 30}, "invalid_request"),
    ],
)
def test_bad_parameters_are_redirected_as_oauth_errors(client: TestClient, change: dict, error: str) -> None:
    make_user(client)
    _, challenge = pkce()
    params = {k: v for k, v in (authorize_params(challenge, sessionToken=session_token(client)) | change).items() if v is not None}
    response = _authorize(client, params)
    assert response.status_code == 302
    query = query_of(response.headers["location"])
    assert query["error"] == error and query["state"] == "st-123" and query["error_description"]
    assert state_rows(client, "authorizationCodes") == [] and state_rows(client, "sessions") == []


def test_public_client_requires_pkce_with_a_clear_message(client: TestClient) -> None:
    params = authorize_params("x")
    del params["code_challenge"], params["code_challenge_method"]
    query = query_of(_authorize(client, params).headers["location"])
    assert "PKCE" in query["error_description"]


def test_fragment_and_form_post_response_modes(client: TestClient) -> None:
    make_user(client)
    _, challenge = pkce()
    fragment = _authorize(client, authorize_params(challenge, sessionToken=session_token(client), response_mode="fragment"))
    location = fragment.headers["location"]
    assert "?" not in location and "#" in location
    assert "code" in parse_qs(location.split("#", 1)[1])
    form = _authorize(client, authorize_params(challenge, sessionToken=session_token(client), response_mode="form_post"))
    assert form.status_code == 200 and form.headers["content-type"].startswith("text/html")
    assert f"action='{REDIRECT}'" in form.text and 'name="code"' in form.text and 'value="st-123"' in form.text
    message = _authorize(client, authorize_params(challenge, sessionToken=session_token(client), response_mode="okta_post_message"))
    assert message.status_code == 200 and "postMessage(" in message.text and '"http://127.0.0.1:53682"' in message.text
    bad = _authorize(client, authorize_params(challenge, response_mode="carrier_pigeon"))
    assert query_of(bad.headers["location"])["error"] == "invalid_request"


def test_post_authorize_and_loopback_variants(client: TestClient) -> None:
    make_user(client)
    _, challenge = pkce()
    for redirect in ("http://localhost:1234/cb", "http://[::1]:9/x?keep=1", "http://127.0.0.1/cb"):
        params = authorize_params(challenge, sessionToken=session_token(client), redirect_uri=redirect)
        response = client.post(AUTHORIZE, data=params, follow_redirects=False)
        assert response.status_code == 302
        assert response.headers["location"].startswith(redirect)
        assert "code" in query_of(response.headers["location"])


def test_repeated_parameter_is_refused(client: TestClient) -> None:
    response = client.get(f"{AUTHORIZE}?client_id=traqs-api&client_id=traqs-portal", follow_redirects=False)
    assert response.status_code == 400 and "location" not in response.headers and "client_id" in response.text


def test_max_age_asks_for_a_fresh_sign_in(client: TestClient) -> None:
    make_user(client)
    sign_in_cookie(client)
    _, challenge = pkce()
    assert "code" in query_of(_authorize(client, authorize_params(challenge, max_age="600", prompt="none")).headers["location"])
    client.post("/_mock/clock", json={"advance": 601})
    stale = query_of(_authorize(client, authorize_params(challenge, max_age="600", prompt="none")).headers["location"])
    assert stale["error"] == "login_required" and "max_age" in stale["error_description"]
