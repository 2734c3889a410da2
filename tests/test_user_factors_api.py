"""Okta's Factors API for a user (`/api/v1/users/{id}/factors`) through HTTP: list, catalog, questions,
enroll (activate, updatePhone, tokenLifetimeSeconds), activate, verify (incl. push transactions), get,
delete, the admin token, and Okta's error envelopes."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.settings import Settings
from tests.conftest import TEST_DATA

BASE = "http://127.0.0.1:8400"
TOKEN = "factors-admin-token"
LOGIN = "solo.user@example.com"
AUTH = {"Authorization": f"SSWS {TOKEN}"}


@pytest.fixture
def client():
    settings = Settings.for_tests(seed=TEST_DATA / "seed-minimal.toml", admin_token=TOKEN)
    with TestClient(create_app(settings), base_url=BASE, headers=AUTH) as c:
        yield c


def uid(client: TestClient, login: str = LOGIN) -> str:
    response = client.get(f"/api/v1/users/{login}")
    assert response.status_code == 200, response.text
    return response.json()["id"]


def factors_url(client: TestClient) -> str:
    return f"/api/v1/users/{uid(client)}/factors"


def okta_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["errorCode"] == code and body["errorLink"] == code and body["errorId"], body
    return body


def enroll(client: TestClient, body: dict[str, Any], query: str = "") -> dict[str, Any]:
    response = client.post(factors_url(client) + query, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def question(client: TestClient) -> dict[str, Any]:
    return enroll(
        client,
        {
            "factorType": "question",
            "provider": "OKTA",
            "profile": {"question": "disliked_food", "answer": "mayonnaise"},
        },
    )


def test_the_factors_api_needs_the_admin_token(client: TestClient) -> None:
    url = factors_url(client)
    okta_error(client.get(url, headers={"Authorization": ""}), 401, "E0000011")
    okta_error(client.get(url, headers={"Authorization": "SSWS wrong"}), 401, "E0000011")
    okta_error(client.get(f"{url}/catalog", headers={"Authorization": ""}), 401, "E0000011")
    assert client.get(url, headers={"Authorization": f"SSWS{TOKEN}"}).status_code == 200


def test_an_unknown_user_or_factor_is_e0000007(client: TestClient) -> None:
    okta_error(client.get("/api/v1/users/00unobody/factors"), 404, "E0000007")
    okta_error(client.get(f"{factors_url(client)}/ufsnothere"), 404, "E0000007")
    okta_error(client.delete(f"{factors_url(client)}/ufsnothere"), 404, "E0000007")


def test_a_question_is_active_at_once_and_verified_by_its_answer(client: TestClient) -> None:
    factor = question(client)
    assert factor["status"] == "ACTIVE" and factor["factorType"] == "question" and factor["id"].startswith("ufs")
    assert factor["profile"] == {
        "question": "disliked_food",
        "questionText": "What is the food you least liked as a child?",
    }
    assert set(factor["_links"]) == {"verify", "questions", "self", "user"}
    assert factor["_links"]["self"]["hints"]["allow"] == ["GET", "DELETE"]
    assert factor["_links"]["self"]["href"] == f"{BASE}{factors_url(client)}/{factor['id']}"
    verify = factor["_links"]["verify"]["href"]
    wrong = okta_error(client.post(verify, json={"answer": "broccoli"}), 403, "E0000068")
    assert wrong["errorCauses"] == [{"errorSummary": "Your answer doesn't match our records. Please try again."}]
    right = client.post(verify, json={"answer": "Mayonnaise"})
    assert right.status_code == 200 and right.json()["factorResult"] == "SUCCESS"
    again = client.post(
        factors_url(client), json={"factorType": "question", "profile": {"question": "first_award", "answer": "chess"}}
    )
    assert okta_error(again, 400, "E0000001")["errorCauses"] == [
        {"errorSummary": "A factor of this type is already set up."}
    ]


def test_bad_enrollments_are_e0000001(client: TestClient) -> None:
    url = factors_url(client)
    short = client.post(url, json={"factorType": "question", "profile": {"question": "disliked_food", "answer": "no"}})
    assert okta_error(short, 400, "E0000001")["errorCauses"] == [{"errorSummary": "Invalid Profile."}]
    okta_error(client.post(url, json={"factorType": "webauthn"}), 400, "E0000001")
    okta_error(client.post(url, json={"provider": "OKTA"}), 400, "E0000001")
    okta_error(client.post(url, json={"factorType": "question", "profile": "text"}), 400, "E0000001")
    okta_error(
        client.post(
            url + "?tokenLifetimeSeconds=0", json={"factorType": "sms", "profile": {"phoneNumber": "+12025550123"}}
        ),
        400,
        "E0000001",
    )


def test_totp_enrolls_pending_with_its_secret_and_activates_with_a_code(client: TestClient) -> None:
    factor = enroll(client, {"factorType": "token:software:totp", "provider": "GOOGLE"})
    assert factor["status"] == "PENDING_ACTIVATION" and factor["id"].startswith("uft")
    activation = factor["_embedded"]["activation"]
    assert activation["encoding"] == "base32" and activation["timeStep"] == 30 and activation["keyLength"] == 6
    qr = client.get(activation["_links"]["qrcode"]["href"])
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/png"
    assert set(factor["_links"]) == {"activate", "self", "user"}
    listed = client.get(factors_url(client)).json()
    assert [(f["id"], f["status"]) for f in listed] == [(factor["id"], "PENDING_ACTIVATION")]
    activate = factor["_links"]["activate"]["href"]
    okta_error(client.post(activate, json={"passCode": "000000"}), 403, "E0000068")
    code = client.get(f"/_mock/users/{LOGIN}/totp", params={"provider": "GOOGLE"}).json()["code"]
    assert code == pyotp.TOTP(activation["sharedSecret"]).at(_mock_now(client))
    active = client.post(activate, json={"passCode": code})
    assert active.status_code == 200, active.text
    assert active.json()["status"] == "ACTIVE" and "_embedded" not in active.json()
    okta_error(client.post(activate, json={"passCode": code}), 400, "E0000001")
    verify = active.json()["_links"]["verify"]["href"]
    client.post("/_mock/clock", json={"advance": 30})
    next_code = client.get(f"/_mock/users/{LOGIN}/totp", params={"provider": "GOOGLE"}).json()["code"]
    assert client.post(verify, json={"passCode": next_code}).json() == {
        "factorResult": "SUCCESS",
        "_links": {"factor": {"href": f"{BASE}{factors_url(client)}/{factor['id']}", "hints": {"allow": ["GET"]}}},
    }
    replay = okta_error(client.post(verify, json={"passCode": next_code}), 403, "E0000068")
    assert "once" in replay["errorCauses"][0]["errorSummary"]


def _mock_now(client: TestClient) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(client.get("/_mock/clock").json()["now"].replace("Z", "+00:00"))


def test_catalog_shows_what_can_be_enrolled_and_its_status(client: TestClient) -> None:
    question(client)
    enroll(client, {"factorType": "token:software:totp", "provider": "GOOGLE"})
    catalog = client.get(f"{factors_url(client)}/catalog")
    assert catalog.status_code == 200, catalog.text
    entries = {(e["factorType"], e["provider"]): e for e in catalog.json()}
    assert entries[("question", "OKTA")]["status"] == "ACTIVE"
    assert entries[("token:software:totp", "GOOGLE")]["status"] == "PENDING_ACTIVATION"
    assert entries[("push", "OKTA")]["status"] == "NOT_SETUP"
    assert entries[("question", "OKTA")]["_links"]["questions"]["hints"]["allow"] == ["GET"]
    assert all(
        e["enrollment"] == "OPTIONAL" and e["_links"]["enroll"]["hints"]["allow"] == ["POST"] for e in entries.values()
    )
    questions = client.get(f"{factors_url(client)}/questions").json()
    assert len(questions) == 20 and questions[0] == {
        "question": "disliked_food",
        "questionText": "What is the food you least liked as a child?",
    }


def test_sms_sends_a_code_or_activates_at_once_and_update_phone_replaces_it(client: TestClient) -> None:
    url = factors_url(client)
    factor = enroll(
        client,
        {"factorType": "sms", "provider": "OKTA", "profile": {"phoneNumber": "+1 202 555 0123"}},
        "?tokenLifetimeSeconds=60",
    )
    assert factor["status"] == "PENDING_ACTIVATION" and factor["profile"]["phoneNumber"] == "+12025550123"
    assert factor["_links"]["resend"]["name"] == "sms"
    sent = client.get("/_mock/messages", params={"to": "+12025550123", "channel": "sms"}).json()
    assert len(sent) == 1 and sent[0]["code"]
    client.post("/_mock/clock", json={"advance": 61})
    okta_error(client.post(factor["_links"]["activate"]["href"], json={"passCode": sent[0]["code"]}), 403, "E0000068")
    client.delete(f"{url}/{factor['id']}")
    auto = enroll(client, {"factorType": "sms", "profile": {"phoneNumber": "+12025550123"}}, "?activate=true")
    assert auto["status"] == "ACTIVE"
    assert len(client.get("/_mock/messages", params={"to": "+12025550123", "channel": "sms"}).json()) == 1
    other = {"factorType": "sms", "profile": {"phoneNumber": "+12025550199"}}
    okta_error(client.post(url, json=other), 400, "E0000001")
    replaced = enroll(client, other, "?updatePhone=true&activate=true")
    assert replaced["status"] == "ACTIVE" and replaced["profile"]["phoneNumber"] == "+12025550199"
    assert [f["id"] for f in client.get(url).json()] == [replaced["id"]]
    challenge = client.post(replaced["_links"]["verify"]["href"])
    assert challenge.status_code == 200 and challenge.json()["factorResult"] == "CHALLENGE"
    code = client.get("/_mock/messages", params={"to": "+12025550199", "channel": "sms"}).json()[0]["code"]
    assert (
        client.post(replaced["_links"]["verify"]["href"], json={"passCode": code}).json()["factorResult"] == "SUCCESS"
    )


def test_push_enrolls_by_the_device_and_verifies_through_its_transaction(client: TestClient) -> None:
    url = factors_url(client)
    factor = enroll(client, {"factorType": "push", "provider": "OKTA"})
    assert factor["status"] == "PENDING_ACTIVATION" and factor["_embedded"]["activation"]["factorResult"] == "WAITING"
    poll = factor["_links"]["poll"]["href"]
    assert poll.endswith(f"/api/v1/users/{uid(client)}/factors/{factor['id']}/lifecycle/activate/poll")
    assert [
        s["href"].endswith("/lifecycle/activate/" + s["name"])
        for s in factor["_embedded"]["activation"]["_links"]["send"]
    ] == [True, True]
    assert client.post(poll).json()["status"] == "PENDING_ACTIVATION"
    email = next(s["href"] for s in factor["_embedded"]["activation"]["_links"]["send"] if s["name"] == "email")
    assert client.post(email).status_code == 200
    assert "/_mock/phone" in client.get("/_mock/messages", params={"to": LOGIN, "channel": "email"}).json()[0]["link"]
    assert client.post(f"/_mock/push/enrollments/{factor['id']}/activate").status_code == 200
    active = client.post(poll).json()
    assert active["status"] == "ACTIVE" and active["profile"]["credentialId"] == LOGIN
    kinds = [(f["factorType"], f["provider"]) for f in client.get(url).json()]
    assert kinds == [("token:software:totp", "OKTA"), ("push", "OKTA")]

    sent = client.post(active["_links"]["verify"]["href"])
    assert sent.status_code == 201, sent.text
    waiting = sent.json()
    assert (
        waiting["factorResult"] == "WAITING" and waiting["expiresAt"] and waiting["profile"] == {"credentialId": LOGIN}
    )
    transaction = waiting["_links"]["poll"]["href"]
    assert "/transactions/" in transaction and waiting["_links"]["cancel"]["hints"]["allow"] == ["DELETE"]
    assert client.get(transaction).json()["factorResult"] == "WAITING"
    push_id = transaction.rsplit("/", 1)[1]
    assert client.post(f"/_mock/push/{push_id}/approve").status_code == 200
    done = client.get(transaction).json()
    assert done["factorResult"] == "SUCCESS" and "poll" not in done["_links"]

    second = client.post(active["_links"]["verify"]["href"]).json()["_links"]["poll"]["href"]
    client.post(f"/_mock/push/{second.rsplit('/', 1)[1]}/deny")
    assert client.get(second).json()["factorResult"] == "REJECTED"
    okta_error(client.get(f"{url}/{factor['id']}/transactions/pshnothere"), 404, "E0000007")
    third = client.post(active["_links"]["verify"]["href"]).json()["_links"]["cancel"]["href"]
    assert client.delete(third).status_code == 204
    assert client.get(third).json()["factorResult"] == "TIMEOUT"
    okta_error(client.delete(f"{url}/{factor['id']}/transactions/pshnothere"), 404, "E0000007")

    assert client.delete(f"{url}/{factor['id']}").status_code == 204
    assert client.get(url).json() == []


def test_deleted_factors_are_gone_and_the_user_enrolls_again(client: TestClient) -> None:
    factor = question(client)
    assert client.get(f"{factors_url(client)}/{factor['id']}").json()["id"] == factor["id"]
    assert client.delete(f"{factors_url(client)}/{factor['id']}").status_code == 204
    okta_error(client.get(f"{factors_url(client)}/{factor['id']}"), 404, "E0000007")
    assert question(client)["id"] != factor["id"]
