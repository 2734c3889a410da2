"""Fault injection through the control plane (`/_mock/faults`), in-process: the contract, the matching
rules (site, method, path glob, parameters, user, skip, times, probability, expiry), the default error
body of each surface, presets, the faults file and restarts. Socket-level faults (drop, truncate) and real
clients are in test_faults_live.py."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from tests.authn_support import BASE, PASSWORD, app_client
from tests.download_support import HANDLER, access_token, download_settings, query

AUTHN = "/api/v1/authn"
TOKEN = "/oauth2/default/v1/token"


def add(client: TestClient, **fault: Any) -> dict[str, Any]:
    response = client.post("/_mock/faults", json=fault)
    assert response.status_code == 201, response.text
    return response.json()


def sign_in(client: TestClient, username: str = "solo.user@example.com") -> Any:
    return client.post(AUTHN, json={"username": username, "password": PASSWORD})


# --- the contract --------------------------------------------------------------------------------


def test_create_list_get_and_delete() -> None:
    with app_client() as client:
        first = add(client, site="mfa", method="post", path="/api/v1/authn", status=503)
        second = add(client, site="any", delay_ms=5, name="slow everything")
        assert first["id"].startswith("flt") and first["method"] == ["POST"] and first["state"] == "active"
        assert [f["id"] for f in client.get("/_mock/faults").json()] == [first["id"], second["id"]]
        assert client.get(f"/_mock/faults/{second['id']}").json()["name"] == "slow everything"

        assert client.delete(f"/_mock/faults/{first['id']}").json() == {"deleted": 1}
        missing = client.delete(f"/_mock/faults/{first['id']}")
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"
        assert client.get(f"/_mock/faults/{first['id']}").status_code == 404
        add(client, status=500)
        assert client.delete("/_mock/faults").json() == {"deleted": 2}
        assert client.get("/_mock/faults").json() == []
        assert sign_in(client).status_code == 200  # nothing fires any more


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ({"status": 503, "drop": True}, "one action"),
        ({"site": "mars", "status": 503}, "site"),
        ({"path": "api/v1/authn", "status": 503}, "path"),
        ({"status": 700}, "status"),
        ({"probability": 1.5, "status": 500}, "probability"),
        ({"site": "mfa"}, "give an action"),
        ({"delay_ms": [5, 1], "site": "mfa"}, "max must be at least min"),
        ({"body": "x", "delay_ms": 1}, "go with status"),
        ({"status": 500, "colour": "red"}, "colour"),
        ({"preset": "tea-break"}, "unknown"),
        ({"status": 503, "expires_in": 1e300}, "expires_in"),
        ({"preset": "ntf-maintenance", "ttl": 1e300}, "ttl"),
    ],
)
def test_bad_faults_get_a_clear_400(fault: dict[str, Any], says: str) -> None:
    with app_client() as client:
        response = client.post("/_mock/faults", json=fault)
        assert response.status_code == 400
        body = response.json()
        assert body["error"] == "invalid_fault" and says in body["message"], body
        not_json = client.post("/_mock/faults", json=[1, 2])
        assert not_json.status_code == 400 and not_json.json()["error"] == "invalid_fault"


def test_the_control_plane_and_static_files_are_never_faulted() -> None:
    with app_client() as client:
        fault = add(client, site="any", status=503)
        assert client.get("/_mock/clock").status_code == 200
        assert client.get("/static/mockfinra.css").status_code == 200
        page = client.get("/login/login.htm")
        assert page.status_code == 503 and page.headers["x-mock-fault"] == fault["id"]


# --- each surface's own error body ---------------------------------------------------------------


def test_okta_api_429_has_okta_json_retry_after_and_rate_limit_headers() -> None:
    with app_client() as client:
        fault = add(client, site="mfa", path="/api/v1/*", status=429, retry_after=7)
        response = sign_in(client)
        assert response.status_code == 429
        assert response.headers["retry-after"] == "7" and response.headers["x-mock-fault"] == fault["id"]
        assert response.headers["x-rate-limit-remaining"] == "0" and "x-rate-limit-reset" in response.headers
        body = response.json()
        assert body["errorCode"] == "E0000047" and body["errorSummary"].startswith("API call exceeded rate limit")
        assert set(body) == {"errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"}
        assert "x-mock-time" in response.headers


@pytest.mark.parametrize(("status", "code"), [(500, "E0000009"), (502, "E0000009"), (503, "E0000010"), (504, "E0000009")])
def test_okta_api_5xx(status: int, code: str) -> None:
    with app_client() as client:
        add(client, site="mfa", path=AUTHN, status=status)
        response = sign_in(client)
        assert response.status_code == status and response.json()["errorCode"] == code


def test_token_endpoint_gets_oauth_json_and_download_hosts_plain_text(tmp_path: Path) -> None:
    app = create_app(download_settings(tmp_path))
    with TestClient(app, base_url=BASE) as client:
        token = access_token(app, "trace@example.com")
        add(client, site="mfa", path=TOKEN, status=429)
        add(client, site="apidownload", path="/DownloadHandler.ashx", status=503, retry_after=120)
        refused = client.post(TOKEN, data={"grant_type": "refresh_token", "client_id": "traqs-api", "refresh_token": "x"})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
        assert refused.json() == {"error": "rate_limit_exceeded", "error_description": "Too Many Requests"}
        down = client.get(HANDLER + query(), headers={"Authorization": f"Bearer {token}"})
        assert down.status_code == 503 and down.headers["content-type"].startswith("text/plain")
        assert down.text == "Error 503: Service Unavailable\n" and down.headers["retry-after"] == "120"


def test_own_body_and_headers() -> None:
    with app_client() as client:
        add(client, site="mfa", path=AUTHN, status=502, body="<h1>upstream down</h1>",
            headers={"Content-Type": "text/html", "X-Edge": "akamai"})
        add(client, site="traqs", status=500, body={"oops": True})
        response = sign_in(client)
        assert response.status_code == 502 and response.text == "<h1>upstream down</h1>"
        assert response.headers["content-type"].startswith("text/html") and response.headers["x-edge"] == "akamai"
        traqs = client.get("/traqs/")
        assert traqs.status_code == 500 and traqs.json() == {"oops": True}


def test_ntf_maintenance_preset_answers_every_site_in_its_format(tmp_path: Path) -> None:
    app = create_app(download_settings(tmp_path))
    with TestClient(app, base_url=BASE) as client:
        made = client.post("/_mock/faults", json={"preset": "ntf-maintenance", "expires_in": 3600})
        assert made.status_code == 201
        [fault] = made.json()["faults"]
        assert fault["preset"] == "ntf-maintenance" and fault["expiresAt"]
        page = client.get("/traqs/")
        assert page.status_code == 503 and "Scheduled maintenance" in page.text and "<main" in page.text
        assert page.headers["retry-after"] == "3600"
        api = sign_in(client, "trace@example.com")
        assert api.status_code == 503 and api.json()["errorCode"] == "E0000010"
        oauth = client.post(TOKEN, data={"grant_type": "refresh_token"})
        assert oauth.json()["error"] == "temporarily_unavailable" and "maintenance" in oauth.json()["error_description"]
        download = client.get(HANDLER + query())
        assert download.status_code == 503 and download.text.startswith("Error 503: The NTF environment is unavailable")
        legacy = client.get("/download/DownloadHandler.ashx" + query())
        assert legacy.status_code == 503
        idx = client.post("/idp/idx/introspect", json={})
        assert idx.status_code == 503 and idx.json()["messages"]["value"][0]["class"] == "ERROR"
        assert client.get("/_mock/ready").status_code == 200  # the control plane still answers

        client.post("/_mock/clock", json={"advance": 3601})
        assert sign_in(client, "trace@example.com").status_code == 200
        assert client.get("/_mock/faults").json()[0]["state"] == "expired"


def test_presets_are_listed_and_take_options() -> None:
    with app_client() as client:
        names = {p["name"] for p in client.get("/_mock/faults/presets").json()}
        assert names == {"ntf-maintenance", "api-rate-limit", "slow-download"}
        made = client.post("/_mock/faults", json={"preset": "api-rate-limit", "retry_after": 5, "times": 1}).json()
        assert len(made["faults"]) == 3 and {f["retry_after"] for f in made["faults"]} == {5}
        token = client.post(TOKEN, data={"grant_type": "password"})
        assert token.status_code == 429 and token.headers["retry-after"] == "5"
        assert client.post(TOKEN, data={"grant_type": "password"}).status_code != 429  # times: 1


# --- matching -------------------------------------------------------------------------------------


def test_site_method_and_path_glob() -> None:
    with app_client() as client:
        add(client, site="traqs", status=500)
        add(client, site="mfa", method=["DELETE"], path="/api/v1/sessions/*", status=502)
        assert client.get("/traqs/").status_code == 500
        assert sign_in(client).status_code == 200  # another site
        assert client.delete("/api/v1/sessions/abc").status_code == 502
        assert client.get("/api/v1/sessions/abc").status_code != 502  # another method


def test_site_matches_on_its_real_host_name(tmp_path: Path) -> None:
    app = create_app(download_settings(tmp_path))
    with TestClient(app, base_url="http://apidownload-ntf.finratraqs.org") as client:
        add(client, site="apidownload", path="/DownloadHandler.ashx", status=504)
        response = client.get("/DownloadHandler.ashx" + query())
        assert response.status_code == 504 and response.text == "Error 504: Gateway Timeout\n"


def test_params_match_query_or_form(tmp_path: Path) -> None:
    app = create_app(download_settings(tmp_path))
    with TestClient(app, base_url=BASE) as client:
        orf_token = access_token(app, "orf@example.com")
        trace_token = access_token(app, "trace@example.com")
        add(client, site="apidownload", params={"facility": "ORF"}, status=503)
        orf = client.get(HANDLER + query("ORF", "EQUITYMASTERAC"), headers={"Authorization": f"Bearer {orf_token}"})
        assert orf.status_code == 503
        trace = client.get(HANDLER + query(), headers={"Authorization": f"Bearer {trace_token}"})
        assert trace.status_code == 200
        form = client.post(HANDLER, data={"action": "DOWNLOAD", "facility": "ORF", "file": "EQUITYMASTERAC"},
                           headers={"Authorization": f"Bearer {orf_token}"})
        assert form.status_code == 503


def test_user_from_authn_username_bearer_subject_and_basic_auth(tmp_path: Path) -> None:
    app = create_app(download_settings(tmp_path))
    with TestClient(app, base_url=BASE) as client:
        add(client, user="ORF@example.com", status=500)
        assert sign_in(client, "orf@example.com").status_code == 500  # authn username (any case)
        assert sign_in(client, "trace@example.com").status_code == 200
        orf, trace = access_token(app, "orf@example.com"), access_token(app, "trace@example.com")
        assert client.get(HANDLER + query("ORF", "EQUITYMASTERAC"), headers={"Authorization": f"Bearer {orf}"}).status_code == 500
        assert client.get(HANDLER + query(), headers={"Authorization": f"Bearer {trace}"}).status_code == 200
        basic = base64.b64encode(b"orf@example.com:whatever").decode()
        legacy = client.get("/download/DownloadHandler.ashx" + query("ORF"), headers={"Authorization": f"Basic {basic}"})
        assert legacy.status_code == 500


def test_skip_then_times() -> None:
    with app_client() as client:
        fault = add(client, site="mfa", path=AUTHN, skip=2, times=2, status=503)
        statuses = [sign_in(client).status_code for _ in range(6)]
        assert statuses == [200, 200, 503, 503, 200, 200]
        listed = client.get(f"/_mock/faults/{fault['id']}").json()
        assert listed["fired"] == 2 and listed["state"] == "spent"


def test_probability() -> None:
    with app_client() as client:
        never = add(client, site="mfa", path=AUTHN, probability=0.0, status=500)
        assert all(sign_in(client).status_code == 200 for _ in range(20))
        assert client.get(f"/_mock/faults/{never['id']}").json()["matched"] == 20
        client.delete("/_mock/faults")
        add(client, site="mfa", path="/api/v1/sessions/*", probability=0.5, status=500)
        fired = sum(client.get("/api/v1/sessions/none").status_code == 500 for _ in range(120))
        assert 25 <= fired <= 95


def test_the_oldest_matching_fault_fires_and_delay_comes_with_a_status() -> None:
    with app_client() as client:
        first = add(client, site="mfa", path=AUTHN, status=502, delay_ms=[1, 3])
        add(client, site="any", status=500)
        response = sign_in(client)
        assert response.status_code == 502 and response.headers["x-mock-fault"] == first["id"]


def test_ttl_expiry_on_the_mock_clock() -> None:
    with app_client() as client:
        fault = add(client, site="mfa", path=AUTHN, status=503, ttl=60)
        assert sign_in(client).status_code == 503
        client.post("/_mock/clock", json={"advance": 59})
        assert sign_in(client).status_code == 503
        client.post("/_mock/clock", json={"advance": 2})
        assert sign_in(client).status_code == 200
        assert client.get(f"/_mock/faults/{fault['id']}").json()["state"] == "expired"


def test_a_delay_marks_the_real_response() -> None:
    with app_client() as client:
        fault = add(client, site="mfa", path=AUTHN, delay_ms=1)
        response = sign_in(client)
        assert response.status_code == 200 and response.json()["status"] == "MFA_ENROLL"
        assert response.headers["x-mock-fault"] == fault["id"]


# --- the store, the faults file and reset ---------------------------------------------------------


def test_faults_survive_a_restart(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'state.db'}"
    with app_client(db=db) as client:
        fault = add(client, site="mfa", path=AUTHN, skip=1, status=503)
        assert sign_in(client).status_code == 200
    with app_client(db=db) as client:
        assert [f["id"] for f in client.get("/_mock/faults").json()] == [fault["id"]]
        assert sign_in(client).status_code == 503  # the skip was counted before the restart


def test_faults_file_json_and_toml_loaded_at_start_and_on_reset(tmp_path: Path) -> None:
    json_file = tmp_path / "faults.json"
    json_file.write_text(json.dumps({"faults": [{"site": "mfa", "path": AUTHN, "status": 503, "name": "from file"},
                                                {"preset": "slow-download", "delay_ms": 1}]}))
    db = f"sqlite:///{tmp_path / 'state.db'}"
    with app_client(faults=json_file, db=db) as client:
        listed = client.get("/_mock/faults").json()
        assert [f["origin"] for f in listed] == ["settings"] * 3
        assert sign_in(client).status_code == 503
        client.delete("/_mock/faults")
        add(client, site="traqs", status=500)
        client.post("/_mock/reset")
        after = client.get("/_mock/faults").json()
        assert [f["name"] for f in after][0] == "from file" and len(after) == 3  # the api fault went with the reset
        assert sign_in(client).status_code == 503
    with app_client(faults=json_file, db=db) as client:  # a restart does not double them
        assert len(client.get("/_mock/faults").json()) == 3

    toml_file = tmp_path / "faults.toml"
    toml_file.write_text('[[faults]]\nsite = "traqs"\nstatus = 502\n')
    with app_client(faults=toml_file) as client:
        assert client.get("/traqs/").status_code == 502


def test_a_bad_faults_file_stops_the_start(tmp_path: Path) -> None:
    bad = tmp_path / "faults.json"
    bad.write_text('[{"status": 503, "drop": true}]')
    with pytest.raises(ValueError, match=r"faults\[0\]"):
        with app_client(faults=bad):
            pass
