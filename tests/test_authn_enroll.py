"""MFA_ENROLL: the security question (straight to SUCCESS) and TOTP (ENROLL_ACTIVATE, QR code, activate)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import segno

from tests.authn_support import (
    BASE,
    app_client,
    make_user,
    mock_now,
    png_pixels,
    qr_modules,
    sign_in,
    stable_state,
    state,
    totp,
)

ENROLL = f"{BASE}/api/v1/authn/factors"


def _enroll_tx(client, **settings_free) -> tuple[str, dict]:
    created = make_user(client, [])
    tx = sign_in(client, created["user"]["login"], **settings_free).json()
    assert tx["status"] == "MFA_ENROLL"
    return created["user"]["login"], tx


def _entry(tx: dict, factor_type: str, provider: str) -> dict:
    return next(
        f for f in tx["_embedded"]["factors"] if f["factorType"] == factor_type and f["provider"] == provider
    )


def test_mfa_enroll_lists_each_factor_kind_not_set_up() -> None:
    with app_client() as client:
        _, tx = _enroll_tx(client)
        kinds = [(f["factorType"], f["provider"]) for f in tx["_embedded"]["factors"]]
        assert kinds[:3] == [
            ("question", "OKTA"),
            ("token:software:totp", "GOOGLE"),
            ("token:software:totp", "OKTA"),
        ]
        for entry in tx["_embedded"]["factors"]:
            # FINRA: the security question is required, and one of the others (no skip until then).
            required = "REQUIRED" if entry["factorType"] == "question" else "OPTIONAL"
            assert entry["status"] == "NOT_SETUP" and entry["enrollment"] == required
            assert entry["_links"]["enroll"] == {"href": ENROLL, "hints": {"allow": ["POST"]}}
        question = _entry(tx, "question", "OKTA")
        user_id = tx["_embedded"]["user"]["id"]
        assert question["_links"]["questions"] == {
            "href": f"{BASE}/api/v1/users/{user_id}/factors/questions",
            "hints": {"allow": ["GET"]},
        }
        assert "skip" not in tx["_links"] and "cancel" in tx["_links"]


def test_question_enrollment_needs_no_activation_and_a_second_factor_is_still_required() -> None:
    with app_client() as client:
        login, tx = _enroll_tx(client)
        questions = client.get(_entry(tx, "question", "OKTA")["_links"]["questions"]["href"]).json()
        assert len(questions) == 20
        body = {
            "stateToken": tx["stateToken"],
            "factorType": "question",
            "provider": "OKTA",
            "profile": {"question": questions[5]["question"], "answer": "Tetris  "},
        }
        done = client.post(ENROLL, json=body)
        assert done.status_code == 200
        more = done.json()
        assert more["status"] == "MFA_ENROLL" and "skip" not in more["_links"]
        assert _entry(more, "question", "OKTA")["status"] == "ACTIVE"
        assert _entry(more, "token:software:totp", "GOOGLE")["status"] == "NOT_SETUP"
        factors = [f for f in state(client)["factors"] if f["factor_type"] == "question"]
        assert factors[0]["status"] == "ACTIVE" and factors[0]["id"].startswith("ufs")
        assert "answer_hash" not in factors[0]
        # the new factor is then required at sign-in and checks the answer loosely
        again = sign_in(client, login).json()
        assert again["status"] == "MFA_REQUIRED"
        verify = again["_embedded"]["factors"][0]["_links"]["verify"]["href"]
        ok = client.post(verify, json={"stateToken": again["stateToken"], "answer": " t e t r i s "})
        assert ok.json()["status"] == "SUCCESS"


@pytest.mark.parametrize(
    "profile",
    [
        {"question": "disliked_food", "answer": "abc"},
        {"question": "no_such_question", "answer": "long enough"},
        {"answer": "long enough"},
        None,
        "not an object",
    ],
)
def test_invalid_question_profile_is_e0000001_and_changes_nothing(profile) -> None:
    with app_client() as client:
        _, tx = _enroll_tx(client)
        before = stable_state(client)
        body = {
            "stateToken": tx["stateToken"],
            "factorType": "question",
            "provider": "OKTA",
            "profile": profile,
        }
        response = client.post(ENROLL, json=body)
        assert response.status_code == 400
        error = response.json()
        assert error["errorCode"] == "E0000001"
        assert error["errorSummary"] == "Api validation failed: factorEnrollRequest"
        assert error["errorCauses"] == [{"errorSummary": "Invalid Profile."}]
        assert stable_state(client) == before


def test_unsupported_factor_type_or_provider_is_e0000001() -> None:
    with app_client() as client:
        _, tx = _enroll_tx(client)
        for factor_type, provider in (("token:hardware", "YUBICO"), ("token:software:totp", "MICROSOFT")):
            body = {"stateToken": tx["stateToken"], "factorType": factor_type, "provider": provider}
            response = client.post(ENROLL, json=body)
            assert response.status_code == 400 and response.json()["errorCode"] == "E0000001"


@pytest.mark.parametrize("provider, prefix", [("GOOGLE", "uft"), ("OKTA", "ost")])
def test_totp_enrollment_activation_and_qr_code(provider: str, prefix: str) -> None:
    with app_client(enroll_question_required=False) as client:
        login, tx = _enroll_tx(client)
        body = {"stateToken": tx["stateToken"], "factorType": "token:software:totp", "provider": provider}
        activate = client.post(
            _entry(tx, "token:software:totp", provider)["_links"]["enroll"]["href"], json=body
        )
        assert activate.status_code == 200
        pending = activate.json()
        assert pending["status"] == "MFA_ENROLL_ACTIVATE"
        assert "factors" not in pending["_embedded"]
        factor = pending["_embedded"]["factor"]
        assert factor["id"].startswith(prefix)
        assert factor["factorType"] == "token:software:totp" and factor["provider"] == provider
        assert factor["profile"] == {"credentialId": login}
        activation = factor["_embedded"]["activation"]
        assert (
            activation["timeStep"] == 30
            and activation["encoding"] == "base32"
            and activation["keyLength"] == 6
        )
        secret = activation["sharedSecret"]
        assert len(secret) >= 16 and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        qrcode = activation["_links"]["qrcode"]
        assert qrcode["type"] == "image/png"
        assert qrcode["href"].startswith(
            f"{BASE}/api/v1/users/{pending['_embedded']['user']['id']}/factors/{factor['id']}/qr/"
        )
        links = pending["_links"]
        assert links["next"] == {
            "name": "activate",
            "href": f"{BASE}/api/v1/authn/factors/{factor['id']}/lifecycle/activate",
            "hints": {"allow": ["POST"]},
        }
        assert links["prev"]["href"] == f"{BASE}/api/v1/authn/previous"
        assert links["cancel"]["href"] == f"{BASE}/api/v1/authn/cancel"

        # the QR code is a PNG of the Google Authenticator key URI
        png = client.get(qrcode["href"])
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
        issuer = quote("NASDAQ MFA NTF")
        expected_uri = f"otpauth://totp/{issuer}:{quote(login, safe='')}?secret={secret}&issuer={issuer}"
        assert qr_modules(png_pixels(png.content)) == [
            [int(bool(cell)) for cell in row] for row in segno.make(expected_uri, error="m").matrix
        ]
        try:  # decode it independently when a QR decoder is installed
            import numpy
            import zxingcpp

            image = numpy.array(png_pixels(png.content), dtype=numpy.uint8) * 255
            assert [r.text for r in zxingcpp.read_barcodes(image)] == [expected_uri]
        except ImportError:
            pass
        assert client.get(qrcode["href"][:-3] + "AAA").status_code == 404

        # a wrong code, then the right one at mock time
        wrong = client.post(
            links["next"]["href"], json={"stateToken": pending["stateToken"], "passCode": "000000"}
        )
        assert wrong.status_code == 403 and wrong.json()["errorCode"] == "E0000068"
        assert wrong.json()["errorCauses"] == [
            {"errorSummary": "Your passcode doesn't match our records. Please try again."}
        ]
        code = totp(secret, mock_now(client))
        done = client.post(
            links["next"]["href"], json={"stateToken": pending["stateToken"], "passCode": code}
        )
        assert done.status_code == 200 and done.json()["status"] == "SUCCESS"
        row = next(f for f in state(client)["factors"] if f["id"] == factor["id"])
        assert row["status"] == "ACTIVE"
        # the QR code is gone once the factor is active
        assert client.get(qrcode["href"]).status_code == 404


def test_previous_from_enroll_activate_returns_to_enroll_and_drops_the_pending_factor() -> None:
    with app_client() as client:
        _, tx = _enroll_tx(client)
        body = {"stateToken": tx["stateToken"], "factorType": "token:software:totp", "provider": "GOOGLE"}
        pending = client.post(ENROLL, json=body).json()
        assert len(state(client)["factors"]) == 1
        back = client.post(pending["_links"]["prev"]["href"], json={"stateToken": tx["stateToken"]})
        assert back.json()["status"] == "MFA_ENROLL"
        assert state(client)["factors"] == []
        # enrolling again gives a fresh secret
        again = client.post(ENROLL, json=body).json()
        assert (
            again["_embedded"]["factor"]["_embedded"]["activation"]["sharedSecret"]
            != (pending["_embedded"]["factor"]["_embedded"]["activation"]["sharedSecret"])
        )
        assert len(state(client)["factors"]) == 1


def test_activating_another_factor_id_is_refused() -> None:
    with app_client() as client:
        _, tx = _enroll_tx(client)
        other = make_user(
            client, [{"factorType": "question", "question": "disliked_food", "answer": "peas please"}]
        )
        body = {"stateToken": tx["stateToken"], "factorType": "token:software:totp", "provider": "GOOGLE"}
        client.post(ENROLL, json=body)
        response = client.post(
            f"/api/v1/authn/factors/{other['factors'][0]['id']}/lifecycle/activate",
            json={"stateToken": tx["stateToken"], "passCode": "123456"},
        )
        assert response.status_code == 404 and response.json()["errorCode"] == "E0000007"


def test_skip_is_offered_when_enrollment_is_optional() -> None:
    with app_client(mfa_enroll_required=False, enroll_question_required=False) as client:
        _, tx = _enroll_tx(client)
        assert all(f["enrollment"] == "OPTIONAL" for f in tx["_embedded"]["factors"])
        skipped = client.post(tx["_links"]["skip"]["href"], json={"stateToken": tx["stateToken"]})
        assert skipped.json()["status"] == "SUCCESS"
        assert "mfa" not in state(client)["sessionTokens"][0]["amr"]


def test_skip_is_refused_when_enrollment_is_required() -> None:
    with app_client() as client:
        _, tx = _enroll_tx(client)
        response = client.post("/api/v1/authn/skip", json={"stateToken": tx["stateToken"]})
        assert response.status_code == 403 and response.json()["errorCode"] == "E0000079"


def test_multi_optional_factor_enroll_offers_the_rest_then_skip_finishes() -> None:
    with app_client(mfa_enroll_required=False) as client:
        _, tx = _enroll_tx(client, options={"multiOptionalFactorEnroll": True})
        body = {
            "stateToken": tx["stateToken"],
            "factorType": "question",
            "provider": "OKTA",
            "profile": {"question": "first_award", "answer": "spelling bee"},
        }
        more = client.post(ENROLL, json=body).json()
        assert more["status"] == "MFA_ENROLL"
        question = _entry(more, "question", "OKTA")
        assert question["status"] == "ACTIVE" and "_links" not in question
        assert _entry(more, "token:software:totp", "GOOGLE")["status"] == "NOT_SETUP"
        again = client.post(ENROLL, json=body)
        assert again.status_code == 400 and again.json()["errorCode"] == "E0000001"
        finished = client.post(more["_links"]["skip"]["href"], json={"stateToken": tx["stateToken"]})
        assert finished.json()["status"] == "SUCCESS"


def test_questions_endpoint_lists_the_20_questions_in_order() -> None:
    with app_client() as client:
        user = make_user(client, [])
        questions = client.get(f"/api/v1/users/{user['user']['id']}/factors/questions").json()
        assert [q["question"] for q in questions][:3] == [
            "disliked_food",
            "name_of_first_plush_toy",
            "first_award",
        ]
        assert questions[10] == {
            "question": "grandmother_favorite_desert",
            "questionText": "What was your grandmother's favorite dessert?",
        }
        assert questions[-1]["question"] == "favorite_sports_player" and len(questions) == 20
        missing = client.get("/api/v1/users/00uNoSuchUser/factors/questions")
        assert missing.status_code == 404 and missing.json()["errorCode"] == "E0000007"


def _activate_totp(client, tx: dict) -> dict:
    body = {"stateToken": tx["stateToken"], "factorType": "token:software:totp", "provider": "GOOGLE"}
    pending = client.post(ENROLL, json=body).json()
    secret = pending["_embedded"]["factor"]["_embedded"]["activation"]["sharedSecret"]
    return client.post(
        pending["_links"]["next"]["href"], json={"stateToken": tx["stateToken"], "passCode": totp(secret, mock_now(client))}
    ).json()


def _enroll_question(client, tx: dict) -> dict:
    body = {
        "stateToken": tx["stateToken"],
        "factorType": "question",
        "provider": "OKTA",
        "profile": {"question": "favorite_toy", "answer": "teddy bear"},
    }
    return client.post(ENROLL, json=body).json()


@pytest.mark.parametrize("question_first", [True, False])
def test_finra_rules_need_the_question_and_a_second_factor_in_either_order(question_first: bool) -> None:
    with app_client() as client:
        login, tx = _enroll_tx(client)
        first = _enroll_question(client, tx) if question_first else _activate_totp(client, tx)
        assert first["status"] == "MFA_ENROLL" and "skip" not in first["_links"]
        if not question_first:
            assert _entry(first, "question", "OKTA")["enrollment"] == "REQUIRED"
        done = _activate_totp(client, tx) if question_first else _enroll_question(client, tx)
        assert done["status"] == "SUCCESS" and done["_embedded"]["user"]["profile"]["login"] == login


def test_the_rules_are_settings() -> None:
    with app_client(enroll_question_required=False) as client:
        _, tx = _enroll_tx(client)
        assert all(entry["enrollment"] == "OPTIONAL" for entry in tx["_embedded"]["factors"])
        assert _activate_totp(client, tx)["status"] == "SUCCESS"
    with app_client(mfa_enroll_required=False) as client:
        _, tx = _enroll_tx(client)
        assert _enroll_question(client, tx)["status"] == "SUCCESS"


def test_a_user_given_factors_by_an_administrator_is_not_sent_back_to_enrollment() -> None:
    """ASSUMPTION: the rules apply while a user enrolls; a control-plane user with one TOTP factor signs in."""
    with app_client() as client:
        created = make_user(client, [{"factorType": "token:software:totp", "provider": "GOOGLE"}])
        tx = sign_in(client, created["user"]["login"]).json()
        assert tx["status"] == "MFA_REQUIRED"
