"""Okta's System Log subset (`GET /api/v1/logs`) over the sign-in events: LogEvent shapes against Okta's
documented fields, `since`/`until`, `filter`, `q`, `limit`, `sortOrder`, the `Link` paging, the guard."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.authn_support import PASSWORD, app_client, make_user

LOGS = "/api/v1/logs"
#: LogEvent's top-level properties (Okta System Log API, "LogEvent object")
LOG_EVENT_FIELDS = {
    "uuid", "published", "eventType", "version", "severity", "legacyEventType", "displayMessage", "actor",
    "client", "outcome", "target", "transaction", "debugContext", "authenticationContext", "securityContext",
    "request",
}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def answer_question(client: TestClient, login: str, answer: str) -> dict[str, Any]:
    tx = client.post("/api/v1/authn", json={"username": login, "password": PASSWORD},
                     headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0"}).json()
    factor = next(f for f in tx["_embedded"]["factors"] if f["factorType"] == "question")
    return client.post(factor["_links"]["verify"]["href"], json={"stateToken": tx["stateToken"], "answer": answer}).json()


def history(client: TestClient) -> str:
    """A user with a failed password, a wrong answer, then a sign-in through the security question; returns
    the user's id."""
    user = make_user(client, factors=[{"factorType": "question", "question": "favorite_toy", "answer": "teddy bear"}])
    login = user["user"]["login"]
    client.post("/api/v1/authn", json={"username": login, "password": "Wrong-Password-1"})
    assert answer_question(client, login, "rubber duck").get("errorCode") == "E0000068"
    assert answer_question(client, login, "teddy bear")["status"] == "SUCCESS"
    return login


def logs(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get(LOGS, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_log_events_have_okta_shapes() -> None:
    with app_client() as client:
        login = history(client)
        events = logs(client)
        assert [(e["eventType"], e["outcome"]["result"]) for e in events] == [
            ("user.session.start", "FAILURE"),
            ("user.authentication.auth_via_mfa", "FAILURE"),
            ("user.authentication.auth_via_mfa", "SUCCESS"),
            ("user.session.start", "SUCCESS"),
        ]
        for event in events:
            assert set(event) >= LOG_EVENT_FIELDS and UUID.match(event["uuid"])
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", event["published"])
            assert event["actor"]["type"] == "User" and event["actor"]["alternateId"] == login
            assert set(event["actor"]) == {"id", "type", "alternateId", "displayName", "detailEntry"}
            assert set(event["client"]) >= {"userAgent", "zone", "device", "id", "ipAddress", "geographicalContext"}
            assert set(event["client"]["userAgent"]) == {"rawUserAgent", "os", "browser"}
            assert set(event["outcome"]) == {"result", "reason"}
            assert set(event["transaction"]) == {"type", "id", "detail"}
            assert set(event["authenticationContext"]) >= {
                "authenticationProvider", "credentialProvider", "credentialType", "issuer", "interface",
                "authenticationStep", "externalSessionId"}
            assert event["severity"] in ("DEBUG", "INFO", "WARN", "ERROR")
        failed, wrong_answer, _mfa, signed_in = events
        assert failed["displayMessage"] == "User login to Okta" and failed["severity"] == "WARN"
        assert failed["outcome"]["reason"] == "INVALID_CREDENTIALS"
        assert failed["authenticationContext"]["credentialType"] == "PASSWORD"
        assert wrong_answer["displayMessage"] == "Authentication of user via MFA"
        assert signed_in["severity"] == "INFO" and signed_in["outcome"]["reason"] is None
        assert signed_in["client"]["userAgent"] == {
            "rawUserAgent": "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0", "os": "Windows", "browser": "CHROME"}
        assert signed_in["target"][0]["alternateId"] == login
        assert len({e["uuid"] for e in events}) == 4


def test_lockout_is_logged() -> None:
    with app_client(lockout_threshold=2) as client:
        user = make_user(client)
        login = user["user"]["login"]
        for _ in range(2):
            client.post("/api/v1/authn", json={"username": login, "password": "Wrong-Password-1"})
        [lock] = logs(client, filter='eventType eq "user.account.lock"')
        assert lock["displayMessage"] == "Max sign in attempts exceeded" and lock["outcome"]["reason"] == "LOCKED_OUT"
        assert lock["legacyEventType"] == "core.user_auth.account_locked"


def test_an_unknown_users_failed_sign_in_is_logged_with_an_unknown_actor() -> None:
    with app_client() as client:
        answer = client.post("/api/v1/authn", json={"username": "nobody.here@example.com", "password": "Wrong-1"})
        assert answer.json()["errorCode"] == "E0000004"
        [event] = logs(client)
        assert (event["eventType"], event["outcome"]) == (
            "user.session.start", {"result": "FAILURE", "reason": "VERIFICATION_ERROR"})
        assert event["actor"]["id"] == "unknown" and event["actor"]["alternateId"] == "nobody.here@example.com"


def test_filter_q_sort_and_time_window() -> None:
    with app_client() as client:
        login = history(client)
        other = history(client)
        assert len(logs(client, filter='outcome.result eq "FAILURE"')) == 4
        both = logs(client, filter='eventType eq "user.session.start" and outcome.result eq "SUCCESS"')
        assert [e["actor"]["alternateId"] for e in both] == [login, other]
        actor_id = both[0]["actor"]["id"]
        assert {e["actor"]["alternateId"] for e in logs(client, filter=f'actor.id eq "{actor_id}"')} == {login}
        assert len(logs(client, filter=f'target.alternateId eq "{other}"')) == 4
        either = logs(client, filter='(eventType eq "user.session.start") or outcome.reason eq "INVALID_CREDENTIALS"')
        assert len(either) == 6
        assert len(logs(client, q=f"{login} failure")) == 2
        assert logs(client, q="nothing-like-this") == []
        descending = logs(client, sortOrder="DESCENDING")
        assert [e["uuid"] for e in descending] == [e["uuid"] for e in reversed(logs(client))]
        published = logs(client)[0]["published"]
        assert logs(client, until=published) == []
        assert len(logs(client, since=published)) == 8
        client.post("/_mock/clock", json={"advance": 8 * 86400})
        assert logs(client) == []  # since defaults to 7 days before now, as Okta's
        assert len(logs(client, since="2026-01-01T00:00:00Z")) == 8


def test_paging_follows_okta_link_headers() -> None:
    with app_client() as client:
        history(client)
        history(client)
        seen: list[str] = []
        window = {"since": "2026-01-01T00:00:00Z", "until": "2026-12-31T00:00:00Z"}
        response = client.get(LOGS, params={"limit": 3, **window})
        pages = 0
        while True:
            pages += 1
            seen += [e["uuid"] for e in response.json()]
            links = response.headers["link"]
            assert 'rel="self"' in links
            if 'rel="next"' not in links:
                break
            response = client.get(response.links["next"]["url"])
        assert pages == 3 and seen == [e["uuid"] for e in logs(client, **window)]
        assert logs(client, until="2030-01-01T00:00:00Z") == []  # since: 7 days before until

        polling = client.get(LOGS, params={"limit": 100})  # ASCENDING without until: always a next link
        assert len(polling.json()) == 8 and 'rel="next"' in polling.headers["link"]
        assert client.get(polling.links["next"]["url"]).json() == []
        history(client)
        assert len(client.get(polling.links["next"]["url"]).json()) == 4  # new events appear on the next page


def test_bad_parameters_get_okta_errors() -> None:
    with app_client() as client:
        for params, code in (
            ({"filter": 'eventType eq'}, "E0000031"),
            ({"filter": 'eventType zz "x"'}, "E0000031"),
            ({"since": "last tuesday"}, "E0000001"),
            ({"until": "2020-01-01T00:00:00Z", "since": "2021-01-01T00:00:00Z"}, "E0000001"),
            ({"limit": "0"}, "E0000001"),
            ({"limit": "lots"}, "E0000001"),
            ({"sortOrder": "SIDEWAYS"}, "E0000001"),
            ({"after": "no-such-cursor"}, "E0000029"),
        ):
            response = client.get(LOGS, params=params)
            assert response.status_code == 400 and response.json()["errorCode"] == code, (params, response.text)


def test_the_log_is_guarded_like_the_users_api() -> None:
    with app_client(admin_token="s3cret") as client:
        refused = client.get(LOGS)
        assert refused.status_code == 401 and refused.json()["errorCode"] == "E0000011"
        assert client.get(LOGS, headers={"Authorization": "SSWS s3cret"}).status_code == 200
