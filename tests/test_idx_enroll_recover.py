"""The Identity Engine's enrollment (FINRA's rules: the security question and a second factor), the invitation's
activation, password recovery by email and account unlock, over HTTP."""

from __future__ import annotations

from tests.authn_support import QUESTION, app_client, make_user, mock_now, totp
from tests.idx_support import PASSWORD, REDIRECT, Idx, pkce, signed_in_with_password, start


def _enroll_question(idx: Idx, **credentials: str) -> Idx:
    idx.select("security_question", "select-authenticator-enroll")
    assert idx.names()[0] == "enroll-authenticator"
    choices = next(f for f in idx.form("enroll-authenticator")["value"] if f["name"] == "credentials")["options"]
    assert [c["label"] for c in choices] == ["Choose a security question", "Create my own security question"]
    return idx.submit("enroll-authenticator", credentials=credentials)


def test_a_new_user_must_set_up_the_question_and_a_second_factor() -> None:
    with app_client() as client:
        login = make_user(client, [])["user"]["login"]
        idx = signed_in_with_password(client, login)
        assert idx.names() == ["select-authenticator-enroll"]  # no skip: the rules are not met
        offered = [a["key"] for a in idx.obj("authenticators")]
        assert offered == ["security_question", "google_otp", "okta_verify", "phone_number"]
        short = _enroll_question(idx, questionKey="favorite_toy", answer="abc")
        assert short.status == 400 and short.names()[0] == "enroll-authenticator"
        idx.submit("enroll-authenticator", credentials={"questionKey": "favorite_toy", "answer": "teddy bear"})
        assert idx.names() == ["select-authenticator-enroll"] and "security_question" not in [a["key"] for a in idx.obj("authenticators")]
        idx.select("google_otp", "select-authenticator-enroll")
        data = idx.obj("currentAuthenticator")["contextualData"]
        assert data["qrcode"]["href"].startswith("data:image/png;base64,") and len(data["sharedSecret"]) >= 16
        idx.submit("enroll-authenticator", credentials={"passcode": totp(data["sharedSecret"], mock_now(client))})
        assert "successWithInteractionCode" in idx.body


def test_a_question_of_ones_own() -> None:
    with app_client(mfa_enroll_required=False) as client:
        login = make_user(client, [])["user"]["login"]
        idx = signed_in_with_password(client, login)
        _enroll_question(idx, questionKey="custom", question="Which desk did I start on?", answer="corporate bonds")
        assert "successWithInteractionCode" in idx.body
        factor = next(f for f in client.get("/_mock/state").json()["factors"] if f["factor_type"] == "question")
        assert factor["profile"] == {"question": "custom", "questionText": "Which desk did I start on?"}


def test_phone_enrollment_asks_for_the_number_and_sets_up_sms_and_voice() -> None:
    with app_client(enroll_question_required=False) as client:
        login = make_user(client, [])["user"]["login"]
        idx = signed_in_with_password(client, login)
        idx.select("phone_number", "select-authenticator-enroll")
        assert idx.names()[0] == "authenticator-enrollment-data"
        aut = idx.obj("currentAuthenticator")["id"]
        bad = idx.submit("authenticator-enrollment-data", authenticator={"id": aut, "methodType": "sms", "phoneNumber": "12"})
        assert bad.status == 400 and bad.messages() == ["api.validation.failed"]
        assert bad.body["messages"]["value"][0]["message"] == "Invalid Phone Number."
        idx.submit("authenticator-enrollment-data", authenticator={"id": aut, "methodType": "sms", "phoneNumber": "+1 555 415 0142"})
        assert idx.names()[0] == "enroll-authenticator"
        sms = client.get("/_mock/messages/latest", params={"to": "+15554150142", "channel": "sms"}).json()
        idx.submit("enroll-authenticator", credentials={"passcode": sms["code"]})
        assert "successWithInteractionCode" in idx.body
        kinds = sorted(f["factor_type"] for f in client.get("/_mock/state").json()["factors"] if f["status"] == "ACTIVE")
        assert kinds == ["call", "sms"]


def test_okta_verify_enrollment_polls_until_the_virtual_phone_scans_the_code() -> None:
    with app_client(enroll_question_required=False) as client:
        login = make_user(client, [])["user"]["login"]
        idx = signed_in_with_password(client, login)
        idx.select("okta_verify", "select-authenticator-enroll")
        assert idx.names()[0] == "enroll-poll"
        assert idx.obj("currentAuthenticator")["contextualData"]["qrcode"]["href"].startswith("data:image/png")
        idx.submit("enroll-poll")
        assert idx.names()[0] == "enroll-poll"
        [pending] = client.get("/_mock/push/enrollments", params={"login": login}).json()
        assert client.post(f"/_mock/push/enrollments/{pending['factorId']}/activate").status_code == 200
        idx.submit("enroll-poll")
        assert "successWithInteractionCode" in idx.body


def test_the_invitation_sets_a_password_then_enrolls() -> None:
    with app_client() as client:
        created = client.post("/_mock/users", json={"login": "new.hire@example.com", "status": "PROVISIONED"}).json()
        # The interaction of an invited user starts from the activation token (okta-auth-js `activationToken`).
        verifier, challenge = pkce()
        handle = client.post(
            "/oauth2/default/v1/interact",
            data={"client_id": "traqs-api", "scope": "openid", "redirect_uri": REDIRECT, "code_challenge": challenge,
                  "code_challenge_method": "S256", "activation_token": created["activationToken"]},
        ).json()["interaction_handle"]
        idx = Idx(client, verifier)
        response = client.post("/idp/idx/introspect", json={"interactionHandle": handle})
        idx.status, idx.body = response.status_code, response.json()
        assert idx.names() == ["enroll-authenticator"] and idx.obj("currentAuthenticator")["key"] == "okta_password"
        assert idx.obj("currentAuthenticator")["settings"]["complexity"]["minLength"] == 8
        weak = idx.submit("enroll-authenticator", credentials={"passcode": "weak"})
        assert weak.status == 400 and "at least 8 characters" in weak.body["messages"]["value"][0]["message"]
        idx.submit("enroll-authenticator", credentials={"passcode": "Sunny-Meadow-2031"})
        assert idx.names() == ["select-authenticator-enroll"]
        user = next(u for u in client.get("/_mock/state").json()["users"] if u["login"] == "new.hire@example.com")
        assert user["status"] == "ACTIVE"


def test_password_recovery_by_email_code() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        idx = start(client)
        idx.action("currentAuthenticator.recover")
        assert idx.names() == ["identify-recovery"]
        idx.submit("identify-recovery", identifier=login)
        assert idx.names() == ["select-authenticator-authenticate"] and idx.obj("recoveryAuthenticator")["key"] == "okta_password"
        idx.select("okta_email")
        assert idx.names()[0] == "challenge-authenticator"
        email = client.get("/_mock/messages/latest", params={"to": login, "channel": "email"}).json()
        assert email["code"] and "verification code" in email["body"]
        idx.submit("challenge-authenticator", credentials={"passcode": email["code"]})
        assert idx.names() == ["reset-authenticator"]
        idx.submit("reset-authenticator", credentials={"passcode": "Fresh-Meadow-2027"})
        assert "successWithInteractionCode" in idx.body
        assert signed_in_with_password(client, login, "Fresh-Meadow-2027").status == 200


def test_recovery_for_an_unknown_user_looks_the_same_and_no_code_works() -> None:
    with app_client() as client:
        idx = start(client)
        idx.action("currentAuthenticator.recover")
        idx.submit("identify-recovery", identifier="nobody.here@example.com")
        idx.select("okta_email")
        assert idx.names()[0] == "challenge-authenticator"
        assert client.get("/_mock/messages", params={"to": "nobody.here@example.com"}).json() == []
        idx.submit("challenge-authenticator", credentials={"passcode": "123456"})
        assert idx.status == 401


def test_unlock_by_email_code_after_a_lockout() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        locking = start(client)
        locking.submit("identify", identifier=login)
        for _ in range(5):
            locking.submit("challenge-authenticator", credentials={"passcode": "Wrong-Pass-1"})
        idx = start(client)
        idx.submit("unlock-account")
        assert idx.names() == ["select-authenticator-unlock-account"]
        email_id = idx.option_id("select-authenticator-unlock-account", "okta_email")
        idx.submit("select-authenticator-unlock-account", identifier=login, authenticator=email_id)
        code = client.get("/_mock/messages/latest", params={"to": login, "channel": "email"}).json()["code"]
        idx.submit("challenge-authenticator", credentials={"passcode": code})
        assert idx.status == 200 and "remediation" not in idx.body
        assert idx.messages() == ["oie.selfservice.unlock_user.success.message"]
        assert signed_in_with_password(client, login, PASSWORD).names() == ["select-authenticator-authenticate"]
