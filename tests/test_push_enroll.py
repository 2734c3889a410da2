"""Okta Verify enrollment: WAITING with a QR code, activation by the virtual device, TIMEOUT and restart."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import segno
from fastapi.testclient import TestClient

from tests.authn_support import (
    BASE,
    advance,
    app_client,
    factor_link,
    mock_now,
    png_pixels,
    qr_modules,
    sign_in,
    state,
    totp,
)
from tests.phone_support import (
    enroll,
    enroll_start,
    error_of,
    factor_rows,
    hal,
    latest,
    post,
)


def enrollments(client: TestClient, login: str | None = None) -> list[dict[str, Any]]:
    response = client.get("/_mock/push/enrollments", params={"login": login} if login else {})
    assert response.status_code == 200, response.text
    return response.json()


def test_enrollment_waits_for_the_device_then_succeeds() -> None:
    with app_client(enroll_question_required=False) as client:
        login, tx = enroll_start(client)
        entry = factor_link(tx, "push")
        assert entry["status"] == "NOT_SETUP" and entry["_links"]["enroll"]["href"] == f"{BASE}/api/v1/authn/factors"
        pending = enroll(client, tx, "push")
        assert pending.status_code == 200, pending.text
        body = pending.json()
        assert body["status"] == "MFA_ENROLL_ACTIVATE" and body["factorResult"] == "WAITING"
        factor = body["_embedded"]["factor"]
        fid = factor["id"]
        assert fid.startswith("opf") and factor["factorType"] == "push" and factor["provider"] == "OKTA"
        activation = factor["_embedded"]["activation"]
        assert activation["factorResult"] == "WAITING"
        assert activation["expiresAt"] == "2026-03-02T14:35:05.000Z"
        lifecycle = f"/api/v1/authn/factors/{fid}/lifecycle"
        assert activation["_links"]["send"] == [
            hal(f"{lifecycle}/activate/email", "email"),
            hal(f"{lifecycle}/activate/sms", "sms"),
        ]
        qrcode = activation["_links"]["qrcode"]
        assert qrcode["type"] == "image/png" and qrcode["href"].startswith(f"{BASE}/api/v1/users/")
        assert body["_links"]["next"] == hal(f"{lifecycle}/activate/poll", "poll")
        assert {"prev", "cancel"} <= set(body["_links"])

        # the QR code is Okta Verify's enrollment URI (shown to tests on the control plane too)
        [waiting] = enrollments(client, login)
        assert waiting["factorId"] == fid and waiting["status"] == "WAITING"
        uri = waiting["activationUri"]
        parts = urlsplit(uri)
        query = parse_qs(parts.query)
        assert parts.scheme == "otpauth" and parts.netloc == "totp"
        assert parts.path == f"/NASDAQ%20MFA%20NTF:{login}"
        assert query["issuer"] == ["NASDAQ MFA NTF"] and query["f"] == [fid] and query["s"] == [BASE]
        assert len(query["t"][0]) >= 20 and "secret" not in query
        png = client.get(qrcode["href"])
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert qr_modules(png_pixels(png.content)) == [
            [int(bool(cell)) for cell in row] for row in segno.make(uri, error="m").matrix
        ]
        assert client.get(qrcode["href"][:-3] + "AAA").status_code == 404

        polled = post(client, body["_links"]["next"], tx["stateToken"]).json()
        assert polled["status"] == "MFA_ENROLL_ACTIVATE" and polled["factorResult"] == "WAITING"
        activated = client.post(f"/_mock/push/enrollments/{fid}/activate")
        assert activated.status_code == 200 and activated.json()["status"] == "ACTIVATED"
        again = client.post(f"/_mock/push/enrollments/{fid}/activate")
        assert again.status_code == 409
        done = post(client, body["_links"]["next"], tx["stateToken"]).json()
        assert done["status"] == "SUCCESS" and done["sessionToken"]

        rows = {f["factor_type"]: f for f in factor_rows(client, login)}
        assert rows["push"]["status"] == "ACTIVE" and rows["push"]["profile"]["platform"] == "IOS"
        assert rows["token:software:totp"]["status"] == "ACTIVE" and rows["token:software:totp"]["provider"] == "OKTA"
        assert rows["push"]["data"]["totpFactorId"] == rows["token:software:totp"]["id"]
        assert enrollments(client) == []
        assert client.get(qrcode["href"]).status_code == 404
        code = client.get(f"/_mock/users/{login}/totp", params={"provider": "OKTA"})
        assert code.status_code == 200 and code.json()["status"] == "ACTIVE"
        assert "swk" in state(client)["sessionTokens"][0]["amr"]

        # next sign-in: both Okta Verify factors are offered
        tx = sign_in(client, login).json()
        assert {(f["factorType"], f["provider"]) for f in tx["_embedded"]["factors"]} == {
            ("push", "OKTA"),
            ("token:software:totp", "OKTA"),
        }


def test_enrollment_times_out_and_restarts() -> None:
    with app_client(push_timeout_seconds=120, enroll_question_required=False) as client:
        login, tx = enroll_start(client)
        body = enroll(client, tx, "push").json()
        fid = body["_embedded"]["factor"]["id"]
        first_uri = enrollments(client, login)[0]["activationUri"]
        advance(client, 121)
        timed_out = post(client, body["_links"]["next"], tx["stateToken"]).json()
        assert timed_out["status"] == "MFA_ENROLL_ACTIVATE" and timed_out["factorResult"] == "TIMEOUT"
        assert timed_out["_embedded"]["factor"]["_embedded"]["activation"]["factorResult"] == "TIMEOUT"
        restart = timed_out["_links"]["next"]
        assert restart == hal(f"/api/v1/authn/factors/{fid}/lifecycle/activate", "activate")
        assert enrollments(client, login)[0]["status"] == "TIMEOUT"
        late = client.post(f"/_mock/push/enrollments/{fid}/activate")
        assert late.status_code == 409 and "TIMEOUT" in late.json()["message"]

        restarted = post(client, restart, tx["stateToken"]).json()
        assert restarted["factorResult"] == "WAITING" and restarted["_links"]["next"]["name"] == "poll"
        assert restarted["_embedded"]["factor"]["_embedded"]["activation"]["expiresAt"] == "2026-03-02T14:34:06.000Z"
        assert enrollments(client, login)[0]["activationUri"] != first_uri
        assert client.post(f"/_mock/push/enrollments/{fid}/activate").status_code == 200
        assert post(client, restarted["_links"]["next"], tx["stateToken"]).json()["status"] == "SUCCESS"


def test_activation_link_by_sms_and_email() -> None:
    with app_client() as client:
        login, tx = enroll_start(client)
        body = enroll(client, tx, "push").json()
        send = {link["name"]: link for link in body["_embedded"]["factor"]["_embedded"]["activation"]["_links"]["send"]}
        bad = post(client, send["sms"], tx["stateToken"], profile={"phoneNumber": "12"})
        error_of(bad, 400, "E0000001")
        sent = post(client, send["sms"], tx["stateToken"], profile={"phoneNumber": "+1 202-555-0110"})
        assert sent.status_code == 200 and sent.json()["factorResult"] == "WAITING"
        sms = latest(client, channel="sms", to="+12025550110")
        assert sms["link"] == f"{BASE}/_mock/phone?login={login.replace('@', '%40')}"
        assert post(client, send["email"], tx["stateToken"]).status_code == 200
        email = latest(client, channel="email", to=login)
        assert email["subject"] == "Set up Okta Verify" and email["link"] == sms["link"]


def test_previous_drops_the_pending_enrollment() -> None:
    with app_client() as client:
        login, tx = enroll_start(client)
        body = enroll(client, tx, "push").json()
        back = post(client, body["_links"]["prev"], tx["stateToken"]).json()
        assert back["status"] == "MFA_ENROLL"
        assert enrollments(client, login) == []
        assert factor_rows(client, login) == []


def test_an_existing_okta_verify_code_factor_is_kept() -> None:
    with app_client() as client:
        login, _ = enroll_start(client)
        tx = sign_in(client, login, options={"multiOptionalFactorEnroll": True}).json()
        totp_pending = enroll(client, tx, "token:software:totp").json()
        secret = totp_pending["_embedded"]["factor"]["_embedded"]["activation"]["sharedSecret"]
        code = totp(secret, mock_now(client))
        enrolling = post(client, totp_pending["_links"]["next"], tx["stateToken"], passCode=code).json()
        assert enrolling["status"] == "MFA_ENROLL"
        [kept] = [r for r in factor_rows(client, login) if r["factor_type"] == "token:software:totp"]
        body = enroll(client, enrolling, "push").json()
        client.post(f"/_mock/push/enrollments/{body['_embedded']['factor']['id']}/activate")
        assert post(client, body["_links"]["next"], tx["stateToken"]).json()["status"] == "MFA_ENROLL"
        rows = factor_rows(client, login)
        assert [r["id"] for r in rows if r["factor_type"] == "token:software:totp"] == [kept["id"]]
        push_row = next(r for r in rows if r["factor_type"] == "push")
        assert push_row["status"] == "ACTIVE" and push_row["data"]["totpFactorId"] == kept["id"]
