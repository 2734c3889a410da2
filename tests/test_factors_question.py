"""The security question factor at sign-in: loose answer matching, wrong answers, switching factors."""

from __future__ import annotations

import pytest

from tests.authn_support import (
    QUESTION,
    SECRET,
    app_client,
    factor_link,
    google,
    make_user,
    mock_now,
    sign_in,
    stable_state,
    totp,
)


@pytest.mark.parametrize(
    "answer", ["Brussels Sprouts", "brussels sprouts", "BRUSSELSSPROUTS", "  brussels   sprouts "]
)
def test_answers_compare_case_and_space_insensitively(answer: str) -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        tx = sign_in(client, login).json()
        verify = factor_link(tx, "question")["_links"]["verify"]["href"]
        assert (
            client.post(verify, json={"stateToken": tx["stateToken"], "answer": answer}).json()["status"]
            == "SUCCESS"
        )


def test_wrong_answer_is_e0000068_with_okta_cause_and_keeps_the_transaction() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        tx = sign_in(client, login).json()
        verify = factor_link(tx, "question")["_links"]["verify"]["href"]
        wrong = client.post(verify, json={"stateToken": tx["stateToken"], "answer": "broccoli"})
        assert wrong.status_code == 403
        assert wrong.json()["errorSummary"] == "Invalid Passcode/Answer"
        assert wrong.json()["errorCauses"] == [
            {"errorSummary": "Your answer doesn't match our records. Please try again."}
        ]
        assert (
            client.post("/api/v1/authn", json={"stateToken": tx["stateToken"]}).json()["status"]
            == "MFA_REQUIRED"
        )
        ok = client.post(verify, json={"stateToken": tx["stateToken"], "answer": "brussels sprouts"})
        assert ok.json()["status"] == "SUCCESS"


def test_any_enrolled_factor_may_be_used_even_after_a_challenge_started() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION, google()])["user"]["login"]
        tx = sign_in(client, login).json()
        assert [f["factorType"] for f in tx["_embedded"]["factors"]] == ["question", "token:software:totp"]
        question = factor_link(tx, "question")["_links"]["verify"]["href"]
        challenge = client.post(question, json={"stateToken": tx["stateToken"]}).json()
        assert challenge["status"] == "MFA_CHALLENGE"
        assert challenge["_embedded"]["factor"]["profile"]["question"] == "disliked_food"
        totp_verify = factor_link(tx, "token:software:totp")["_links"]["verify"]["href"]
        done = client.post(
            totp_verify, json={"stateToken": tx["stateToken"], "passCode": totp(SECRET, mock_now(client))}
        )
        assert done.json()["status"] == "SUCCESS"


def test_answer_sent_as_a_number_is_accepted_as_text() -> None:
    with app_client() as client:
        login = make_user(client, [{"factorType": "question", "question": "first_award", "answer": "1999"}])[
            "user"
        ]["login"]
        tx = sign_in(client, login).json()
        verify = factor_link(tx, "question")["_links"]["verify"]["href"]
        assert (
            client.post(verify, json={"stateToken": tx["stateToken"], "answer": 1999}).json()["status"]
            == "SUCCESS"
        )


def test_answer_of_the_wrong_json_type_is_a_wrong_answer_not_a_500() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        tx = sign_in(client, login).json()
        verify = factor_link(tx, "question")["_links"]["verify"]["href"]
        before = stable_state(client)["factors"]
        response = client.post(verify, json={"stateToken": tx["stateToken"], "answer": {"a": 1}})
        assert response.status_code == 400
        assert response.json()["errorCode"] == "E0000001" and "answer" in response.json()["errorSummary"]
        assert stable_state(client)["factors"] == before
