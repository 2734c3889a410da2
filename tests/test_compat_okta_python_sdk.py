"""The real `okta` Python SDK (3.4.6, pinned in the test extra) against a live, token-guarded mockfinra:
users (create, get, list with q / filter / search / paging, lifecycle, expire with a temporary password,
delete), factors (enroll a question and a TOTP factor, activate with a computed code, verify, list,
catalog, questions, delete), and a user made by `POST /_mock/users` without names.

The SDK sends `Authorization: SSWS<token>` (no space); it needs `testingDisableHttpsCheck` for an http
org URL (`OKTA_TESTING_TESTINGDISABLEHTTPSCHECK=true`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pyotp
import pytest

from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer
from tests.conftest import TEST_DATA

okta_client = pytest.importorskip("okta.client", reason="pip install okta==3.4.6 (the test extra pins it)")
from okta import models  # noqa: E402
from okta.pagination import PaginationHelper  # noqa: E402

pytestmark = pytest.mark.compat

TOKEN = "python-sdk-admin-token"
PASSWORD = "Ntf-Test-2026x"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockfinraServer]:
    monkeypatch.setenv("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true")
    with MockfinraServer(Settings.for_tests(seed=TEST_DATA / "seed-minimal.toml", admin_token=TOKEN)) as live:
        yield live


def sdk(server: MockfinraServer, token: str = TOKEN) -> Any:
    return okta_client.Client({"orgUrl": server.url, "token": token})


def ok(result: tuple[Any, Any, Any]) -> Any:
    """The SDK answers (value, response, error): the value, failing on an error."""
    value, _response, error = result
    assert error is None, error
    return value


def new_user(login: str, first: str = "Sdk", last: str = "Tester") -> Any:
    return models.CreateUserRequest.from_dict(
        {
            "profile": {"login": login, "email": login, "firstName": first, "lastName": last},
            "credentials": {"password": {"value": PASSWORD}},
        }
    )


async def call(client: Any, method: str, url: str, body: dict[str, Any], model: Any = None) -> tuple[Any, Any]:
    """A request through the SDK's request executor (its auth header, its error parsing)."""
    if url.startswith("/"):
        url = client.get_request_executor()._config["client"]["orgUrl"] + url
    executor = client.get_request_executor()
    request, error = await executor.create_request(method, url, body, {})
    assert error is None, error
    _response, body_text, error = await executor.execute(request)
    if error is not None:
        return None, error
    data = json.loads(body_text)
    return (model.from_dict(data) if model else data), None


def mock_now(server: MockfinraServer) -> datetime:
    return datetime.fromisoformat(
        httpx.get(f"{server.url}/_mock/clock", headers=_admin()).json()["now"].replace("Z", "+00:00")
    )


def _admin() -> dict[str, str]:
    return {"Authorization": f"SSWS {TOKEN}"}


def test_users_create_get_list_lifecycle_delete(server: MockfinraServer) -> None:
    async def scenario() -> None:
        client = sdk(server)
        logins = [f"sdk.user{i}@example.com" for i in range(3)]
        made = [
            ok(await client.create_user(new_user(login, last=f"Tester{i}"), activate=True))
            for i, login in enumerate(logins)
        ]
        assert [u.status.value for u in made] == ["ACTIVE"] * 3
        fetched = ok(await client.get_user(logins[0]))
        assert fetched.id == made[0].id and fetched.profile.first_name == "Sdk"

        by_q = ok(await client.list_users(q="sdk.user1"))
        assert [u.profile.login for u in by_q] == [logins[1]]
        by_filter = ok(await client.list_users(filter=f'profile.login eq "{logins[2]}"'))
        assert [u.id for u in by_filter] == [made[2].id]
        by_search = ok(
            await client.list_users(
                search='profile.lastName sw "Tester"', sort_by="profile.lastName", sort_order="desc"
            )
        )
        assert [u.profile.login for u in by_search] == list(reversed(logins))

        seen: list[str] = []
        cursor = None
        for _ in range(10):  # 2 seeded users and 3 new ones, 2 a page: 3 pages, the last without "next"
            page, response, error = await client.list_users(limit=2, after=cursor)
            assert error is None and 1 <= len(page) <= 2
            seen += [u.id for u in page]
            cursor = PaginationHelper.extract_next_cursor(response.headers)
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 5 and {u.id for u in made} <= set(seen)

        ok(await client.suspend_user(made[0].id))
        assert ok(await client.get_user(made[0].id)).status.value == "SUSPENDED"
        ok(await client.unsuspend_user(made[0].id))
        ok(await client.deactivate_user(made[1].id))
        assert ok(await client.get_user(made[1].id)).status.value == "DEPROVISIONED"
        activation = ok(await client.activate_user(made[1].id, send_email=False))
        assert activation.activation_url.startswith(f"{server.url}/welcome/")
        assert ok(await client.get_user(made[1].id)).status.value == "ACTIVE"

        expired, response, error = await client.expire_password_with_temp_password(made[2].id)
        assert error is None and expired.status.value == "PASSWORD_EXPIRED"
        temporary = json.loads(response.raw_data)["tempPassword"]
        signed = httpx.post(f"{server.url}/api/v1/authn", json={"username": logins[2], "password": temporary})
        assert signed.json()["status"] == "PASSWORD_EXPIRED"

        reset = ok(await client.reset_password(made[0].id, send_email=False))
        assert reset.reset_password_url.startswith(f"{server.url}/signin/reset-password/")

        for _ in range(2):  # deactivate, then delete
            _, _, error = await client.delete_user(made[0].id)
            assert error is None
        _, _, error = await client.get_user(made[0].id)
        assert error is not None and "E0000007" in str(error)

    asyncio.run(scenario())


def test_factors_enroll_activate_verify_list_delete(server: MockfinraServer) -> None:
    async def scenario() -> None:
        client = sdk(server)
        user = ok(await client.create_user(new_user("sdk.factors@example.com"), activate=True))
        questions = ok(await client.list_supported_security_questions(user.id))
        assert len(questions) == 20 and questions[0].question == "disliked_food"

        question = ok(
            await client.enroll_factor(
                user.id,
                models.UserFactorSecurityQuestion.from_dict(
                    {
                        "factorType": "question",
                        "provider": "OKTA",
                        "profile": {"question": "disliked_food", "answer": "mayonnaise"},
                    }
                ),
            )
        )
        assert question.status.value == "ACTIVE"
        totp = ok(
            await client.enroll_factor(
                user.id,
                models.UserFactorTokenSoftwareTOTP.from_dict(
                    {"factorType": "token:software:totp", "provider": "GOOGLE"}
                ),
            )
        )
        assert totp.status.value == "PENDING_ACTIVATION"
        secret = totp.embedded["activation"]["sharedSecret"]

        # okta 3.4.6's UserFactorActivateRequest / UserFactorVerifyRequest models carry no passCode or answer
        # (only useNumberMatchingChallenge), so codes go through the SDK's own request executor.
        _, error = await call(
            client, "POST", f"/api/v1/users/{user.id}/factors/{totp.id}/lifecycle/activate", {"passCode": "000000"}
        )
        assert error is not None and "E0000068" in str(error)
        code = pyotp.TOTP(secret).at(mock_now(server))
        activated, error = await call(
            client,
            "POST",
            f"{server.url}/api/v1/users/{user.id}/factors/{totp.id}/lifecycle/activate",
            {"passCode": code},
            models.UserFactor,
        )
        assert error is None and activated.status.value == "ACTIVE"
        assert ok(await client.get_factor(user.id, totp.id)).status.value == "ACTIVE"

        listed = ok(await client.list_factors(user.id))
        assert {(f.factor_type.value, f.status.value) for f in listed} == {
            ("question", "ACTIVE"),
            ("token:software:totp", "ACTIVE"),
        }
        catalog = ok(await client.list_supported_factors(user.id))
        statuses = {(c.factor_type.value, c.provider.value): c.status.value for c in catalog}
        assert statuses[("question", "OKTA")] == "ACTIVE" and statuses[("push", "OKTA")] == "NOT_SETUP"

        challenged = ok(await client.verify_factor(user.id, question.id))
        assert challenged.factor_result.value == "CHALLENGE"
        verified, error = await call(
            client,
            "POST",
            f"{server.url}/api/v1/users/{user.id}/factors/{question.id}/verify",
            {"answer": "mayonnaise"},
            models.UserFactorVerifyResponse,
        )
        assert error is None and verified.factor_result.value == "SUCCESS"

        _, _, error = await client.unenroll_factor(user.id, question.id)
        assert error is None
        assert [f.id for f in ok(await client.list_factors(user.id))] == [totp.id]

    asyncio.run(scenario())


def test_a_user_made_without_names_lists_and_a_spaceless_token_is_checked(server: MockfinraServer) -> None:
    made = httpx.post(
        f"{server.url}/_mock/users", headers=_admin(), json={"login": "jane.doe@example.com", "password": PASSWORD}
    )
    assert made.status_code == 201, made.text

    async def scenario() -> None:
        users = ok(await sdk(server).list_users())
        jane = next(u for u in users if u.profile.login == "jane.doe@example.com")
        assert (jane.profile.first_name, jane.profile.last_name) == ("Jane", "Doe")
        _, _, error = await sdk(server, "wrong-token").list_users()
        assert error is not None and "E0000011" in str(error)

    asyncio.run(scenario())
