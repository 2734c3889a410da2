"""The virtual phone page: it renders offline (no CDN), its assets are served, and its data endpoint."""

from __future__ import annotations

import re
from pathlib import Path

from mockfinra.settings import Settings
from tests.authn_support import BASE, app_client, make_user
from tests.phone_support import call, push, sms

SEED = Path(__file__).resolve().parents[1] / "data" / "seed.toml"


def test_the_page_renders_for_a_user() -> None:
    with app_client() as client:
        page = client.get("/_mock/phone", params={"login": "adf.operator@example.com"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        html = page.text
        assert 'id="phone-app"' in html and 'data-login="adf.operator@example.com"' in html
        assert f'data-mock="{BASE}/_mock"' in html and 'data-admin-required="false"' in html
        for section in ("push-list", "enrollment-list", "code-list", "message-list", "token-form"):
            assert f'id="{section}"' in html
        # everything it loads comes from the mock itself (works offline)
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert url.startswith((BASE, "#", "data:")), url
        for asset in ("/static/phone.js", "/static/phone.css"):
            response = client.get(asset)
            assert response.status_code == 200 and len(response.content) > 1000, asset
        assert "X-Mock-Token" in client.get("/static/phone.js").text
        assert "/messages/stream" in client.get("/static/phone.js").text


def test_the_page_escapes_the_login_and_works_without_one() -> None:
    with app_client() as client:
        page = client.get("/_mock/phone", params={"login": '"><script>alert(1)</script>'})
        assert page.status_code == 200 and "<script>alert(1)</script>" not in page.text
        assert client.get("/_mock/phone").status_code == 200


def test_with_an_admin_token_the_page_loads_and_asks_for_it() -> None:
    with app_client(admin_token="s3cret") as client:
        page = client.get("/_mock/phone")
        assert page.status_code == 200 and 'data-admin-required="true"' in page.text
        assert client.get("/_mock/phone/users").status_code == 401
        assert client.get("/_mock/phone/users", headers={"X-Mock-Token": "s3cret"}).status_code == 200


def test_the_devices_of_each_user() -> None:
    with app_client() as client:
        login = make_user(client, [sms("+1 202-555-0101"), call("+1 202-555-0101", "7"), push("approve")])["user"][
            "login"
        ]
        devices = {d["login"]: d for d in client.get("/_mock/phone/users").json()}
        device = devices[login]
        assert [(p["factorType"], p["phoneNumber"], p["display"], p["extension"]) for p in device["phones"]] == [
            ("sms", "+12025550101", "+1 202-555-0101", None),
            ("call", "+12025550101", "+1 202-555-0101", "7"),
        ]
        assert device["push"]["policy"] == "approve" and device["push"]["status"] == "ACTIVE"
        assert [t["provider"] for t in device["totp"]] == ["OKTA"]
        assert devices["solo.user@example.com"]["phones"] == [] and devices["solo.user@example.com"]["push"] is None


def test_the_seed_gives_the_demo_users_their_phones() -> None:
    with app_client(seed=SEED) as client:
        devices = {d["login"]: d for d in client.get("/_mock/phone/users").json()}
        assert [p["factorType"] for p in devices["adf.operator@example.com"]["phones"]] == ["sms"]
        assert [p["factorType"] for p in devices["trf.operator@example.com"]["phones"]] == ["call"]
        assert devices["orf.trader@example.com"]["push"]["status"] == "ACTIVE"
        assert [t["provider"] for t in devices["orf.trader@example.com"]["totp"]] == ["OKTA"]
        everything = devices["all.access@example.com"]
        assert {p["factorType"] for p in everything["phones"]} == {"sms", "call"}
        assert everything["push"] is not None
        assert {t["provider"] for t in everything["totp"]} == {"GOOGLE", "OKTA"}
        assert Settings.for_tests().seed == SEED
