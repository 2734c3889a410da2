"""PASSWORD_WARN, PASSWORD_EXPIRED + change_password, and activation-token sign-in (PASSWORD_RESET)."""

from __future__ import annotations

from mockfinra.store.users import find_user_by_login
from tests.authn_support import (
    BASE,
    PASSWORD,
    QUESTION,
    advance,
    app_client,
    factor_link,
    make_user,
    sign_in,
    stable_state,
    user_row,
)

EXPIRY = {"password_expire_days": 90, "password_warn_days": 7}
NEW_PASSWORD = "Fresh-Pass-2027"
WARN = {"options": {"warnBeforePasswordExpired": True, "multiOptionalFactorEnroll": False}}


def _answer(client, tx: dict) -> dict:
    verify = factor_link(tx, "question")["_links"]["verify"]["href"]
    response = client.post(verify, json={"stateToken": tx["stateToken"], "answer": "brussels sprouts"})
    assert response.status_code == 200, response.text
    return response.json()


def test_password_warn_after_mfa_with_skip_and_change_password_links() -> None:
    with app_client(**EXPIRY) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        advance(client, 85 * 86400)
        tx = sign_in(client, login, **WARN).json()
        assert tx["status"] == "MFA_REQUIRED"
        warn = _answer(client, tx)
        assert warn["status"] == "PASSWORD_WARN"
        assert warn["_links"]["next"] == {
            "name": "changePassword",
            "href": f"{BASE}/api/v1/authn/credentials/change_password",
            "hints": {"allow": ["POST"]},
        }
        assert warn["_links"]["skip"]["href"] == f"{BASE}/api/v1/authn/skip"
        assert warn["_links"]["skip"]["hints"] == {"allow": ["POST"]}
        policy = warn["_embedded"]["policy"]
        assert policy["expiration"]["passwordExpireDays"] == 5
        assert policy["complexity"]["minLength"] == 8
        skipped = client.post(warn["_links"]["skip"]["href"], json={"stateToken": warn["stateToken"]})
        assert skipped.json()["status"] == "SUCCESS"


def test_password_warn_only_when_the_client_asks_unless_configured() -> None:
    with app_client(**EXPIRY) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        advance(client, 85 * 86400)
        assert _answer(client, sign_in(client, login).json())["status"] == "SUCCESS"
    with app_client(password_warn_requires_option=False, **EXPIRY) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        advance(client, 85 * 86400)
        assert _answer(client, sign_in(client, login).json())["status"] == "PASSWORD_WARN"


def test_change_password_from_warn() -> None:
    with app_client(**EXPIRY) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        advance(client, 85 * 86400)
        warn = _answer(client, sign_in(client, login, **WARN).json())
        changed = client.post(
            warn["_links"]["next"]["href"],
            json={"stateToken": warn["stateToken"], "oldPassword": PASSWORD, "newPassword": NEW_PASSWORD},
        )
        assert changed.json()["status"] == "SUCCESS"
        assert _answer(client, sign_in(client, login, NEW_PASSWORD, **WARN).json())["status"] == "SUCCESS"


def test_mfa_comes_before_password_expired_then_change_password() -> None:
    with app_client(**EXPIRY) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        advance(client, 91 * 86400)
        tx = sign_in(client, login).json()
        assert tx["status"] == "MFA_REQUIRED"
        expired = _answer(client, tx)
        assert expired["status"] == "PASSWORD_EXPIRED"
        assert expired["_links"]["next"]["name"] == "changePassword"
        assert "skip" not in expired["_links"]
        assert expired["_embedded"]["policy"]["expiration"] == {"passwordExpireDays": 90}
        href = expired["_links"]["next"]["href"]
        token = expired["stateToken"]

        before = stable_state(client)
        wrong_old = client.post(
            href, json={"stateToken": token, "oldPassword": "Not-It-123", "newPassword": NEW_PASSWORD}
        )
        assert wrong_old.status_code == 403
        assert wrong_old.json()["errorCode"] == "E0000014"
        assert wrong_old.json()["errorCauses"] == [
            {"errorSummary": "oldPassword: The credentials provided were incorrect."}
        ]
        weak = client.post(href, json={"stateToken": token, "oldPassword": PASSWORD, "newPassword": "short"})
        assert weak.status_code == 403 and weak.json()["errorCode"] == "E0000014"
        causes = [c["errorSummary"] for c in weak.json()["errorCauses"]]
        assert any("at least 8 characters" in c for c in causes) and all(
            c.startswith("password:") for c in causes
        )
        same = client.post(href, json={"stateToken": token, "oldPassword": PASSWORD, "newPassword": PASSWORD})
        assert same.status_code == 403 and same.json()["errorCode"] == "E0000014"
        assert stable_state(client)["users"] == before["users"]

        done = client.post(
            href, json={"stateToken": token, "oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}
        )
        assert done.json()["status"] == "SUCCESS"
        assert sign_in(client, login, PASSWORD).status_code == 401
        assert sign_in(client, login, NEW_PASSWORD).json()["status"] == "MFA_REQUIRED"


def test_expired_user_without_factors_changes_password_then_enrolls() -> None:
    with app_client(**EXPIRY) as client:
        login = make_user(client, [])["user"]["login"]
        advance(client, 100 * 86400)
        expired = sign_in(client, login).json()
        assert expired["status"] == "PASSWORD_EXPIRED"
        done = client.post(
            expired["_links"]["next"]["href"],
            json={"stateToken": expired["stateToken"], "oldPassword": PASSWORD, "newPassword": NEW_PASSWORD},
        )
        assert done.json()["status"] == "MFA_ENROLL"


def test_admin_expired_status_gives_password_expired_and_change_reactivates() -> None:
    with app_client() as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        ctx = client.app.state.ctx  # type: ignore[attr-defined]  # as the Users API's expire_password does
        with ctx.store.transaction() as db:
            find_user_by_login(db, login).status = "PASSWORD_EXPIRED"
        expired = _answer(client, sign_in(client, login).json())
        assert expired["status"] == "PASSWORD_EXPIRED"
        client.post(
            expired["_links"]["next"]["href"],
            json={"stateToken": expired["stateToken"], "oldPassword": PASSWORD, "newPassword": NEW_PASSWORD},
        )
        assert user_row(client, login)["status"] == "ACTIVE"


def test_activation_token_sign_in_sets_the_first_password() -> None:
    with app_client() as client:
        created = make_user(client, [], status="PROVISIONED", password=None)
        login, token = created["user"]["login"], created["activationToken"]
        assert created["activationUrl"] == f"{BASE}/welcome/{token}"
        reset = client.post("/api/v1/authn", json={"token": token, "relayState": "/after"}).json()
        assert reset["status"] == "PASSWORD_RESET" and reset["relayState"] == "/after"
        assert reset["_links"]["next"]["name"] == "resetPassword"
        assert reset["_links"]["next"]["href"] == f"{BASE}/api/v1/authn/credentials/reset_password"
        assert reset["_embedded"]["user"]["profile"]["login"] == login
        assert reset["_embedded"]["policy"]["complexity"]["minUpperCase"] == 1

        weak = client.post(
            reset["_links"]["next"]["href"], json={"stateToken": reset["stateToken"], "newPassword": "abc"}
        )
        assert weak.status_code == 403 and weak.json()["errorCode"] == "E0000014"
        assert user_row(client, login)["status"] == "PROVISIONED"

        enroll = client.post(
            reset["_links"]["next"]["href"],
            json={"stateToken": reset["stateToken"], "newPassword": NEW_PASSWORD},
        ).json()
        assert enroll["status"] == "MFA_ENROLL"
        row = user_row(client, login)
        assert row["status"] == "ACTIVE" and row["activated_at"]
        used = client.post("/api/v1/authn", json={"token": token})
        assert used.status_code == 401 and used.json()["errorCode"] == "E0000011"
        assert sign_in(client, login, NEW_PASSWORD).json()["status"] == "MFA_ENROLL"


def test_bad_or_expired_activation_tokens_are_e0000011() -> None:
    with app_client() as client:
        token = make_user(client, [], status="PROVISIONED", password=None)["activationToken"]
        bad = client.post("/api/v1/authn", json={"token": "not-a-token"})
        assert bad.status_code == 401 and bad.json()["errorCode"] == "E0000011"
        advance(client, 8 * 86400)
        late = client.post("/api/v1/authn", json={"token": token})
        assert late.status_code == 401 and late.json()["errorCode"] == "E0000011"
