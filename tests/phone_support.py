"""Helpers for the phone, push and recovery tests (on top of tests/authn_support.py)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

# Also re-exports the authn helpers that the phone tests use, so that they import from this module alone.
from tests.authn_support import BASE, advance, app_client, factor_link, make_user, sign_in, stable_state, state  # noqa: F401

NUMBER = "+1 555-415-1337"
E164 = "+15554151337"
MASKED = "+1 XXX-XXX-1337"
OTHER_NUMBER = "+1 202-555-0199"
WRONG_CODE = "Your passcode doesn't match our records. Please try again."


def sms(number: str = NUMBER) -> dict[str, Any]:
    return {"factorType": "sms", "phoneNumber": number}


def call(number: str = NUMBER, extension: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"factorType": "call", "phoneNumber": number}
    if extension is not None:
        spec["phoneExtension"] = extension
    return spec


def push(policy: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"factorType": "push"}
    if policy is not None:
        spec["pushPolicy"] = policy
    return spec


def messages(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/_mock/messages", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def latest(client: TestClient, **params: Any) -> dict[str, Any]:
    found = messages(client, limit=1, **params)
    assert found, f"no message matches {params}"
    return found[0]


def enroll_start(client: TestClient, factors: list[dict[str, Any]] | None = None, **fields: Any) -> tuple[str, dict[str, Any]]:
    """A user (with `factors`, none by default) signed in with the password: (login, transaction)."""
    login = make_user(client, factors, **fields)["user"]["login"]
    return login, sign_in(client, login).json()


def enroll(client: TestClient, tx: dict[str, Any], factor_type: str, profile: dict[str, Any] | None = None) -> Any:
    entry = factor_link(tx, factor_type)
    body: dict[str, Any] = {"stateToken": tx["stateToken"], "factorType": factor_type, "provider": "OKTA"}
    if profile is not None:
        body["profile"] = profile
    return client.post(entry["_links"]["enroll"]["href"], json=body)


def verify(client: TestClient, tx: dict[str, Any], factor_type: str, **body: Any) -> Any:
    """POST the factor's verify link (from MFA_REQUIRED) with the stateToken and `body`."""
    href = factor_link(tx, factor_type)["_links"]["verify"]["href"]
    return client.post(href, json={"stateToken": tx["stateToken"], **body})


def challenge_start(
    client: TestClient, factor: dict[str, Any], channel: str
) -> tuple[str, dict[str, Any], dict[str, Any], str]:
    """A user with the one `factor`, signed in and challenged through it: (login, transaction, the verify
    answer, the code sent on `channel`)."""
    login, tx = enroll_start(client, [factor])
    challenge = verify(client, tx, factor["factorType"]).json()
    return login, tx, challenge, latest(client, channel=channel)["code"]


def post(client: TestClient, link: dict[str, Any], state_token: str, **body: Any) -> Any:
    return client.post(link["href"], json={"stateToken": state_token, **body})


def hal(path: str, name: str | None = None) -> dict[str, Any]:
    link: dict[str, Any] = {}
    if name is not None:
        link["name"] = name
    link["href"] = BASE + path
    link["hints"] = {"allow": ["POST"]}
    return link


def factor_rows(client: TestClient, login: str) -> list[dict[str, Any]]:
    dump = state(client)
    user_id = next(u["id"] for u in dump["users"] if u["login"] == login)
    return [f for f in dump["factors"] if f["user_id"] == user_id]


def error_of(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["errorCode"] == code, body
    return body
