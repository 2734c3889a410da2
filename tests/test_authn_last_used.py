"""MFA_REQUIRED lists the last-used factor first (Okta remembers it; the Sign-In Widget and the sign-in
page open on the first factor), through `/api/v1/authn`."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.authn_support import SECRET, advance, app_client, factor_link, make_user, mock_now, sign_in, totp

QUESTION = {"factorType": "question", "question": "disliked_food", "answer": "mayonnaise"}
GOOGLE = {"factorType": "token:software:totp", "provider": "GOOGLE", "sharedSecret": SECRET}


def order(client: TestClient, login: str) -> list[str]:
    tx = sign_in(client, login).json()
    assert tx["status"] == "MFA_REQUIRED", tx
    return [f["factorType"] for f in tx["_embedded"]["factors"]]


def verified_with(client: TestClient, login: str, factor_type: str) -> None:
    tx = sign_in(client, login).json()
    factor = factor_link(tx, factor_type)
    body = {"stateToken": tx["stateToken"]}
    body.update({"answer": "mayonnaise"} if factor_type == "question" else {"passCode": totp(SECRET, mock_now(client))})
    response = client.post(factor["_links"]["verify"]["href"], json=body)
    assert response.status_code == 200 and response.json()["status"] == "SUCCESS", response.text


def test_the_last_used_factor_comes_first_in_mfa_required() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION, GOOGLE])["user"]["login"]
        assert order(client, login) == ["question", "token:software:totp"]
        verified_with(client, login, "token:software:totp")
        assert order(client, login) == ["token:software:totp", "question"]
        advance(client, 60)
        verified_with(client, login, "question")
        assert order(client, login) == ["question", "token:software:totp"]
