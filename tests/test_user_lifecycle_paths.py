"""The Users API paths as Okta's SDKs call them now (expire with a temporary password, reset_password,
the credentials operations), the admin token with or without a space after SSWS / Bearer, and names
derived from the login when `POST /_mock/users` omits them."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.settings import Settings
from tests.conftest import TEST_DATA

BASE = "http://127.0.0.1:8400"
TOKEN = "lifecycle-admin-token"
PASSWORD = "Ntf-Test-2026x"
NEW_PASSWORD = "Ntf-Next-2026y"


@pytest.fixture
def client():
    settings = Settings.for_tests(seed=TEST_DATA / "seed-minimal.toml", admin_token=TOKEN)
    with TestClient(create_app(settings), base_url=BASE, headers={"Authorization": f"SSWS {TOKEN}"}) as c:
        yield c


def make(client: TestClient, login: str, **extra: Any) -> dict[str, Any]:
    body = {
        "profile": {"login": login, "email": login, "firstName": "Pat", "lastName": "Tester"},
        "credentials": {
            "password": {"value": PASSWORD},
            "recovery_question": {"question": "Best city?", "answer": "Lisbon"},
        },
        **extra,
    }
    response = client.post("/api/v1/users?activate=true", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def okta_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["errorCode"] == code, body
    return body


def signs_in(client: TestClient, login: str, password: str) -> str:
    response = client.post("/api/v1/authn", json={"username": login, "password": password})
    if response.status_code == 401:
        return "refused"
    assert response.status_code == 200, response.text
    return response.json()["status"]


@pytest.mark.parametrize(
    "header",
    [f"SSWS {TOKEN}", f"SSWS{TOKEN}", f"ssws   {TOKEN}", f"Bearer {TOKEN}", f"Bearer{TOKEN}", f"SSWS\t{TOKEN} "],
)
def test_the_admin_token_is_read_with_or_without_a_space(client: TestClient, header: str) -> None:
    assert client.get("/api/v1/users", headers={"Authorization": header}).status_code == 200
    assert client.get("/_mock/state", headers={"Authorization": header}).status_code == 200


@pytest.mark.parametrize("header", ["SSWS", f"SSWS {TOKEN} extra", f"Basic {TOKEN}", f"SSWSX{TOKEN}", TOKEN])
def test_a_malformed_or_wrong_admin_token_is_refused(client: TestClient, header: str) -> None:
    okta_error(client.get("/api/v1/users", headers={"Authorization": header}), 401, "E0000011")


def test_bearer_access_tokens_are_read_without_a_space_too(client: TestClient) -> None:
    """The userinfo endpoint reads `Bearer<token>` like `Bearer <token>` (the same parser)."""
    refused = client.get("/oauth2/default/v1/userinfo", headers={"Authorization": "Bearerjunk"})
    assert refused.status_code == 401 and "invalid" in refused.headers["www-authenticate"]
    assert "missing" not in refused.json()["error_description"]
    missing = client.get("/oauth2/default/v1/userinfo", headers={"Authorization": "Bearer"})
    assert "missing" in missing.json()["error_description"]


def test_expire_password_with_temp_password(client: TestClient) -> None:
    user = make(client, "temp.pass@example.com")
    response = client.post(f"/api/v1/users/{user['id']}/lifecycle/expire_password_with_temp_password")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "PASSWORD_EXPIRED" and body["id"] == user["id"] and body["tempPassword"]
    assert signs_in(client, "temp.pass@example.com", PASSWORD) == "refused"
    assert signs_in(client, "temp.pass@example.com", body["tempPassword"]) == "PASSWORD_EXPIRED"
    staged = client.post(
        "/api/v1/users?activate=false",
        json={"profile": {"login": "st@example.com", "email": "st@example.com", "firstName": "S", "lastName": "T"}},
    ).json()
    okta_error(
        client.post(f"/api/v1/users/{staged['id']}/lifecycle/expire_password_with_temp_password"), 403, "E0000038"
    )


def test_reset_password_returns_or_emails_a_link_that_resets(client: TestClient) -> None:
    user = make(client, "reset.me@example.com")
    assert "resetPassword" in user["_links"]
    response = client.post(f"/api/v1/users/{user['id']}/lifecycle/reset_password?sendEmail=false")
    assert response.status_code == 200, response.text
    url = response.json()["resetPasswordUrl"]
    assert url.startswith(f"{BASE}/signin/reset-password/")
    assert client.get(f"/api/v1/users/{user['id']}").json()["status"] == "RECOVERY"
    token = url.rsplit("/", 1)[1]
    recovery = client.post("/api/v1/authn/recovery/token", json={"recoveryToken": token})
    assert recovery.status_code == 200 and recovery.json()["status"] == "RECOVERY", recovery.text
    emailed = client.post(f"/api/v1/users/{user['id']}/lifecycle/reset_password")
    assert emailed.status_code == 200 and emailed.json() == {}
    message = client.get("/_mock/messages", params={"to": "reset.me@example.com", "channel": "email"}).json()[0]
    assert "/signin/reset-password/" in message["link"]
    okta_error(client.post("/api/v1/users/00unobody/lifecycle/reset_password"), 404, "E0000007")


def test_change_password_needs_the_old_one(client: TestClient) -> None:
    user = make(client, "change.me@example.com")
    url = f"/api/v1/users/{user['id']}/credentials/change_password"
    wrong = client.post(url, json={"oldPassword": {"value": "Not-It-2026"}, "newPassword": {"value": NEW_PASSWORD}})
    okta_error(wrong, 403, "E0000014")
    weak = client.post(url, json={"oldPassword": {"value": PASSWORD}, "newPassword": {"value": "short"}})
    okta_error(weak, 403, "E0000014")
    okta_error(client.post(url, json={"oldPassword": "text"}), 400, "E0000001")
    done = client.post(url, json={"oldPassword": {"value": PASSWORD}, "newPassword": {"value": NEW_PASSWORD}})
    assert done.status_code == 200, done.text
    assert done.json() == {
        "password": {},
        "recovery_question": {"question": "Best city?"},
        "provider": {"type": "OKTA", "name": "OKTA"},
    }
    assert signs_in(client, "change.me@example.com", NEW_PASSWORD) != "refused"


def test_change_recovery_question_needs_the_password(client: TestClient) -> None:
    user = make(client, "question.me@example.com")
    url = f"/api/v1/users/{user['id']}/credentials/change_recovery_question"
    okta_error(
        client.post(
            url,
            json={
                "password": {"value": "Wrong-2026x"},
                "recovery_question": {"question": "Pet?", "answer": "Rex the dog"},
            },
        ),
        403,
        "E0000014",
    )
    okta_error(
        client.post(
            url, json={"password": {"value": PASSWORD}, "recovery_question": {"question": "Pet?", "answer": "no"}}
        ),
        400,
        "E0000001",
    )
    done = client.post(
        url, json={"password": {"value": PASSWORD}, "recovery_question": {"question": "Pet?", "answer": "Rex the dog"}}
    )
    assert done.status_code == 200 and done.json()["recovery_question"] == {"question": "Pet?"}
    answer = f"/api/v1/users/{user['id']}/credentials/forgot_password_recovery_question"
    okta_error(
        client.post(answer, json={"password": {"value": NEW_PASSWORD}, "recovery_question": {"answer": "Lisbon"}}),
        403,
        "E0000087",
    )
    assert (
        client.post(
            answer, json={"password": {"value": NEW_PASSWORD}, "recovery_question": {"answer": "rex the dog"}}
        ).status_code
        == 200
    )
    assert signs_in(client, "question.me@example.com", NEW_PASSWORD) != "refused"


def test_forgot_password_gives_a_link_or_takes_the_answer(client: TestClient) -> None:
    user = make(client, "forgot.me@example.com")
    url = f"/api/v1/users/{user['id']}/credentials/forgot_password"
    link = client.post(f"{url}?sendEmail=false")
    assert link.status_code == 200 and link.json()["resetPasswordUrl"].startswith(f"{BASE}/signin/reset-password/")
    assert client.get(f"/api/v1/users/{user['id']}").json()["status"] == "ACTIVE"
    assert client.post(url).json() == {}
    assert client.get("/_mock/messages", params={"to": "forgot.me@example.com"}).json()[0]["link"]
    with_answer = client.post(
        url, json={"password": {"value": NEW_PASSWORD}, "recovery_question": {"answer": "LISBON"}}
    )
    assert with_answer.status_code == 200, with_answer.text
    assert signs_in(client, "forgot.me@example.com", NEW_PASSWORD) != "refused"


def test_reactivate_gives_a_new_activation_link(client: TestClient) -> None:
    invited = client.post(
        "/api/v1/users?activate=true",
        json={"profile": {"login": "inv@example.com", "email": "inv@example.com", "firstName": "I", "lastName": "V"}},
    ).json()
    assert invited["status"] == "PROVISIONED"
    response = client.post(f"/api/v1/users/{invited['id']}/lifecycle/reactivate?sendEmail=false")
    assert response.status_code == 200 and response.json()["activationUrl"].startswith(f"{BASE}/welcome/")


@pytest.mark.parametrize(
    ("login", "first", "last"),
    [
        ("jane.doe@example.com", "Jane", "Doe"),
        ("mary-ann.van_dyke@example.com", "Mary", "Ann Van Dyke"),
        ("trader@example.com", "Trader", "User"),
    ],
)
def test_mock_users_without_names_get_names_from_the_login(
    client: TestClient, login: str, first: str, last: str
) -> None:
    made = client.post("/_mock/users", json={"login": login, "password": PASSWORD, "firstName": ""})
    assert made.status_code == 201, made.text
    profile = client.get(f"/api/v1/users/{login}").json()["profile"]
    assert (profile["firstName"], profile["lastName"]) == (first, last)
    listed = [u["profile"] for u in client.get("/api/v1/users").json()]
    assert all(p["firstName"] and p["lastName"] for p in listed)


def test_the_users_api_still_requires_names(client: TestClient) -> None:
    response = client.post(
        "/api/v1/users", json={"profile": {"login": "no.name@example.com", "email": "no.name@example.com"}}
    )
    body = okta_error(response, 400, "E0000001")
    assert {c["errorSummary"] for c in body["errorCauses"]} >= {
        "firstName: The field cannot be left blank",
        "lastName: The field cannot be left blank",
    }
