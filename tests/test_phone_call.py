"""The voice call factor through the HTTP API: extension, spoken code, throttle (E0000133), verification."""

from __future__ import annotations

import re

from tests.phone_support import (
    E164,
    MASKED,
    NUMBER,
    advance,
    app_client,
    call,
    challenge_start,
    enroll,
    enroll_start,
    error_of,
    factor_link,
    hal,
    latest,
    make_user,
    messages,
    post,
    stable_state,
    state,
    verify,
)

SPOKEN = re.compile(
    r"Hello\. Your verification code is (\d), (\d), (\d), (\d), (\d), (\d)\. "
    r"Again: your verification code is \1, \2, \3, \4, \5, \6\. Goodbye\."
)


def test_enroll_with_an_extension_reads_the_code_digit_by_digit() -> None:
    with app_client(enroll_question_required=False) as client:
        _, tx = enroll_start(client)
        pending = enroll(client, tx, "call", {"phoneNumber": NUMBER, "phoneExtension": "1234"})
        assert pending.status_code == 200, pending.text
        body = pending.json()
        factor = body["_embedded"]["factor"]
        assert factor["id"].startswith("clf") and factor["factorType"] == "call"
        assert factor["profile"] == {"phoneNumber": MASKED, "phoneExtension": "1234"}
        lifecycle = f"/api/v1/authn/factors/{factor['id']}/lifecycle"
        assert body["_links"]["next"] == hal(f"{lifecycle}/activate", "activate")
        assert body["_links"]["resend"] == [hal(f"{lifecycle}/resend", "call")]
        message = latest(client, channel="voice")
        assert message["to"] == E164 and message["meta"]["extension"] == "1234"
        spoken = SPOKEN.fullmatch(message["body"])
        assert spoken, message["body"]
        assert message["code"] == "".join(spoken.groups())
        assert messages(client, channel="sms") == []
        done = post(client, body["_links"]["next"], tx["stateToken"], passCode=message["code"])
        assert done.json()["status"] == "SUCCESS"
        assert "tel" in state(client)["sessionTokens"][0]["amr"]


def test_bad_extension_is_refused() -> None:
    with app_client() as client:
        _, tx = enroll_start(client)
        before = stable_state(client)
        for extension in ("12a", "12345678901", "-1"):
            body = error_of(enroll(client, tx, "call", {"phoneNumber": NUMBER, "phoneExtension": extension}), 400, "E0000001")
            assert body["errorSummary"] == "Api validation failed: phoneExtension"
        assert stable_state(client) == before


def test_an_extension_written_in_the_number_is_kept() -> None:
    with app_client() as client:
        _, tx = enroll_start(client)
        body = enroll(client, tx, "call", {"phoneNumber": "+1 555-415-1337 ext. 77"}).json()
        assert body["_embedded"]["factor"]["profile"] == {"phoneNumber": MASKED, "phoneExtension": "77"}


def test_activation_resend_is_throttled_with_e0000133() -> None:
    with app_client() as client:
        _, tx = enroll_start(client)
        body = enroll(client, tx, "call", {"phoneNumber": NUMBER}).json()
        resend = body["_links"]["resend"][0]
        advance(client, 29)
        throttled = error_of(post(client, resend, tx["stateToken"]), 429, "E0000133")
        assert throttled["errorSummary"] == "A phone call was recently made. Please wait 30 seconds before trying again."
        advance(client, 2)
        assert post(client, resend, tx["stateToken"]).status_code == 200
        assert len(messages(client, channel="voice")) == 2


def test_verify_calls_and_checks_the_code() -> None:
    with app_client(resend_throttle_seconds=30) as client:
        _, tx = enroll_start(client, [call("+1 202-555-0102")])
        assert factor_link(tx, "call")["profile"] == {"phoneNumber": "+1 XXX-XXX-0102"}
        challenge = verify(client, tx, "call").json()
        fid = challenge["_embedded"]["factor"]["id"]
        assert challenge["status"] == "MFA_CHALLENGE"
        assert challenge["_links"]["next"] == hal(f"/api/v1/authn/factors/{fid}/verify", "verify")
        assert challenge["_links"]["resend"] == [hal(f"/api/v1/authn/factors/{fid}/verify/resend", "call")]
        first = latest(client, channel="voice", to="+12025550102")
        advance(client, 29)
        error_of(post(client, challenge["_links"]["resend"][0], tx["stateToken"]), 429, "E0000133")
        advance(client, 2)
        assert post(client, challenge["_links"]["resend"][0], tx["stateToken"]).status_code == 200
        second = latest(client, channel="voice")
        assert second["id"] != first["id"] and second["meta"]["purpose"] == "challenge"
        done = post(client, challenge["_links"]["next"], tx["stateToken"], passCode=second["code"])
        assert done.json()["status"] == "SUCCESS"


def test_wrong_codes_count_toward_the_lockout() -> None:
    with app_client(factor_lockout_threshold=2) as client:
        _, tx, challenge, code = challenge_start(client, call(), "voice")
        wrong = "000000" if code != "000000" else "111111"
        error_of(post(client, challenge["_links"]["next"], tx["stateToken"], passCode=wrong), 403, "E0000068")
        error_of(post(client, challenge["_links"]["next"], tx["stateToken"], passCode=wrong), 403, "E0000069")
        # the transaction ended with the lockout
        error_of(post(client, challenge["_links"]["next"], tx["stateToken"], passCode=code), 401, "E0000011")


def test_provisioning_a_call_factor() -> None:
    with app_client() as client:
        [factor] = make_user(client, [call("+44 20 7946 0958", "99")])["factors"]
        assert factor["profile"] == {"phoneNumber": "+442079460958", "phoneExtension": "99"}
        assert factor["id"].startswith("clf") and factor["status"] == "ACTIVE"
