"""The Okta Users API subset through HTTP: create, get, list/search, update, lifecycle, delete, admin token."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.identity.core.passwords import policy_violations
from mockfinra.identity.core.sessions import issue_session_token
from mockfinra.settings import Settings
from mockfinra.store.users import Factor, find_user_by_login
from tests.conftest import TEST_DATA

BASE = "http://127.0.0.1:8400"
PASSWORD = "Ntf-Test-2026x"
LOCKABLE = "solo.user@example.com"


def make_client(**overrides: Any) -> TestClient:
    settings = Settings.for_tests(seed=TEST_DATA / "seed-minimal.toml", seed_invitations=False, **overrides)
    return TestClient(create_app(settings), base_url=BASE)


@pytest.fixture
def client():
    with make_client() as c:
        yield c


def profile(login: str, **extra: Any) -> dict[str, Any]:
    return {"login": login, "email": login, "firstName": "Pat", "lastName": "Tester", **extra}


def create(
    client: TestClient,
    login: str,
    *,
    password: str | None = PASSWORD,
    activate: bool = True,
    question: tuple[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {"profile": profile(login, **extra)}
    credentials: dict[str, Any] = {}
    if password is not None:
        credentials["password"] = {"value": password}
    if question is not None:
        credentials["recovery_question"] = {"question": question[0], "answer": question[1]}
    if credentials:
        body["credentials"] = credentials
    response = client.post(f"/api/v1/users?activate={'true' if activate else 'false'}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def okta_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["errorCode"] == code and body["errorLink"] == code
    assert body["errorId"].startswith("oae") and isinstance(body["errorCauses"], list)
    return body


def state(client: TestClient) -> dict[str, Any]:
    return client.get("/_mock/state").json()


def messages(client: TestClient) -> list[dict[str, Any]]:
    response = client.get("/_mock/messages")
    assert response.status_code == 200
    return response.json()


def lifecycle(client: TestClient, user_id: str, op: str, **params: str) -> Any:
    return client.post(f"/api/v1/users/{user_id}/lifecycle/{op}", params=params)


def status_of(client: TestClient, user_id: str) -> str:
    return client.get(f"/api/v1/users/{user_id}").json()["status"]


# --- create -------------------------------------------------------------------------------------------


def test_create_with_password_is_active_and_shows_no_secret(client: TestClient) -> None:
    user = create(
        client, "Casey.Jones@example.com", entitlements=["trace", "ORF", "TRACE"], mobilePhone="+1 555 0100"
    )
    assert user["status"] == "ACTIVE"
    assert set(user) >= {
        "id",
        "status",
        "created",
        "activated",
        "statusChanged",
        "lastLogin",
        "lastUpdated",
        "passwordChanged",
        "type",
        "profile",
        "credentials",
        "_links",
    }
    assert user["id"].startswith("00u") and len(user["id"]) == 20
    assert user["activated"] and user["passwordChanged"] and user["lastLogin"] is None
    assert user["created"].endswith("Z") and len(user["created"]) == 24
    assert user["type"]["id"]
    assert user["profile"] == {
        "login": "Casey.Jones@example.com",
        "email": "Casey.Jones@example.com",
        "firstName": "Pat",
        "lastName": "Tester",
        "mobilePhone": "+1 555 0100",
        "entitlements": ["TRACE", "ORF"],
    }
    assert user["credentials"] == {"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}}
    assert user["_links"]["self"]["href"] == f"{BASE}/api/v1/users/{user['id']}"
    assert user["_links"]["deactivate"] == {
        "href": f"{BASE}/api/v1/users/{user['id']}/lifecycle/deactivate",
        "hints": {"allow": ["POST"]},
    }
    text = client.get(f"/api/v1/users/{user['id']}").text
    assert PASSWORD not in text and "scrypt" not in text and "hash" not in text
    assert not messages(client)  # a user with a password gets no invitation


def test_create_without_activate_is_staged(client: TestClient) -> None:
    user = create(client, "staged@example.com", password=None, activate=False)
    assert user["status"] == "STAGED"
    assert user["activated"] is None and user["statusChanged"] is None and user["passwordChanged"] is None
    assert user["credentials"] == {"provider": {"type": "OKTA", "name": "OKTA"}}
    assert set(user["_links"]) == {"activate", "deactivate", "self"}
    assert not messages(client)


def test_create_and_activate_without_password_sends_the_invitation(client: TestClient) -> None:
    user = create(client, "invitee@example.com", password=None, firstName="Ivy")
    assert user["status"] == "PROVISIONED"
    assert "reactivate" in user["_links"]
    [mail] = messages(client)
    assert mail["channel"] == "email" and mail["to"] == "invitee@example.com"
    assert mail["subject"] == "Welcome to the NASDAQ MFA service (NTF)"
    assert "FINRA TRAQS" in mail["body"] and "NTF" in mail["body"] and "invitee@example.com" in mail["body"]
    assert mail["link"].startswith(f"{BASE}/welcome/") and mail["link"] in mail["body"]
    assert mail["code"] is None


def test_create_with_recovery_question_never_returns_the_answer(client: TestClient) -> None:
    user = create(client, "q@example.com", question=("Which desk was first?", "Corporate Bonds"))
    assert user["credentials"]["recovery_question"] == {"question": "Which desk was first?"}
    assert "Corporate" not in client.get(f"/api/v1/users/{user['id']}").text


def test_create_with_next_login_change_password_expires_it(client: TestClient) -> None:
    body = {"profile": profile("exp@example.com"), "credentials": {"password": {"value": PASSWORD}}}
    response = client.post("/api/v1/users?activate=true&nextLogin=changePassword", json=body)
    assert response.status_code == 200 and response.json()["status"] == "PASSWORD_EXPIRED"


def test_extra_standard_profile_attributes_are_kept(client: TestClient) -> None:
    user = create(client, "extra@example.com", displayName="Pat T", locale="en_US")
    assert user["profile"]["displayName"] == "Pat T" and user["profile"]["locale"] == "en_US"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"profile": profile("not-an-email")}, "login"),
        ({"profile": profile("solo.user@EXAMPLE.com")}, "login"),
        ({"profile": profile("e@example.com", entitlements=["TRACE", "NASDAQ"])}, "entitlements"),
        ({"profile": profile("e@example.com", entitlements="TRACE")}, "entitlements"),
        ({"profile": {**profile("e@example.com"), "email": "nope"}}, "email"),
        ({"profile": {"login": "e@example.com", "email": "e@example.com", "lastName": "X"}}, "firstName"),
        ({"profile": profile("e@example.com", favouriteColour="red")}, "favouriteColour"),
        ({"profile": profile("e@example.com"), "credentials": {"password": {"value": "short"}}}, "password"),
        (
            {
                "profile": profile("pat.tester@example.com"),
                "credentials": {"password": {"value": "Tester-2026a"}},
            },
            "password",
        ),
        (
            {
                "profile": profile("e@example.com"),
                "credentials": {"password": {"hash": {"algorithm": "BCRYPT"}}},
            },
            "password",
        ),
        (
            {
                "profile": profile("e@example.com"),
                "credentials": {"recovery_question": {"question": "Q?", "answer": "ab"}},
            },
            "recovery_question",
        ),
        ({"credentials": {}}, "profile"),
    ],
)
def test_create_validation_names_the_field_and_changes_nothing(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    before = state(client)
    error = okta_error(client.post("/api/v1/users", json=body), 400, "E0000001")
    assert field in error["errorSummary"]
    assert error["errorCauses"] and any(
        cause["errorSummary"].startswith(field) for cause in error["errorCauses"]
    )
    after = state(client)
    assert after["users"] == before["users"] and after["messages"] == before["messages"]


def test_create_reports_every_bad_field_at_once(client: TestClient) -> None:
    body = {"profile": {"login": "bad", "email": "bad", "firstName": "", "entitlements": ["XYZ"]}}
    error = okta_error(client.post("/api/v1/users", json=body), 400, "E0000001")
    fields = {cause["errorSummary"].split(":")[0] for cause in error["errorCauses"]}
    assert fields >= {"login", "email", "firstName", "lastName", "entitlements"}


def test_create_malformed_json_and_wrong_types(client: TestClient) -> None:
    bad = client.post("/api/v1/users", content=b"{nope", headers={"content-type": "application/json"})
    okta_error(bad, 400, "E0000003")
    okta_error(client.post("/api/v1/users", json=["a"]), 400, "E0000001")
    okta_error(
        client.post("/api/v1/users?activate=maybe", json={"profile": profile("m@example.com")}),
        400,
        "E0000001",
    )
    assert len(state(client)["users"]) == 2


# --- get ----------------------------------------------------------------------------------------------


def test_get_by_id_and_by_login(client: TestClient) -> None:
    user = create(client, "find.me@example.com")
    assert client.get(f"/api/v1/users/{user['id']}").json()["id"] == user["id"]
    by_login = client.get(f"/api/v1/users/{quote('FIND.ME@example.com')}")
    assert by_login.status_code == 200 and by_login.json()["id"] == user["id"]


def test_unknown_user_is_404_e0000007(client: TestClient) -> None:
    error = okta_error(client.get("/api/v1/users/00uNOPE"), 404, "E0000007")
    assert "00uNOPE" in error["errorSummary"]
    for method, path in [
        ("post", "/api/v1/users/00uNOPE"),
        ("put", "/api/v1/users/00uNOPE"),
        ("delete", "/api/v1/users/00uNOPE"),
        ("post", "/api/v1/users/00uNOPE/lifecycle/activate"),
        ("post", "/api/v1/users/00uNOPE/lifecycle/unlock"),
    ]:
        kwargs = (
            {"json": {"profile": {"firstName": "X"}}}
            if method in ("post", "put") and "lifecycle" not in path
            else {}
        )
        response = getattr(client, method)(path, **kwargs)
        assert response.status_code == 404 and response.json()["errorCode"] == "E0000007", (method, path)


def test_get_me_uses_the_session_cookie(client: TestClient) -> None:
    okta_error(client.get("/api/v1/users/me"), 403, "E0000005")
    okta_error(client.get("/api/v1/users/me", headers={"Cookie": "sid=nope"}), 403, "E0000005")
    ctx = client.app.state.ctx
    with ctx.store.transaction() as db:
        token = issue_session_token(ctx, db, find_user_by_login(db, "solo.user@example.com"), ["pwd"])
    sid = client.post("/api/v1/sessions", json={"sessionToken": token}).json()["id"]
    me = client.get("/api/v1/users/me", headers={"Cookie": f"sid={sid}"})
    assert me.status_code == 200 and me.json()["profile"]["login"] == "solo.user@example.com"


# --- list, q, filter, search, paging ------------------------------------------------------------------


@pytest.fixture
def people(client: TestClient) -> dict[str, dict[str, Any]]:
    made = {
        "ada": create(
            client, "ada.lovelace@example.com", firstName="Ada", lastName="Lovelace", entitlements=["TRACE"]
        ),
        "alan": create(
            client, "alan.turing@example.org", firstName="Alan", lastName="Turing", entitlements=["ADF"]
        ),
        "grace": create(
            client,
            "g.hopper@example.com",
            password=None,
            activate=False,
            firstName="Grace",
            lastName="Hopper",
        ),
        "gone": create(client, "gone@example.com", firstName="Gone", lastName="Away"),
    }
    assert lifecycle(client, made["gone"]["id"], "deactivate").status_code == 200
    return made


def logins(response: Any) -> set[str]:
    assert response.status_code == 200, response.text
    return {user["profile"]["login"] for user in response.json()}


def test_list_all_leaves_out_deprovisioned_and_gives_self_links_only(client: TestClient, people: Any) -> None:
    response = client.get("/api/v1/users")
    assert logins(response) == {
        "solo.user@example.com",
        "invited.user@example.com",
        "ada.lovelace@example.com",
        "alan.turing@example.org",
        "g.hopper@example.com",
    }
    assert all(set(user["_links"]) == {"self"} for user in response.json())
    assert response.headers.get_list("link") == [f'<{BASE}/api/v1/users>; rel="self"']


def test_q_is_a_prefix_on_login_email_and_names(client: TestClient, people: Any) -> None:
    assert logins(client.get("/api/v1/users", params={"q": "a"})) == {
        "ada.lovelace@example.com",
        "alan.turing@example.org",
    }
    assert logins(client.get("/api/v1/users", params={"q": "HOP"})) == {"g.hopper@example.com"}
    assert logins(client.get("/api/v1/users", params={"q": "g.h"})) == {"g.hopper@example.com"}
    assert logins(client.get("/api/v1/users", params={"q": "gone"})) == set()  # DEPROVISIONED
    assert logins(client.get("/api/v1/users", params={"q": "ovelace"})) == set()  # prefix only


def test_filter_status_login_and_or(client: TestClient, people: Any) -> None:
    def f(expression: str) -> set[str]:
        return logins(client.get("/api/v1/users", params={"filter": expression}))

    assert f('status eq "STAGED"') == {"g.hopper@example.com"}
    assert f('status eq "DEPROVISIONED"') == {"gone@example.com"}
    assert f('profile.login eq "ADA.LOVELACE@example.com"') == {"ada.lovelace@example.com"}
    assert f('status eq "ACTIVE" and profile.lastName eq "Turing"') == {"alan.turing@example.org"}
    assert f('status eq "STAGED" or status eq "PROVISIONED"') == {
        "g.hopper@example.com",
        "invited.user@example.com",
    }
    assert f('(status eq "STAGED" or status eq "ACTIVE") and profile.firstName eq "Grace"') == {
        "g.hopper@example.com"
    }
    assert f('status eq "ACTIVE" and (profile.firstName eq "Ada" or profile.firstName eq "Alan")') == {
        "ada.lovelace@example.com",
        "alan.turing@example.org",
    }
    assert f('profile.firstName eq "ada"') == set()  # filter values are case-sensitive
    assert f('lastUpdated gt "2000-01-01T00:00:00.000Z" and status eq "STAGED"') == {"g.hopper@example.com"}


def test_search_expressions_and_sorting(client: TestClient, people: Any) -> None:
    def s(expression: str, **extra: str) -> Any:
        return client.get("/api/v1/users", params={"search": expression, **extra})

    assert logins(s('profile.lastName sw "tur"')) == {"alan.turing@example.org"}
    assert logins(s('profile.entitlements eq "adf"')) == {"alan.turing@example.org"}
    assert logins(s('profile.email sw "g." and status eq "staged"')) == {"g.hopper@example.com"}
    assert logins(s("profile.mobilePhone pr")) == set()
    ordered = s('status eq "ACTIVE"', sortBy="profile.firstName", sortOrder="desc").json()
    assert [u["profile"]["firstName"] for u in ordered] == ["Solo", "Alan", "Ada"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"filter": 'profile.mobilePhone eq "1"'}, "E0000031"),
        ({"filter": 'status sw "ACT"'}, "E0000031"),
        ({"filter": "status eq ACTIVE"}, "E0000031"),
        ({"filter": '(status eq "ACTIVE"'}, "E0000031"),
        ({"filter": 'status eq "ACTIVE" and'}, "E0000031"),
        ({"filter": 'status eq "ACTIVE" extra'}, "E0000031"),
        ({"search": 'nosuch eq "x"'}, "E0000031"),
        ({"search": 'lastUpdated gt "yesterday"'}, "E0000031"),
        ({"search": 'status ne "ACTIVE"'}, "E0000031"),
        ({"q": "a", "filter": 'status eq "ACTIVE"'}, "E0000033"),
        ({"search": 'status eq "ACTIVE"', "filter": 'status eq "ACTIVE"'}, "E0000033"),
        ({"limit": "lots"}, "E0000001"),
        ({"limit": "0"}, "E0000001"),
        ({"after": "00uNOSUCHCURSOR"}, "E0000029"),
        ({"search": 'status eq "ACTIVE"', "sortOrder": "sideways"}, "E0000001"),
    ],
)
def test_bad_list_parameters(client: TestClient, params: dict[str, str], code: str) -> None:
    okta_error(client.get("/api/v1/users", params=params), 400, code)


def test_paging_follows_link_next_to_the_end(client: TestClient) -> None:
    for index in range(7):
        create(client, f"page{index}@example.com")
    seen: list[str] = []
    url: str | None = "/api/v1/users?limit=3"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += [user["id"] for user in response.json()]
        pages += 1
        links = {
            part.split('rel="')[1].rstrip('"'): part.split(">")[0].lstrip("<")
            for part in response.headers.get_list("link")
        }
        assert links["self"].startswith(f"{BASE}/api/v1/users")
        url = links.get("next")
        if url:
            query = parse_qs(urlsplit(url).query)
            assert query["limit"] == ["3"] and query["after"] == [seen[-1]]
    assert pages == 3 and len(seen) == 9 and len(set(seen)) == 9


def test_paging_keeps_the_query_and_limit_is_capped(client: TestClient, people: Any) -> None:
    first = client.get("/api/v1/users", params={"filter": 'status eq "ACTIVE"', "limit": "1"})
    next_link = [part for part in first.headers.get_list("link") if 'rel="next"' in part][0]
    assert "filter=status%20eq%20%22ACTIVE%22" in next_link
    assert len(client.get("/api/v1/users", params={"limit": "5000"}).json()) == 5


# --- update -------------------------------------------------------------------------------------------


def test_partial_update_keeps_what_is_not_given(client: TestClient) -> None:
    user = create(client, "upd@example.com", mobilePhone="555", entitlements=["TRF"])
    response = client.post(
        f"/api/v1/users/{user['id']}",
        json={"profile": {"firstName": "Robin", "entitlements": ["adf", "trf"]}},
    )
    assert response.status_code == 200
    updated = response.json()["profile"]
    assert (
        updated["firstName"] == "Robin"
        and updated["lastName"] == "Tester"
        and updated["mobilePhone"] == "555"
    )
    assert updated["entitlements"] == ["ADF", "TRF"]
    assert client.get(f"/api/v1/users/{user['id']}").json()["profile"]["firstName"] == "Robin"


def test_put_replaces_the_whole_profile(client: TestClient) -> None:
    user = create(client, "put@example.com", mobilePhone="555", displayName="P")
    new_profile = {
        "login": "put2@example.com",
        "email": "put2@example.com",
        "firstName": "Q",
        "lastName": "R",
    }
    response = client.put(f"/api/v1/users/{user['id']}", json={"profile": new_profile})
    assert response.status_code == 200
    assert response.json()["profile"] == {**new_profile, "mobilePhone": None, "entitlements": []}
    assert client.get("/api/v1/users/put2@example.com").status_code == 200
    assert client.get("/api/v1/users/put@example.com").status_code == 404


@pytest.mark.parametrize(
    ("method", "body", "field"),
    [
        ("put", {"profile": {"firstName": "Only"}}, "login"),
        ("put", {"credentials": {"password": {"value": PASSWORD}}}, "profile"),
        ("post", {"profile": {"login": "solo.user@example.com"}}, "login"),
        ("post", {"profile": {"entitlements": ["NOPE"]}}, "entitlements"),
        ("post", {"profile": {"lastName": None}}, "lastName"),
        ("post", {"credentials": {"password": {"value": "weak"}}}, "password"),
    ],
)
def test_bad_updates_change_nothing(
    client: TestClient, method: str, body: dict[str, Any], field: str
) -> None:
    user = create(client, "keep@example.com")
    before = client.get(f"/api/v1/users/{user['id']}").json()
    error = okta_error(getattr(client, method)(f"/api/v1/users/{user['id']}", json=body), 400, "E0000001")
    assert field in error["errorSummary"]
    assert client.get(f"/api/v1/users/{user['id']}").json() == before


def test_admin_password_set_activates_a_provisioned_user(client: TestClient) -> None:
    user = create(client, "late@example.com", password=None)
    assert user["status"] == "PROVISIONED"
    updated = client.post(
        f"/api/v1/users/{user['id']}", json={"credentials": {"password": {"value": PASSWORD}}}
    ).json()
    assert updated["status"] == "ACTIVE" and updated["passwordChanged"] and updated["activated"]
    question = {"credentials": {"recovery_question": {"question": "Colour?", "answer": "teal blue"}}}
    assert client.post(f"/api/v1/users/{user['id']}", json=question).json()["credentials"][
        "recovery_question"
    ] == {"question": "Colour?"}


# --- lifecycle ----------------------------------------------------------------------------------------


def test_activate_with_send_email_false_returns_the_link(client: TestClient) -> None:
    user = create(client, "stage@example.com", password=None, activate=False)
    response = lifecycle(client, user["id"], "activate", sendEmail="false")
    assert response.status_code == 200
    body = response.json()
    assert body["activationUrl"] == f"{BASE}/welcome/{body['activationToken']}"
    assert status_of(client, user["id"]) == "PROVISIONED"
    assert not messages(client)
    okta_error(lifecycle(client, user["id"], "activate"), 403, "E0000016")


def test_activate_with_send_email_records_the_invitation(client: TestClient) -> None:
    user = create(client, "stage2@example.com", password=None, activate=False)
    response = lifecycle(client, user["id"], "activate", sendEmail="true")
    assert response.status_code == 200 and response.json() == {}
    [mail] = messages(client)
    assert mail["to"] == "stage2@example.com" and "/welcome/" in mail["link"]
    assert status_of(client, user["id"]) == "PROVISIONED"


def test_activate_a_staged_user_with_password_makes_it_active(client: TestClient) -> None:
    user = create(client, "stage3@example.com", activate=False)
    assert lifecycle(client, user["id"], "activate").json() == {}
    fetched = client.get(f"/api/v1/users/{user['id']}").json()
    assert fetched["status"] == "ACTIVE" and fetched["activated"]
    assert not messages(client)
    okta_error(lifecycle(client, user["id"], "activate"), 403, "E0000016")


def test_reactivate_issues_a_new_token(client: TestClient) -> None:
    user = create(client, "re@example.com", password=None, activate=False)
    first = lifecycle(client, user["id"], "activate", sendEmail="false").json()["activationToken"]
    second = lifecycle(client, user["id"], "reactivate").json()
    assert second["activationToken"] != first and second["activationUrl"].endswith(second["activationToken"])
    assert lifecycle(client, user["id"], "reactivate", sendEmail="true").json() == {}
    assert len(messages(client)) == 1
    active = create(client, "re2@example.com")
    okta_error(lifecycle(client, active["id"], "reactivate"), 403, "E0000038")


def test_deactivate_then_activate_again(client: TestClient) -> None:
    user = create(client, "d@example.com")
    assert lifecycle(client, user["id"], "deactivate").json() == {}
    fetched = client.get(f"/api/v1/users/{user['id']}").json()
    assert fetched["status"] == "DEPROVISIONED" and set(fetched["_links"]) == {"activate", "self"}
    okta_error(lifecycle(client, user["id"], "deactivate"), 403, "E0000038")
    okta_error(lifecycle(client, user["id"], "suspend"), 400, "E0000001")
    assert lifecycle(client, user["id"], "activate").status_code == 200
    assert status_of(client, user["id"]) == "ACTIVE"


def test_suspend_and_unsuspend(client: TestClient) -> None:
    user = create(client, "s@example.com")
    assert lifecycle(client, user["id"], "suspend").json() == {}
    fetched = client.get(f"/api/v1/users/{user['id']}").json()
    assert fetched["status"] == "SUSPENDED" and "unsuspend" in fetched["_links"]
    okta_error(lifecycle(client, user["id"], "suspend"), 400, "E0000001")
    assert lifecycle(client, user["id"], "unsuspend").json() == {}
    assert status_of(client, user["id"]) == "ACTIVE"
    okta_error(lifecycle(client, user["id"], "unsuspend"), 400, "E0000001")


def lock(client: TestClient, login: str) -> None:
    ctx = client.app.state.ctx
    with ctx.store.transaction() as db:
        user = find_user_by_login(db, login)
        user.status = "LOCKED_OUT"
        user.failed_password_attempts = 5
        user.locked_at = ctx.clock.now()


def test_unlock_a_locked_out_user(client: TestClient) -> None:
    user = create(client, "locked@example.com")
    error = okta_error(lifecycle(client, user["id"], "unlock"), 403, "E0000032")
    assert error["errorCauses"] == [{"errorSummary": "The user is not locked out."}]
    lock(client, "locked@example.com")
    assert "unlock" in client.get(f"/api/v1/users/{user['id']}").json()["_links"]
    assert lifecycle(client, user["id"], "unlock").json() == {}
    [row] = [u for u in state(client)["users"] if u["id"] == user["id"]]
    assert row["status"] == "ACTIVE" and row["failed_password_attempts"] == 0 and row["locked_at"] is None


def test_expire_password(client: TestClient) -> None:
    user = create(client, "ex@example.com")
    response = lifecycle(client, user["id"], "expire_password")
    assert response.status_code == 200 and response.json()["status"] == "PASSWORD_EXPIRED"
    assert response.json()["id"] == user["id"]
    temp = lifecycle(client, user["id"], "expire_password", tempPassword="true").json()["tempPassword"]
    assert not policy_violations(temp, "ex@example.com", client.app.state.settings)
    staged = create(client, "nopw@example.com", password=None, activate=False)
    okta_error(lifecycle(client, staged["id"], "expire_password"), 403, "E0000038")


def add_factor(client: TestClient, login: str) -> None:
    ctx = client.app.state.ctx
    with ctx.store.transaction() as db:
        user = find_user_by_login(db, login)
        now = ctx.clock.now()
        db.add(
            Factor(
                id="ufsTESTFACTOR0000001",
                user_id=user.id,
                factor_type="question",
                provider="OKTA",
                status="ACTIVE",
                profile={"question": "disliked_food"},
                created_at=now,
                last_updated_at=now,
            )
        )


def test_reset_factors_removes_every_factor(client: TestClient) -> None:
    user = create(client, "f@example.com")
    assert "resetFactors" not in client.get(f"/api/v1/users/{user['id']}").json()["_links"]
    add_factor(client, "f@example.com")
    assert "resetFactors" in client.get(f"/api/v1/users/{user['id']}").json()["_links"]
    assert lifecycle(client, user["id"], "reset_factors").json() == {}
    assert [f for f in state(client)["factors"] if f["user_id"] == user["id"]] == []
    assert status_of(client, user["id"]) == "ACTIVE"
    lifecycle(client, user["id"], "deactivate")
    okta_error(lifecycle(client, user["id"], "reset_factors"), 403, "E0000038")


def test_unknown_lifecycle_operation_is_an_okta_404(client: TestClient) -> None:
    user = create(client, "u@example.com")
    assert lifecycle(client, user["id"], "explode").json()["errorCode"] == "E0000007"


def test_delete_first_deactivates_then_deletes(client: TestClient) -> None:
    user = create(client, "del@example.com")
    add_factor(client, "del@example.com")
    first = client.delete(f"/api/v1/users/{user['id']}")
    assert first.status_code == 204 and first.content == b""
    assert status_of(client, user["id"]) == "DEPROVISIONED"
    assert client.delete(f"/api/v1/users/{user['id']}").status_code == 204
    okta_error(client.get(f"/api/v1/users/{user['id']}"), 404, "E0000007")
    assert [f for f in state(client)["factors"] if f["user_id"] == user["id"]] == []
    okta_error(client.delete(f"/api/v1/users/{user['id']}"), 404, "E0000007")
    create(client, "del@example.com")  # the login is free again


def test_deactivate_and_suspend_end_sessions(client: TestClient) -> None:
    ctx = client.app.state.ctx
    for op in ("deactivate", "suspend"):
        user = create(client, f"{op}.sess@example.com")
        with ctx.store.transaction() as db:
            row = find_user_by_login(db, user["profile"]["login"])
            sid_token = issue_session_token(ctx, db, row, ["pwd"])
            spare = issue_session_token(ctx, db, row, ["pwd"])
        sid = client.post("/api/v1/sessions", json={"sessionToken": sid_token}).json()["id"]
        assert client.get("/api/v1/sessions/me", headers={"Cookie": f"sid={sid}"}).status_code == 200
        assert lifecycle(client, user["id"], op).status_code == 200
        assert client.get("/api/v1/sessions/me", headers={"Cookie": f"sid={sid}"}).status_code == 404
        okta_error(client.post("/api/v1/sessions", json={"sessionToken": spare}), 401, "E0000004")


# --- the admin token ----------------------------------------------------------------------------------


def test_admin_token_guards_the_users_api() -> None:
    with make_client(admin_token="s3cret") as client:
        for response in (
            client.get("/api/v1/users"),
            client.get("/api/v1/users", headers={"Authorization": "SSWS wrong"}),
            client.get("/api/v1/users/solo.user@example.com"),
            client.post("/api/v1/users", json={"profile": profile("x@example.com")}),
            client.post("/api/v1/users/solo.user@example.com/lifecycle/suspend"),
            client.delete("/api/v1/users/solo.user@example.com"),
        ):
            error = okta_error(response, 401, "E0000011")
            assert error["errorSummary"] == "Invalid token provided"
        headers = {"Authorization": "SSWS s3cret"}
        assert client.get("/_mock/state", headers=headers).json()["users"][0]["status"] == "ACTIVE"
        assert len(client.get("/api/v1/users", headers=headers).json()) == 2
        assert client.get("/api/v1/users", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert client.get("/api/v1/users/solo.user@example.com", headers=headers).status_code == 200


def test_without_admin_token_any_or_no_token_is_accepted(client: TestClient) -> None:
    assert client.get("/api/v1/users").status_code == 200
    assert client.get("/api/v1/users", headers={"Authorization": "SSWS anything"}).status_code == 200


# --- with the authn API: what a lifecycle change means for the next sign-in ----------------------------

def test_expired_password_makes_the_next_sign_in_password_expired(client: TestClient) -> None:
    user = create(client, "next.signin@example.com")
    lifecycle(client, user["id"], "expire_password")
    response = client.post(
        "/api/v1/authn", json={"username": "next.signin@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200 and response.json()["status"] == "PASSWORD_EXPIRED"


def test_unlock_after_a_real_lockout_lets_the_user_sign_in(client: TestClient) -> None:
    for _ in range(5):  # the 2024 era locks after 5 failed passwords
        client.post("/api/v1/authn", json={"username": LOCKABLE, "password": "wrong"})
    assert status_of(client, LOCKABLE) == "LOCKED_OUT"
    assert lifecycle(client, LOCKABLE, "unlock").status_code == 200
    response = client.post("/api/v1/authn", json={"username": LOCKABLE, "password": "Ntf-Demo-2026"})
    assert response.status_code == 200 and response.json()["status"] != "LOCKED_OUT"


def test_suspended_and_deactivated_users_cannot_sign_in(client: TestClient) -> None:
    for op in ("suspend", "deactivate"):
        login = f"{op}.signin@example.com"
        user = create(client, login)
        lifecycle(client, user["id"], op)
        response = client.post("/api/v1/authn", json={"username": login, "password": PASSWORD})
        assert response.status_code == 401 and response.json()["errorCode"] == "E0000004", op
