"""The mock FINRA Order Form at /traqs/order-form: administrators only, HTML validation errors, a PROVISIONED
user and its invitation email, the request list's statuses (invited, active, expired invitation), resend."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from tests.traqs_support import (
    ADMIN,
    ADMIN_FIRM,
    BASE,
    PASSWORD,
    advance_days,
    csrf,
    emails_to,
    sign_in,
    trainer_client,
)

NEW = "new.person@example.com"
NEW_PASSWORD = "Fresh-Start-2026"


def _form(page_html: str, **fields: object) -> dict[str, object]:
    values: dict[str, object] = {
        "csrf": csrf(page_html),
        "first_name": "New",
        "last_name": "Person",
        "email": NEW,
        "firm": ADMIN_FIRM,
        "products": ["TRACE", "ORF"],
        "access": ["WEB", "API"],
    }
    values.update(fields)
    return values


def _request(client: TestClient, **fields: object) -> object:
    page = client.get("/traqs/order-form")
    return client.post("/traqs/order-form", data=_form(page.text, **fields), follow_redirects=False)


def _statuses(html: str) -> dict[str, str]:
    """login → status key of each row of the request list."""
    rows = re.findall(r'<tr id="order-[^"]+" data-login="([^"]+)">.*?data-status="([^"]+)"', html, re.S)
    return dict(rows)


def _user(client: TestClient, login: str) -> dict:
    response = client.get(f"/api/v1/users/{login}")
    assert response.status_code == 200, response.text
    return response.json()


def test_the_seeded_administrator_carries_the_flag_and_a_firm() -> None:
    with trainer_client() as client:
        profile = _user(client, ADMIN)["profile"]
        assert profile["orderFormAdmin"] is True and profile["organization"] == ADMIN_FIRM
        assert "orderFormAdmin" not in _user(client, "trace.analyst@example.com")["profile"]


def test_without_a_session_the_form_asks_to_sign_in() -> None:
    with trainer_client() as client:
        response = client.get("/traqs/order-form", follow_redirects=False)
        assert response.status_code == 302
        assert response.headers["location"].startswith(f"{BASE}/login/login.htm?fromURI=")


def test_a_user_who_is_not_an_administrator_gets_a_refusal_page() -> None:
    with trainer_client() as client:
        sign_in(client, "trace.analyst@example.com")
        home = client.get("/traqs/")
        assert "nav-order-form" not in home.text and "go-order-form" not in home.text
        page = client.get("/traqs/order-form")
        assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
        assert "Only your firm's administrator can request users" in page.text
        assert "trace.analyst@example.com" in page.text and 'name="first_name"' not in page.text
        posted = client.post("/traqs/order-form", data=_form(home.text), follow_redirects=False)
        assert posted.status_code == 403 and "Only your firm" in posted.text
        assert client.get(f"/api/v1/users/{NEW}").status_code == 404
        assert emails_to(client, NEW) == []


def test_the_administrator_sees_the_form_with_the_firm_filled_in() -> None:
    with trainer_client() as client:
        sign_in(client, ADMIN)
        home = client.get("/traqs/")
        assert 'id="nav-order-form"' in home.text and f'href="{BASE}/traqs/order-form"' in home.text
        page = client.get("/traqs/order-form")
        assert page.status_code == 200
        assert f'name="firm" value="{ADMIN_FIRM}"' in page.text
        for product in ("TRACE", "ADF", "ORF", "TRF"):
            assert f'name="products" value="{product}"' in page.text
        assert 'name="access" value="WEB"' in page.text and 'name="access" value="API"' in page.text
        assert "No users requested yet." in page.text


def test_validation_errors_are_an_html_message_and_create_nothing() -> None:
    with trainer_client() as client:
        sign_in(client, ADMIN)
        empty = _request(client, first_name="", last_name="  ", email="not-an-email", firm="", products=[], access=[])
        assert empty.status_code == 400 and empty.headers["content-type"].startswith("text/html")
        errors = re.search(r'id="order-errors">(.*?)</div>', empty.text, re.S).group(1)
        for text in ("First name is required.", "Last name is required.", "is not an email address", "Firm is required.",
                     "Choose at least one product", "Choose web access, API access or both."):
            assert text in errors, text
        assert 'value="not-an-email"' in empty.text  # what was typed is kept
        unknown = _request(client, products=["TRACE", "NASDAQ"])
        assert unknown.status_code == 400 and "Unknown product NASDAQ" in unknown.text
        taken = _request(client, email="Trace.Analyst@example.com")
        assert taken.status_code == 400 and "A user with the email Trace.Analyst@example.com already exists." in taken.text
        forged = client.post("/traqs/order-form", data={**_form(client.get("/traqs/order-form").text), "csrf": "forged"})
        assert forged.status_code == 403 and "CSRF" in forged.text
        assert client.get(f"/api/v1/users/{NEW}").status_code == 404
        assert emails_to(client, NEW) == []


def test_a_request_creates_a_provisioned_user_and_emails_the_invitation() -> None:
    with trainer_client() as client:
        sign_in(client, ADMIN)
        response = _request(client)
        assert response.status_code == 303
        location = response.headers["location"]
        assert location.startswith(f"{BASE}/traqs/order-form?requested=ord")
        user = _user(client, NEW)
        assert user["status"] == "PROVISIONED"
        profile = user["profile"]
        assert profile["entitlements"] == ["TRACE", "ORF"] and profile["firstName"] == "New"
        assert profile["organization"] == ADMIN_FIRM and profile["traqsAccess"] == ["WEB", "API"]
        assert "orderFormAdmin" not in profile
        [email] = emails_to(client, NEW)
        assert email["subject"] and email["meta"]["kind"] == "activation"
        link = urlsplit(email["link"])
        assert f"{link.scheme}://{link.netloc}" == BASE and link.path.startswith("/welcome/")
        assert client.get(link.path).status_code == 200
        page = client.get(location)
        assert f"The invitation to {NEW} was sent." in page.text
        assert _statuses(page.text) == {NEW: "invited"}
        assert "link valid until 2026-03-09 14:30 UTC" in page.text and "by order.admin@<wbr>example.com" in page.text  # may break after @
        assert "Resend invitation" in page.text
        # the same request again: the user exists now
        assert _request(client).status_code == 400


def test_the_list_follows_the_user_from_invited_to_active() -> None:
    with trainer_client() as client:
        sign_in(client, ADMIN)
        _request(client)
        token = emails_to(client, NEW)[0]["link"].rsplit("/", 1)[1]
        reset = client.post("/api/v1/authn", json={"token": token}).json()
        assert reset["status"] == "PASSWORD_RESET"
        enroll = client.post(reset["_links"]["next"]["href"], json={"stateToken": reset["stateToken"], "newPassword": NEW_PASSWORD})
        assert enroll.json()["status"] == "MFA_ENROLL"
        page = client.get("/traqs/order-form")
        assert _statuses(page.text) == {NEW: "active"}
        assert "Resend invitation" not in page.text
        order_id = re.search(r'<tr id="order-([^"]+)"', page.text).group(1)
        again = client.post(f"/traqs/order-form/requests/{order_id}/resend", data={"csrf": csrf(page.text)})
        assert again.status_code == 409 and "only a pending invitation can be sent again" in again.text
        assert len(emails_to(client, NEW)) == 1


def test_an_invitation_expires_after_seven_days_and_resend_issues_a_new_link() -> None:
    with trainer_client() as client:
        sign_in(client, ADMIN)
        _request(client)
        old_token = emails_to(client, NEW)[0]["link"].rsplit("/", 1)[1]
        advance_days(client, 7)
        client.post("/_mock/clock", json={"advance": 1})
        sign_in(client, ADMIN)  # the first session (2 hours) ended long ago
        page = client.get("/traqs/order-form")
        assert _statuses(page.text) == {NEW: "expired"} and "expired invitation" in page.text
        assert client.post("/api/v1/authn", json={"token": old_token}).status_code == 401
        order_id = re.search(r'<tr id="order-([^"]+)"', page.text).group(1)
        resent = client.post(f"/traqs/order-form/requests/{order_id}/resend", data={"csrf": csrf(page.text)}, follow_redirects=False)
        assert resent.status_code == 303 and resent.headers["location"] == f"{BASE}/traqs/order-form?resent={order_id}"
        newest, first = emails_to(client, NEW)
        new_token = newest["link"].rsplit("/", 1)[1]
        assert new_token != old_token and first["link"].endswith(old_token)
        after = client.get(resent.headers["location"])
        assert f"The invitation to {NEW} was sent again." in after.text
        assert _statuses(after.text) == {NEW: "invited"} and "2 invitations sent" in after.text
        assert client.post("/api/v1/authn", json={"token": old_token}).status_code == 401
        assert client.post("/api/v1/authn", json={"token": new_token}).json()["status"] == "PASSWORD_RESET"


def test_resend_while_invited_stops_the_old_link() -> None:
    with trainer_client() as client:
        sign_in(client, ADMIN)
        _request(client)
        old_token = emails_to(client, NEW)[0]["link"].rsplit("/", 1)[1]
        page = client.get("/traqs/order-form")
        order_id = re.search(r'<tr id="order-([^"]+)"', page.text).group(1)
        forged = client.post(f"/traqs/order-form/requests/{order_id}/resend", data={"csrf": "nope"})
        assert forged.status_code == 403 and len(emails_to(client, NEW)) == 1
        client.post(f"/traqs/order-form/requests/{order_id}/resend", data={"csrf": csrf(page.text)})
        assert len(emails_to(client, NEW)) == 2
        assert client.post("/api/v1/authn", json={"token": old_token}).status_code == 401
        unknown = client.post("/traqs/order-form/requests/ordNOPE/resend", data={"csrf": csrf(page.text)})
        assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("text/html")


def test_each_firm_sees_its_own_requests(tmp_path: Path) -> None:
    seed = tmp_path / "seed.toml"
    seed.write_text(
        "".join(
            f"""
[[users]]
login = "{login}"
password = "{PASSWORD}"
firstName = "Firm"
lastName = "Admin"
  [users.profile]
  organization = "{firm}"
  orderFormAdmin = true
  [[users.factors]]
  factorType = "question"
  question = "disliked_food"
  answer = "spinach"
"""
            for login, firm in (("a.admin@example.com", "Alpha Securities"), ("b.admin@example.com", "Beta Brokers"))
        ),
        encoding="utf-8",
    )
    with trainer_client(seed=seed) as client:
        sign_in(client, "a.admin@example.com", "spinach")
        page = client.get("/traqs/order-form")
        assert 'name="firm" value="Alpha Securities"' in page.text
        assert _request(client, firm="Alpha Securities").status_code == 303
        sign_in(client, "b.admin@example.com", "spinach")
        page = client.get("/traqs/order-form")
        assert _statuses(page.text) == {} and "No users requested yet." in page.text
        assert _user(client, NEW)["profile"]["organization"] == "Alpha Securities"


def test_a_bad_seed_profile_is_reported(tmp_path: Path) -> None:
    from mockfinra.seed import SeedError, read_seed

    seed = tmp_path / "seed.toml"
    seed.write_text('[[users]]\nlogin = "x.y@example.com"\npassword = "Ntf-Demo-2026"\nprofile = {orderFormAdmin = 3}\n', encoding="utf-8")
    try:
        read_seed(seed)
    except SeedError as error:
        assert "users[0]" in str(error) and "profile" in str(error)
    else:
        raise AssertionError("a profile value that is a number must be refused")
