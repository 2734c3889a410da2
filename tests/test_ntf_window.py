"""The free NTF testing window: "notify the NASDAQ test team" on TRAQS and through /_mock/ntf-window, the
"day N of 30" banner on TRAQS and MFA pages (mock clock, calendar days in New York), the end of the free
period, and the optional refusal of downloads after it (MOCKFINRA_NTF_WINDOW_ENFORCE)."""

from __future__ import annotations

import base64
import re

from fastapi.testclient import TestClient

from tests.traqs_support import (
    ADMIN,
    ADMIN_FIRM,
    BASE,
    PASSWORD,
    advance_days,
    banner,
    csrf,
    sign_in,
    trainer_client,
)

ANALYST = "trace.analyst@example.com"
ENDED = "The free NTF testing period has ended; NTF fees apply."
DOWNLOAD = "/apidownload/DownloadHandler.ashx?action=DOWNLOAD&facility=TRACE&file=CAMASTER"


def _notify(client: TestClient) -> object:
    home = client.get("/traqs/")
    return client.post("/traqs/ntf-window", data={"csrf": csrf(home.text)}, follow_redirects=False)


def _banners(client: TestClient) -> tuple[str | None, str | None]:
    """The banner on TRAQS home and on the MFA service's account page."""
    return banner(client.get("/traqs/").text), banner(client.get("/app/UserHome").text)


def test_before_anyone_notifies_there_is_a_button_and_no_banner() -> None:
    with trainer_client() as client:
        sign_in(client, ANALYST)
        home = client.get("/traqs/")
        assert 'id="notify-test-team"' in home.text and f'action="{BASE}/traqs/ntf-window"' in home.text
        assert banner(home.text) is None and banner(client.get("/app/UserHome").text) is None
        assert client.get("/_mock/ntf-window").json() == {"windows": []}
        missing = client.get("/_mock/ntf-window", params={"login": ANALYST})
        assert missing.status_code == 404 and "nobody has notified" in missing.json()["message"]


def test_notifying_from_traqs_starts_day_one_on_traqs_and_mfa_pages() -> None:
    with trainer_client() as client:
        sign_in(client, ANALYST)
        forged = client.post("/traqs/ntf-window", data={"csrf": "forged"})
        assert forged.status_code == 403 and client.get("/_mock/ntf-window").json()["windows"] == []
        response = _notify(client)
        assert response.status_code == 303 and response.headers["location"] == f"{BASE}/traqs/?notified=1"
        home = client.get(response.headers["location"])
        assert banner(home.text) == "Free NTF testing: day 1 of 30"
        assert "The NASDAQ test team was notified" in home.text and 'id="notify-test-team"' not in home.text
        assert 'id="ntf-window-status">Day 1 of 30<' in home.text
        assert banner(client.get("/traqs/api-access").text) == "Free NTF testing: day 1 of 30"
        assert banner(client.get("/app/UserHome").text) == "Free NTF testing: day 1 of 30"
        assert banner(client.get("/login/login.htm").text) == "Free NTF testing: day 1 of 30"  # the session's user
        [window] = client.get("/_mock/ntf-window").json()["windows"]
        assert window["scope"] == "user" and window["login"] == ANALYST and window["notifiedBy"] == ANALYST
        assert window["startedAt"] == "2026-03-02T14:30:05.000Z" and window["endsAt"] == "2026-04-01T04:00:00.000Z"
        client.cookies.clear()  # nobody signed in: the sign-in page knows no firm
        assert banner(client.get("/login/login.htm").text) is None


def test_days_are_calendar_days_on_the_mock_clock_and_day_31_has_ended() -> None:
    with trainer_client() as client:
        sign_in(client, ANALYST)
        _notify(client)
        client.post("/_mock/clock", json={"advance": 15 * 3600})  # 00:30 the next day in New York
        sign_in(client, ANALYST)
        assert _banners(client) == ("Free NTF testing: day 2 of 30",) * 2
        advance_days(client, 28)
        sign_in(client, ANALYST)
        assert _banners(client) == ("Free NTF testing: day 30 of 30",) * 2
        advance_days(client, 1)
        sign_in(client, ANALYST)
        assert _banners(client) == (ENDED, ENDED)
        home = client.get("/traqs/")
        assert "The free period has ended; NTF fees apply." in home.text
        window = client.get("/_mock/ntf-window", params={"login": ANALYST}).json()
        assert window["day"] == 31 and window["status"] == "ended" and window["banner"] == ENDED


def test_notifying_again_keeps_the_running_window() -> None:
    with trainer_client() as client:
        sign_in(client, ANALYST)
        _notify(client)
        advance_days(client, 3)
        sign_in(client, ANALYST)
        assert _notify(client).status_code == 303
        assert banner(client.get("/traqs/").text) == "Free NTF testing: day 4 of 30"


def test_the_window_belongs_to_the_firm() -> None:
    with trainer_client() as client:
        started = client.post("/_mock/ntf-window", json={"firm": "  example securities   llc "})
        assert started.status_code == 201
        body = started.json()
        assert body["scope"] == "firm" and body["day"] == 1 and body["notifiedBy"] == "control plane"
        sign_in(client, ADMIN)
        assert banner(client.get("/traqs/").text) == "Free NTF testing: day 1 of 30"
        assert "(firm example securities llc)" in client.get("/traqs/").text  # the name as the control plane wrote it
        sign_in(client, ANALYST)  # no firm: a window of their own, not started
        assert _banners(client) == (None, None)
        assert client.get("/_mock/ntf-window", params={"login": ADMIN}).json()["firm"] == "example securities llc"
        assert client.get("/_mock/ntf-window", params={"firm": ADMIN_FIRM}).json()["firm"] == "example securities llc"


def test_control_plane_starts_restarts_reads_and_removes_windows() -> None:
    with trainer_client() as client:
        first = client.post("/_mock/ntf-window", json={"login": ANALYST, "startedAt": "2026-02-01T15:00:00Z"})
        assert first.status_code == 201 and first.json()["day"] == 30 and first.json()["status"] == "free"
        assert client.post("/_mock/ntf-window", json={"login": ANALYST, "startedAt": "2026-01-31T15:00:00Z"}).json()["day"] == 31
        again = client.post("/_mock/ntf-window", json={"login": ANALYST})
        assert again.status_code == 200 and again.json()["day"] == 1
        client.post("/_mock/ntf-window", json={"firm": ADMIN_FIRM})
        assert [w["scope"] for w in client.get("/_mock/ntf-window").json()["windows"]] == ["user", "firm"]
        assert client.get("/_mock/ntf-window", params={"firm": ADMIN_FIRM.upper()}).json()["firm"] == ADMIN_FIRM
        assert client.delete("/_mock/ntf-window", params={"login": ANALYST}).status_code == 204
        assert client.get("/_mock/ntf-window", params={"login": ANALYST}).status_code == 404
        assert client.delete("/_mock/ntf-window", params={"login": ANALYST}).status_code == 404
        for bad in ({}, {"firm": "A", "login": ANALYST}, {"firm": "A", "startedAt": "yesterday"}, {"firm": "A", "extra": 1}):
            response = client.post("/_mock/ntf-window", json=bad)
            assert response.status_code == 400 and response.json()["message"], bad
        unknown = client.post("/_mock/ntf-window", json={"login": "nobody@example.com"})
        assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
        assert client.get("/_mock/ntf-window", params={"firm": "A", "login": ANALYST}).status_code == 400
        client.post("/_mock/reset")
        assert client.get("/_mock/ntf-window").json() == {"windows": []}


def test_the_control_plane_needs_the_admin_token_when_one_is_set() -> None:
    with trainer_client(admin_token="s3cret") as client:
        assert client.get("/_mock/ntf-window").status_code == 401
        assert client.post("/_mock/ntf-window", json={"firm": "A"}).status_code == 401
        assert client.post("/_mock/ntf-window", json={"firm": "A"}, headers={"X-Mock-Token": "s3cret"}).status_code == 201


def _access_token(client: TestClient) -> tuple[str, str]:
    """Through TRAQS: generate a refresh token, exchange it for an access token."""
    page = client.get("/traqs/api-access")
    shown = client.post("/traqs/api-access/tokens", data={"csrf": csrf(page.text), "label": "ntf"})
    refresh = re.search(r'id="new-refresh-token">([^<]+)<', shown.text).group(1)
    return _exchange(client, refresh), refresh


def _exchange(client: TestClient, refresh: str) -> str:
    response = client.post(
        "/oauth2/default/v1/token", data={"grant_type": "refresh_token", "client_id": "traqs-api", "refresh_token": refresh}
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def _download(client: TestClient, access: str) -> object:
    return client.get(DOWNLOAD, headers={"Authorization": f"Bearer {access}"})


def test_with_enforcement_downloads_stop_after_the_free_period() -> None:
    with trainer_client(ntf_window_enforce=True, refdata_scale=0.02) as client:
        sign_in(client, ANALYST)
        access, refresh = _access_token(client)
        assert _download(client, access).status_code == 200  # nobody notified: not refused
        _notify(client)
        advance_days(client, 29)
        access = _exchange(client, refresh)
        assert _download(client, access).status_code == 200  # day 30
        advance_days(client, 1)
        access = _exchange(client, refresh)
        refused = _download(client, access)
        assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/plain")
        assert refused.text.startswith("Error 403: The free NTF testing period of trace.analyst@example.com has ended")
        assert "NTF fees apply" in refused.text and "2026-03-31" in refused.text
        client.post("/_mock/ntf-window", json={"login": ANALYST})  # a trainer restarts it
        assert _download(client, access).status_code == 200


def test_enforcement_covers_the_legacy_host() -> None:
    with trainer_client(ntf_window_enforce=True, legacy_allow_plain_http=True, refdata_scale=0.02) as client:
        basic = base64.b64encode(f"{ANALYST}:{PASSWORD}".encode()).decode()
        legacy = "/download/DownloadHandler.ashx?action=DOWNLOAD&facility=TRACE&file=CAMASTER"
        assert client.get(legacy, headers={"Authorization": f"Basic {basic}"}).status_code == 200
        client.post("/_mock/ntf-window", json={"login": ANALYST, "startedAt": "2026-01-01T15:00:00Z"})
        refused = client.get(legacy, headers={"Authorization": f"Basic {basic}"})
        assert refused.status_code == 403 and "NTF fees apply" in refused.text


def test_without_enforcement_downloads_go_on_after_the_free_period() -> None:
    with trainer_client(refdata_scale=0.02) as client:
        sign_in(client, ANALYST)
        access, _ = _access_token(client)
        client.post("/_mock/ntf-window", json={"login": ANALYST, "startedAt": "2026-01-01T15:00:00Z"})
        assert client.get("/_mock/ntf-window", params={"login": ANALYST}).json()["status"] == "ended"
        assert _download(client, access).status_code == 200
