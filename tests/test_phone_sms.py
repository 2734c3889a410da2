"""The SMS factor through the HTTP API: enrollment, activation, verification, resend throttle, expiry, lockout."""

from __future__ import annotations

import json
import re

import pytest

from tests.phone_support import (
    E164,
    MASKED,
    NUMBER,
    OTHER_NUMBER,
    WRONG_CODE,
    advance,
    app_client,
    challenge_start,
    enroll,
    enroll_start,
    error_of,
    factor_link,
    factor_rows,
    hal,
    latest,
    make_user,
    messages,
    post,
    sign_in,
    sms,
    stable_state,
    state,
    verify,
)


def test_enroll_sends_a_code_and_activates_with_it() -> None:
    with app_client(enroll_question_required=False) as client:
        login, tx = enroll_start(client)
        assert ("sms", "OKTA") in {(f["factorType"], f["provider"]) for f in tx["_embedded"]["factors"]}
        pending = enroll(client, tx, "sms", {"phoneNumber": "+1-555-415-1337"})
        assert pending.status_code == 200, pending.text
        body = pending.json()
        assert body["status"] == "MFA_ENROLL_ACTIVATE" and "factorResult" not in body
        factor = body["_embedded"]["factor"]
        fid = factor["id"]
        assert fid.startswith("sms") and factor["factorType"] == "sms" and factor["provider"] == "OKTA"
        assert factor["profile"] == {"phoneNumber": MASKED}
        lifecycle = f"/api/v1/authn/factors/{fid}/lifecycle"
        assert body["_links"]["next"] == hal(f"{lifecycle}/activate", "activate")
        assert body["_links"]["resend"] == [hal(f"{lifecycle}/resend", "sms")]
        assert body["_links"]["prev"] == hal("/api/v1/authn/previous")
        assert body["_links"]["cancel"] == hal("/api/v1/authn/cancel")

        message = latest(client, to=E164, channel="sms")
        assert re.fullmatch(r"Your NASDAQ MFA verification code is \d{6}", message["body"])
        assert message["code"] == message["body"][-6:] and message["to"] == E164
        assert message["meta"]["purpose"] == "activation" and message["meta"]["factorId"] == fid
        # the code is stored only as a digest
        assert message["code"] not in json.dumps(factor_rows(client, login))

        wrong = "000000" if message["code"] != "000000" else "111111"
        refused = post(client, body["_links"]["next"], tx["stateToken"], passCode=wrong)
        assert error_of(refused, 403, "E0000068")["errorCauses"] == [{"errorSummary": WRONG_CODE}]
        done = post(client, body["_links"]["next"], tx["stateToken"], passCode=message["code"])
        assert done.status_code == 200 and done.json()["status"] == "SUCCESS"
        [row] = factor_rows(client, login)
        assert row["status"] == "ACTIVE" and row["profile"] == {"phoneNumber": E164}
        assert {"sms", "mfa", "pwd"} <= set(state(client)["sessionTokens"][0]["amr"])
        # the code was used up: it cannot activate or verify anything again
        again = sign_in(client, login).json()
        assert again["status"] == "MFA_REQUIRED"
        assert factor_link(again, "sms")["profile"] == {"phoneNumber": MASKED}
        assert verify(client, again, "sms", passCode=message["code"]).status_code == 403


@pytest.mark.parametrize(
    "number",
    ["555-415-1337", "415 1337", "not a number", "+1 555", "", "+1 555-415-1337 ext. 12", "+999 1234567"],
)
def test_a_bad_number_is_refused_naming_phone_number(number: str) -> None:
    with app_client() as client:
        _, tx = enroll_start(client)
        before = stable_state(client)
        response = enroll(client, tx, "sms", {"phoneNumber": number})
        body = error_of(response, 400, "E0000001")
        assert body["errorSummary"] == "Api validation failed: phoneNumber"
        assert body["errorCauses"][0]["errorSummary"].startswith("phoneNumber: ")
        assert stable_state(client) == before
        assert messages(client) == []


def test_missing_number_and_number_settings() -> None:
    with app_client() as client:
        _, tx = enroll_start(client)
        assert error_of(enroll(client, tx, "sms", {}), 400, "E0000001")["errorSummary"].endswith("phoneNumber")
        assert error_of(enroll(client, tx, "sms", None), 400, "E0000001")["errorSummary"].endswith("phoneNumber")
    # a national number is taken in the configured region; "valid" refuses the fictional 555-415 range
    with app_client(phone_default_region="US") as client:
        _, tx = enroll_start(client)
        assert enroll(client, tx, "sms", {"phoneNumber": "(202) 555-0101"}).json()["_embedded"]["factor"][
            "profile"
        ] == {"phoneNumber": "+1 XXX-XXX-0101"}
    with app_client(phone_number_check="valid") as client:
        _, tx = enroll_start(client)
        error_of(enroll(client, tx, "sms", {"phoneNumber": NUMBER}), 400, "E0000001")
        assert enroll(client, tx, "sms", {"phoneNumber": "+44 20 7946 0958"}).json()["_embedded"]["factor"][
            "profile"
        ] == {"phoneNumber": "+44 XX XXXX 0958"}


def test_another_number_than_the_verified_phone_is_refused() -> None:
    with app_client() as client:
        login = make_user(client, [])["user"]["login"]
        tx = sign_in(client, login, options={"multiOptionalFactorEnroll": True}).json()
        first = enroll(client, tx, "call", {"phoneNumber": NUMBER}).json()
        code = latest(client, channel="voice")["code"]
        enrolling = post(client, first["_links"]["next"], tx["stateToken"], passCode=code).json()
        # the call factor is verified; MFA_ENROLL offers the other factors again
        assert enrolling["status"] == "MFA_ENROLL", enrolling
        before = stable_state(client)
        refused = enroll(client, enrolling, "sms", {"phoneNumber": OTHER_NUMBER})
        body = error_of(refused, 400, "E0000001")
        assert body["errorCauses"] == [{"errorSummary": "There is an existing verified phone number."}]
        assert stable_state(client) == before
        same = enroll(client, enrolling, "sms", {"phoneNumber": "+15554151337"})
        assert same.status_code == 200 and same.json()["status"] == "MFA_ENROLL_ACTIVATE"


def test_activation_resend_is_throttled_on_the_mock_clock() -> None:
    with app_client(enroll_question_required=False) as client:
        _, tx = enroll_start(client)
        body = enroll(client, tx, "sms", {"phoneNumber": NUMBER}).json()
        first = latest(client, channel="sms")
        resend = body["_links"]["resend"][0]
        advance(client, 29)
        throttled = post(client, resend, tx["stateToken"], factorType="sms", provider="OKTA", profile={"phoneNumber": NUMBER})
        error_of(throttled, 429, "E0000109")
        assert throttled.json()["errorSummary"].startswith("An SMS message was recently sent.")
        assert len(messages(client, channel="sms")) == 1
        advance(client, 2)
        resent = post(client, resend, tx["stateToken"])
        assert resent.status_code == 200 and resent.json()["status"] == "MFA_ENROLL_ACTIVATE"
        second = latest(client, channel="sms")
        assert second["id"] != first["id"]
        if second["code"] != first["code"]:
            assert post(client, body["_links"]["next"], tx["stateToken"], passCode=first["code"]).status_code == 403
        assert post(client, body["_links"]["next"], tx["stateToken"], passCode=second["code"]).json()["status"] == "SUCCESS"


def test_verify_sends_a_challenge_and_checks_it() -> None:
    with app_client() as client:
        _, tx = enroll_start(client, [sms()])
        fid = factor_link(tx, "sms")["id"]
        challenge = verify(client, tx, "sms")
        assert challenge.status_code == 200
        body = challenge.json()
        assert body["status"] == "MFA_CHALLENGE" and "factorResult" not in body
        assert body["_embedded"]["factor"]["profile"] == {"phoneNumber": MASKED}
        verify_path = f"/api/v1/authn/factors/{fid}/verify"
        assert body["_links"]["next"] == hal(verify_path, "verify")
        assert body["_links"]["resend"] == [hal(f"{verify_path}/resend", "sms")]
        assert set(body["_links"]) == {"next", "resend", "prev", "cancel"}
        message = latest(client, channel="sms", to=NUMBER)
        assert message["meta"]["purpose"] == "challenge"
        wrong = str((int(message["code"]) + 1) % 1_000_000).zfill(6)
        error_of(post(client, body["_links"]["next"], tx["stateToken"], passCode=wrong), 403, "E0000068")
        done = post(client, body["_links"]["next"], tx["stateToken"], passCode=message["code"])
        assert done.json()["status"] == "SUCCESS"


def test_challenge_resend_throttle_and_fresh_code() -> None:
    with app_client() as client:
        _, tx = enroll_start(client, [sms()])
        body = verify(client, tx, "sms").json()
        resend = body["_links"]["resend"][0]
        advance(client, 29)
        error_of(post(client, resend, tx["stateToken"]), 429, "E0000109")
        # asking verify again for the same factor is a resend too
        error_of(verify(client, tx, "sms"), 429, "E0000109")
        advance(client, 2)
        again = post(client, resend, tx["stateToken"])
        assert again.status_code == 200 and again.json()["status"] == "MFA_CHALLENGE"
        assert len(messages(client, channel="sms")) == 2
        code = latest(client, channel="sms")["code"]
        assert post(client, body["_links"]["next"], tx["stateToken"], passCode=code).json()["status"] == "SUCCESS"


def test_a_code_expires_after_the_otp_lifetime() -> None:
    with app_client(otp_ttl_seconds=120) as client:
        _, tx, body, code = challenge_start(client, sms(), "sms")
        advance(client, 121)
        error_of(post(client, body["_links"]["next"], tx["stateToken"], passCode=code), 403, "E0000068")


def test_wrong_codes_lock_the_account() -> None:
    with app_client(factor_lockout_threshold=3) as client:
        login, tx, body, code = challenge_start(client, sms(), "sms")
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(2):
            error_of(post(client, body["_links"]["next"], tx["stateToken"], passCode=wrong), 403, "E0000068")
        error_of(post(client, body["_links"]["next"], tx["stateToken"], passCode=wrong), 403, "E0000069")
        assert next(u for u in state(client)["users"] if u["login"] == login)["status"] == "LOCKED_OUT"


def test_previous_forgets_the_code() -> None:
    with app_client() as client:
        _, tx, body, code = challenge_start(client, sms(), "sms")
        back = post(client, body["_links"]["prev"], tx["stateToken"]).json()
        assert back["status"] == "MFA_REQUIRED"
        error_of(verify(client, back, "sms", passCode=code), 403, "E0000068")


def test_provisioning_sms_factors() -> None:
    with app_client() as client:
        created = make_user(client, [sms("+1 (202) 555-0101")])
        [factor] = created["factors"]
        assert factor["factorType"] == "sms" and factor["status"] == "ACTIVE"
        assert factor["profile"] == {"phoneNumber": "+12025550101"} and factor["id"].startswith("sms")
        before = stable_state(client)
        bad = client.post(
            "/_mock/users",
            json={"login": "bad.phone@example.com", "password": "Ntf-Demo-2026", "factors": [sms("12345")]},
        )
        assert bad.status_code == 400 and "factors.phoneNumber" in bad.json()["message"]
        assert stable_state(client) == before
