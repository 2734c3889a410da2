"""The legacy (certificate-era) download host over plain HTTP: Basic auth, lockout, the certificate rule."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from tests.download_support import LEGACY, PASSWORD, download_settings, query

IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture
def relaxed(tmp_path: Path) -> Iterator[TestClient]:
    """Plain HTTP with `legacy_allow_plain_http`: user id + password alone are accepted."""
    app = create_app(download_settings(tmp_path, legacy_allow_plain_http=True, lockout_threshold=3))
    with TestClient(app, base_url="http://127.0.0.1:8400") as client:
        yield client


def test_plain_http_requires_a_client_certificate(tmp_path: Path) -> None:
    with TestClient(create_app(download_settings(tmp_path))) as client:
        response = client.get(LEGACY + query(), auth=("trace@example.com", PASSWORD))
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/plain")
        assert "client certificate is required (serve with TLS)" in response.text
        assert "LEGACY_ALLOW_PLAIN_HTTP" in response.text


def test_relaxed_download_with_basic_credentials(relaxed: TestClient) -> None:
    response = relaxed.get(LEGACY + query(), auth=("trace@example.com", PASSWORD), headers=IDENTITY)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'attachment; filename="CAMASTER_20261120.txt"'
    assert int(response.headers["content-length"]) == len(response.content)
    form = relaxed.post(
        LEGACY, data={"action": "DOWNLOAD", "facility": "TRACE", "file": "CAMASTER"}, auth=("TRACE@example.com", PASSWORD), headers=IDENTITY
    )
    assert form.status_code == 200 and form.content == response.content


def test_real_legacy_host_name(relaxed: TestClient) -> None:
    response = relaxed.get(
        "/DownloadHandler.ashx" + query(), auth=("trace@example.com", PASSWORD), headers={"Host": "download-ntf.finratraqs.org"}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "auth_header",
    [None, "Bearer abc", "Basic !!!notbase64", "Basic dXNlcm9ubHk="],  # the last is "useronly": no colon
)
def test_missing_or_malformed_basic_credentials_are_401(relaxed: TestClient, auth_header) -> None:
    headers = {"Authorization": auth_header} if auth_header else {}
    response = relaxed.get(LEGACY + query(), headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="download", charset="UTF-8"'


def test_wrong_user_or_password_give_the_same_answer(relaxed: TestClient) -> None:
    unknown = relaxed.get(LEGACY + query(), auth=("nobody@example.com", PASSWORD))
    wrong = relaxed.get(LEGACY + query(), auth=("trace@example.com", "Wrong-Pass-1"))
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.text == wrong.text == "Error 401: The user id or password is not valid.\n"


def test_failed_passwords_lock_the_user_like_sign_in(relaxed: TestClient) -> None:
    for _ in range(3):
        assert relaxed.get(LEGACY + query(), auth=("trace@example.com", "Wrong-Pass-1")).status_code == 401
    users = {u["login"]: u for u in relaxed.get("/_mock/state").json()["users"]}
    assert users["trace@example.com"]["status"] == "LOCKED_OUT"
    locked = relaxed.get(LEGACY + query(), auth=("trace@example.com", PASSWORD))
    assert locked.status_code == 403 and "locked out" in locked.text


def test_success_resets_the_failure_count(relaxed: TestClient) -> None:
    for _ in range(2):
        relaxed.get(LEGACY + query(), auth=("trace@example.com", "Wrong-Pass-1"))
    assert relaxed.get(LEGACY + query(), auth=("trace@example.com", PASSWORD)).status_code == 200
    for _ in range(2):
        relaxed.get(LEGACY + query(), auth=("trace@example.com", "Wrong-Pass-1"))
    users = {u["login"]: u for u in relaxed.get("/_mock/state").json()["users"]}
    assert users["trace@example.com"]["status"] == "ACTIVE"
    assert users["trace@example.com"]["failed_password_attempts"] == 2


def test_legacy_entitlements_parameters_and_files(relaxed: TestClient) -> None:
    auth = ("trace@example.com", PASSWORD)
    assert relaxed.get(LEGACY + query("ORF", "EQUITYMASTERAC"), auth=auth).status_code == 403
    assert relaxed.get(LEGACY + "?action=DOWNLOAD&facility=TRACE", auth=auth).status_code == 400
    assert relaxed.get(LEGACY + query(date="11212026"), auth=auth).status_code == 404
    assert relaxed.get(LEGACY + query(file="NOPE"), auth=auth).status_code == 404
    mismatch = relaxed.post(LEGACY + query(), data={"username": "orf@example.com"}, auth=auth)
    assert mismatch.status_code == 403
    listing = relaxed.get(LEGACY + "?action=LIST", auth=auth, headers={"Accept": "application/json"})
    assert {f["facility"] for f in listing.json()["files"]} == {"TRACE"}
