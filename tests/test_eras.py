"""Era profiles through the public surface: each era's factor list, lockout, hosts, pipeline and API access.

2021 plays Okta Classic with certificate downloads, 2024 (default) the Identity Engine with MFA refresh
tokens, 2026 the same with SMS and voice retired (mockfinra/eras.py).
"""

from __future__ import annotations

import pytest

from tests.authn_support import PASSWORD, QUESTION, app_client, google, make_user, sign_in
from tests.idx_support import signed_in_with_password
from tests.traqs_support import sign_in as traqs_sign_in
from tests.traqs_support import trainer_client

SMS = {"factorType": "sms", "phoneNumber": "+12025550143"}
CALL = {"factorType": "call", "phoneNumber": "+12025550144"}
WRONG = "Wrong-Password-1"


def _era(client, name: str | None) -> dict:
    response = client.post("/_mock/era", json={"era": name})
    assert response.status_code == 200, response.text
    return response.json()


def test_default_era_is_2024_and_switches_at_runtime_until_a_reset() -> None:
    with app_client() as client:
        shown = client.get("/_mock/era").json()
        assert shown["era"] == "2024" and shown["pipeline"] == "idx" and shown["apiAccess"] == "refresh_token"
        assert set(shown["eras"]) == {"2021", "2024", "2026"}
        assert _era(client, "2021")["pipeline"] == "v1"
        assert client.get("/.well-known/okta-organization").json()["pipeline"] == "v1"
        assert client.post("/_mock/reset").status_code == 200
        assert client.get("/_mock/era").json()["era"] == "2024"
        assert _era(client, "2026")["retiredFactorTypes"] == ["sms", "call"]
        assert _era(client, None)["era"] == "2024"


def test_an_unknown_era_is_refused_and_changes_nothing() -> None:
    with app_client() as client:
        refused = client.post("/_mock/era", json={"era": "1999"})
        assert refused.status_code == 400
        assert client.get("/_mock/era").json()["era"] == "2024"


@pytest.mark.parametrize(("era", "pipeline"), [("2021", "v1"), ("2024", "idx"), ("2026", "idx")])
def test_okta_organization_names_the_pipeline_of_each_era(era: str, pipeline: str) -> None:
    with app_client(era=era) as client:
        assert client.get("/.well-known/okta-organization").json()["pipeline"] == pipeline


def test_the_identity_engine_is_off_in_2021_and_the_classic_api_works_in_every_era() -> None:
    with app_client(era="2021") as client:
        refused = client.post("/oauth2/default/v1/interact", data={"client_id": "traqs-api", "scope": "openid"})
        assert refused.status_code >= 400 and "2021" in refused.text
        login = make_user(client, [QUESTION])["user"]["login"]
        assert sign_in(client, login).json()["status"] == "MFA_REQUIRED"
    for era in ("2024", "2026"):
        with app_client(era=era) as client:
            login = make_user(client, [QUESTION])["user"]["login"]
            assert sign_in(client, login).json()["status"] == "MFA_REQUIRED"
            assert "select-authenticator-authenticate" in signed_in_with_password(client, login).names()


@pytest.mark.parametrize(("era", "threshold"), [("2021", 10), ("2024", 5), ("2026", 5)])
def test_lockout_after_the_eras_number_of_failed_passwords(era: str, threshold: int) -> None:
    with app_client(era=era) as client:
        login = make_user(client, [QUESTION])["user"]["login"]
        for _ in range(threshold - 1):
            assert sign_in(client, login, WRONG).status_code == 401
        assert sign_in(client, login, PASSWORD).json()["status"] == "MFA_REQUIRED"  # success resets the count
        for _ in range(threshold):
            sign_in(client, login, WRONG)
        assert sign_in(client, login, PASSWORD).json()["status"] == "LOCKED_OUT"


def _factor_types(client, login: str) -> list[str]:
    body = sign_in(client, login).json()
    assert body["status"] == "MFA_REQUIRED", body
    return [f["factorType"] for f in body["_embedded"]["factors"]]


def test_sms_and_voice_are_offered_until_2026_and_refused_with_the_retirement_notice_after() -> None:
    factors = [QUESTION, google(), SMS, CALL]
    for era in ("2021", "2024"):
        with app_client(era=era) as client:
            login = make_user(client, factors)["user"]["login"]
            assert {"sms", "call"} <= set(_factor_types(client, login))
    with app_client(era="2026") as client:
        login = make_user(client, factors)["user"]["login"]
        body = sign_in(client, login).json()
        offered = [f["factorType"] for f in body["_embedded"]["factors"]]
        assert "sms" not in offered and "call" not in offered and "token:software:totp" in offered
        state = client.get("/_mock/state").json()
        user_id = _user_id(state, login)
        sms_id = next(f["id"] for f in state["factors"] if f["factor_type"] == "sms" and f["user_id"] == user_id)
        refused = client.post(f"/api/v1/authn/factors/{sms_id}/verify", json={"stateToken": body["stateToken"]})
        assert refused.status_code == 400
        assert "retired" in refused.json()["errorCauses"][0]["errorSummary"]


def _user_id(state: dict, login: str) -> str:
    return next(u["id"] for u in state["users"] if u["login"] == login)


def test_enrollment_offers_phone_until_2026_only() -> None:
    for era, phone in (("2021", True), ("2024", True), ("2026", False)):
        with app_client(era=era) as client:
            login = make_user(client, [])["user"]["login"]
            body = sign_in(client, login).json()
            assert body["status"] == "MFA_ENROLL", body
            kinds = {f["factorType"] for f in body["_embedded"]["factors"]}
            assert ({"sms", "call"} <= kinds) is phone and ("sms" in kinds) is phone
            assert "token:software:totp" in kinds and "push" in kinds


@pytest.mark.parametrize(
    ("era", "first_host"),
    [("2021", "download-ntf2.finratraqs.org"), ("2024", "apidownload-ntf.finratraqs.org")],
)
def test_links_to_the_api_download_site_use_the_eras_host(era: str, first_host: str) -> None:
    with app_client(era=era) as client:
        assert client.get("/_mock/era").json()["hosts"]["apidownload"] == first_host
    with trainer_client(era="2024") as client:
        traqs_sign_in(client, "trace.analyst@example.com")
        page = client.get("/api-access", headers={"host": "www-ntf.finratraqs.org"})
        assert page.status_code == 200
        assert "apidownload-ntf.finratraqs.org" in page.text


@pytest.mark.parametrize(("era", "api_served", "legacy_served"), [("2021", False, True), ("2024", True, True), ("2026", True, False)])
def test_which_download_host_answers_in_each_era(era: str, api_served: bool, legacy_served: bool) -> None:
    """Calls without credentials: a host the era serves asks for them (the legacy host asks for a client
    certificate first), one the era does not serve refuses with the reason, as plain text."""
    query = "?action=DOWNLOAD&facility=TRACE&file=CAMASTER"
    with app_client(era=era) as client:
        for path, served in (("/apidownload", api_served), ("/download", legacy_served)):
            response = client.get(f"{path}/DownloadHandler.ashx{query}")
            assert response.headers["content-type"].startswith("text/plain")
            refused_by_era = response.status_code == 403 and f"{era} era" in response.text
            assert refused_by_era is not served, (path, response.status_code, response.text)


def test_traqs_api_access_by_certificate_in_2021_and_by_refresh_token_later() -> None:
    with trainer_client(era="2021") as client:
        traqs_sign_in(client, "trace.analyst@example.com")
        page = client.get("/traqs/api-access").text
        assert 'id="certificate-access"' in page and "mockfinra certs client" in page
    with trainer_client(era="2024") as client:
        traqs_sign_in(client, "trace.analyst@example.com")
        page = client.get("/traqs/api-access").text
        assert 'id="certificate-access"' not in page


def test_every_page_shows_the_era() -> None:
    with trainer_client(era="2026") as client:
        for path in ("/", "/traqs/", "/_mock/phone"):
            page = client.get(path)
            assert page.status_code == 200, path
            assert "2026" in page.text, path
