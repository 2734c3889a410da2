"""The Identity Engine's sign-in over HTTP: interact, introspect, identify, the password, each authenticator's
challenge, errors with Okta's i18n keys, no enumeration, lockout, expiry, cancel, reload, the token exchange."""

from __future__ import annotations

import time

import jwt
import pytest

from tests.authn_support import QUESTION, SECRET, advance, app_client, google, make_user, mock_now, totp
from tests.idx_support import PASSWORD, Idx, pkce, signed_in_with_password, start


def test_interact_and_introspect_give_the_identify_form() -> None:
    with app_client() as client:
        idx = start(client)
        assert idx.status == 200 and idx.body["version"] == "1.0.0" and idx.handle.startswith("02.id.")
        assert idx.names() == ["identify", "unlock-account"]
        identify = idx.form("identify")
        assert [f["name"] for f in identify["value"]] == ["identifier", "rememberMe", "stateHandle"]
        assert identify["href"].endswith("/idp/idx/identify") and identify["method"] == "POST"
        assert idx.obj("currentAuthenticator")["recover"]["href"].endswith("/idp/idx/recover")
        assert idx.obj("app") == {"name": "oidc_client", "label": "TRAQS API (scripts)", "id": "traqs-api"}


def test_password_question_and_tokens_whose_id_token_names_the_user() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        idx = signed_in_with_password(client, login)
        assert idx.status == 200 and idx.names() == ["select-authenticator-authenticate"]
        idx.select("security_question")
        assert idx.names()[0] == "challenge-authenticator"
        enrolled = idx.obj("currentAuthenticatorEnrollment")["contextualData"]["enrolledQuestion"]
        assert enrolled == {"questionKey": "disliked_food", "question": "What is the food you least liked as a child?"}
        wrong = idx.submit("challenge-authenticator", credentials={"questionKey": "disliked_food", "answer": "no"})
        assert wrong.status == 401 and wrong.messages() == ["authfactor.challenge.questions_factor.answer_invalid"]
        assert wrong.names()[0] == "challenge-authenticator"  # the same form again
        idx.submit("challenge-authenticator", credentials={"questionKey": "disliked_food", "answer": "brussels sprouts"})
        assert "successWithInteractionCode" in idx.body and "remediation" not in idx.body
        tokens = idx.tokens()
        claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
        assert claims["preferred_username"] == login and claims["aud"] == "traqs-api"
        assert set(claims["amr"]) >= {"pwd", "kba"} and "refresh_token" in tokens


def test_unknown_user_sees_the_same_steps_and_the_same_failure() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        known, unknown = start(client), start(client)
        known.submit("identify", identifier=login)
        unknown.submit("identify", identifier="nobody.here@example.com")
        assert known.names() == unknown.names() == ["challenge-authenticator"]
        assert set(known.obj("user")) == set(unknown.obj("user")) == {"identifier"}
        for idx in (known, unknown):
            idx.submit("challenge-authenticator", credentials={"passcode": "Wrong-Pass-1"})
            assert idx.status == 401 and idx.messages() == ["incorrectPassword"]


def test_five_wrong_passwords_lock_the_account() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        idx = start(client)
        idx.submit("identify", identifier=login)
        for _ in range(4):
            idx.submit("challenge-authenticator", credentials={"passcode": "Wrong-Pass-1"})
            assert idx.status == 401
        idx.submit("challenge-authenticator", credentials={"passcode": "Wrong-Pass-1"})
        assert idx.status == 403 and idx.messages() == ["errors.E0000119"] and "remediation" not in idx.body
        user = next(u for u in client.get("/_mock/state").json()["users"] if u["login"] == login)
        assert user["status"] == "LOCKED_OUT"


def test_google_authenticator_code_and_a_replayed_code() -> None:
    with app_client() as client:
        login = make_user(client, [google()])["user"]["login"]
        idx = signed_in_with_password(client, login)
        idx.select("google_otp")
        code = totp(SECRET, mock_now(client))
        wrong = "000000" if code != "000000" else "111111"
        idx.submit("challenge-authenticator", credentials={"passcode": wrong})
        assert idx.status == 401 and idx.messages() == ["authfactor.challenge.soft_token.invalid_passcode"]
        idx.submit("challenge-authenticator", credentials={"passcode": code})
        assert "successWithInteractionCode" in idx.body
        again = signed_in_with_password(client, login).select("google_otp")
        again.submit("challenge-authenticator", credentials={"passcode": code})
        assert again.status == 401 and again.messages() == ["authfactor.challenge.soft_token.used_passcode"]


def test_interaction_code_is_single_use_and_bound_to_pkce() -> None:
    with app_client() as client:
        login = make_user(client, [google()])["user"]["login"]
        idx = signed_in_with_password(client, login).select("google_otp")
        idx.submit("challenge-authenticator", credentials={"passcode": totp(SECRET, mock_now(client))})
        code = next(v["value"] for v in idx.body["successWithInteractionCode"]["value"] if v["name"] == "interaction_code")
        form = {"grant_type": "interaction_code", "client_id": "traqs-api", "interaction_code": code,
                "redirect_uri": "http://127.0.0.1:7777/login/callback"}
        bad = client.post("/oauth2/default/v1/token", data={**form, "code_verifier": pkce()[0]})
        assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"
        as_authorization_code = client.post(
            "/oauth2/default/v1/token", data={**form, "grant_type": "authorization_code", "code": code, "code_verifier": idx.verifier}
        )
        assert as_authorization_code.status_code == 400
        assert idx.tokens()["token_type"] == "Bearer"
        replay = client.post("/oauth2/default/v1/token", data={**form, "code_verifier": idx.verifier})
        assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


def test_phone_without_a_method_asks_for_it_then_sends_the_code() -> None:
    with app_client() as client:
        phone = "+1 555-415-0199"
        login = make_user(client, [{"factorType": "sms", "phoneNumber": phone}, {"factorType": "call", "phoneNumber": phone}])["user"]["login"]
        idx = signed_in_with_password(client, login)
        options = next(f for f in idx.form("select-authenticator-authenticate")["value"] if f["name"] == "authenticator")["options"]
        assert [o["label"] for o in options] == ["Phone"]  # SMS and voice on one number: one Phone authenticator
        idx.select("phone_number")
        assert idx.names()[0] == "authenticator-verification-data"
        data = idx.form("authenticator-verification-data")["value"][0]["form"]["value"]
        assert [o["value"] for o in data[1]["options"]] == ["sms", "voice"]
        idx.submit("authenticator-verification-data", authenticator={"id": data[0]["value"], "methodType": "voice"})
        assert idx.names()[0] == "challenge-authenticator"
        assert idx.obj("currentAuthenticatorEnrollment")["methods"] == [{"type": "voice"}]
        call = client.get("/_mock/messages/latest", params={"to": phone, "channel": "voice"}).json()
        resend = idx.obj("currentAuthenticatorEnrollment")["resend"]["href"]
        throttled = Idx(client, body=dict(idx.body)).post(resend)
        assert throttled.status == 429 and throttled.messages() == ["errors.E0000133"]
        idx.submit("challenge-authenticator", credentials={"passcode": call["code"]})
        assert "successWithInteractionCode" in idx.body


def test_okta_verify_push_waits_then_a_denial_offers_a_resend() -> None:
    with app_client(push_number_challenge=True) as client:
        login = make_user(client, [QUESTION, {"factorType": "push"}])["user"]["login"]
        idx = signed_in_with_password(client, login).select("okta_verify", methodType="push")
        assert idx.names()[0] == "challenge-poll" and idx.form("challenge-poll")["refresh"] == 4000
        answer = idx.obj("currentAuthenticator")["contextualData"]["correctAnswer"]
        poll = idx.form("challenge-poll")["href"]
        first = dict(idx.body)
        idx.post(poll)
        same = {k: v for k, v in idx.body.items() if k != "expiresAt"}
        assert same == {k: v for k, v in first.items() if k != "expiresAt"}  # pending: the same body again
        push = client.get("/_mock/push", params={"login": login}).json()[0]
        assert push["correctAnswer"] == answer
        assert client.post(f"/_mock/push/{push['id']}/deny").status_code == 200
        idx.post(poll)
        assert idx.status == 200 and idx.messages() == ["api.authn.poll.error.push_rejected"]
        assert idx.names()[0] == "resend"
        idx.submit("resend")
        assert idx.names()[0] == "challenge-poll"
        push = client.get("/_mock/push", params={"login": login}).json()[0]
        client.post(f"/_mock/push/{push['id']}/approve", json={"answer": push["correctAnswer"]})
        idx.post(poll)
        assert "successWithInteractionCode" in idx.body


def test_the_last_used_method_is_offered_first() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION, google()])["user"]["login"]
        first = signed_in_with_password(client, login)
        field = next(f for f in first.form("select-authenticator-authenticate")["value"] if f["name"] == "authenticator")
        assert [o["label"] for o in field["options"]] == ["Security Question", "Google Authenticator"]
        first.select("google_otp").submit("challenge-authenticator", credentials={"passcode": totp(SECRET, mock_now(client))})
        advance(client, 60)
        again = signed_in_with_password(client, login)
        field = next(f for f in again.form("select-authenticator-authenticate")["value"] if f["name"] == "authenticator")
        assert [o["label"] for o in field["options"]] == ["Google Authenticator", "Security Question"]


def test_a_state_handle_resumes_until_it_expires() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        idx = start(client)
        idx.submit("identify", identifier=login)
        resumed = client.post("/idp/idx/introspect", json={"stateToken": idx.handle}).json()
        assert resumed["stateHandle"] == idx.handle and resumed["remediation"]["value"][0]["name"] == "challenge-authenticator"
        advance(client, 3600)
        expired = client.post("/idp/idx/challenge/answer", json={"stateHandle": idx.handle, "credentials": {"passcode": PASSWORD}})
        assert expired.status_code == 401 and expired.headers["content-type"].startswith("application/json")
        assert expired.json()["messages"]["value"][0]["i18n"]["key"] == "idx.session.expired"


def test_reload_with_the_interaction_handle_resumes_the_current_state() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        verifier, challenge = pkce()
        handle = client.post(
            "/oauth2/default/v1/interact",
            data={"client_id": "traqs-api", "scope": "openid", "redirect_uri": "http://127.0.0.1:1/cb",
                  "code_challenge": challenge, "code_challenge_method": "S256"},
        ).json()["interaction_handle"]
        first = client.post("/idp/idx/introspect", json={"interactionHandle": handle}).json()
        client.post("/idp/idx/identify", json={"stateHandle": first["stateHandle"], "identifier": login})
        again = client.post("/idp/idx/introspect", json={"interactionHandle": handle}).json()
        assert again["stateHandle"] == first["stateHandle"]
        assert again["remediation"]["value"][0]["name"] == "challenge-authenticator"


def test_cancel_starts_again_with_a_new_handle() -> None:
    with app_client() as client:
        idx = start(client)
        old = idx.handle
        idx.submit("identify", identifier="someone@example.com")
        idx.action("cancel")
        assert idx.status == 200 and idx.names()[0] == "identify" and idx.handle != old
        gone = client.post("/idp/idx/introspect", json={"stateToken": old})
        assert gone.status_code == 401


def test_identifier_and_password_on_one_form_when_configured() -> None:
    with app_client(idx_identifier_first=False) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        idx = start(client)
        assert [f["name"] for f in idx.form("identify")["value"]][:2] == ["identifier", "credentials"]
        idx.submit("identify", identifier=login, credentials={"passcode": PASSWORD})
        assert idx.names() == ["select-authenticator-authenticate"]


def test_ion_content_type_when_the_client_accepts_it() -> None:
    with app_client() as client:
        idx = start(client)
        ion = client.post("/idp/idx/introspect", json={"stateToken": idx.handle},
                          headers={"Accept": "application/ion+json; okta-version=1.0.0"})
        assert ion.headers["content-type"] == "application/ion+json; okta-version=1.0.0"
        plain = client.post("/idp/idx/introspect", json={"stateToken": idx.handle})
        assert plain.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("body", [{}, {"stateHandle": 5}, {"stateHandle": "02.id.nope"}, {"interactionHandle": "nope"}])
def test_bad_handles_are_401_session_expired(body: dict) -> None:
    with app_client() as client:
        response = client.post("/idp/idx/introspect", json=body)
        assert response.status_code == 401
        assert response.json()["messages"]["value"][0]["i18n"]["key"] == "idx.session.expired"


def test_interact_checks_the_client_the_redirect_and_pkce() -> None:
    with app_client() as client:
        _, challenge = pkce()
        base = {"client_id": "traqs-api", "scope": "openid", "redirect_uri": "http://127.0.0.1:1/cb",
                "code_challenge": challenge, "code_challenge_method": "S256"}
        cases = [({"client_id": "nope"}, "invalid_client"), ({"redirect_uri": "https://evil.example/cb"}, "invalid_request"),
                 ({"code_challenge": ""}, "invalid_request"), ({"scope": "openid nope"}, "invalid_scope"),
                 ({"code_challenge_method": "plain"}, "invalid_request")]
        for change, error in cases:
            response = client.post("/oauth2/default/v1/interact", data={**base, **change})
            assert response.status_code in (400, 401) and response.json()["error"] == error, change


def test_self_registration_is_refused() -> None:
    with app_client() as client:
        response = client.post("/idp/idx/enroll", json={"stateHandle": start(client).handle})
        assert response.status_code == 403
        assert response.json()["messages"]["value"][0]["i18n"]["key"] == "oie.registration.is.not.enabled"


def test_jwt_times_follow_the_wall_clock_after_the_mock_clock_moves() -> None:
    with app_client(clock_frozen=False, clock_start=None) as client:
        login = make_user(client, [google()])["user"]["login"]
        advance(client, 30 * 86400)
        idx = signed_in_with_password(client, login).select("google_otp")
        idx.submit("challenge-authenticator", credentials={"passcode": totp(SECRET, mock_now(client))})
        claims = jwt.decode(idx.tokens()["id_token"], options={"verify_signature": False})
        assert abs(claims["iat"] - time.time()) < 120  # okta-auth-js allows 300 s of skew


def test_okta_organization_says_which_pipeline() -> None:
    with app_client() as client:
        assert client.get("/.well-known/okta-organization").json()["pipeline"] == "idx"
    with app_client(era="2021") as client:
        assert client.get("/.well-known/okta-organization").json()["pipeline"] == "v1"
