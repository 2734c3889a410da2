"""The push control plane: listing and filtering, 404 / 409 / 400 answers, the admin token, provisioning."""

from __future__ import annotations

from tests.authn_support import (
    app_client,
    make_user,
    mock_now,
    sign_in,
    stable_state,
    totp,
)
from tests.phone_support import push, verify


def test_unknown_push_and_enrollment_are_404_json() -> None:
    with app_client() as client:
        before = stable_state(client)
        for method, path in (
            ("get", "/_mock/push/pshNoSuchPush"),
            ("post", "/_mock/push/pshNoSuchPush/approve"),
            ("post", "/_mock/push/pshNoSuchPush/deny"),
            ("post", "/_mock/push/enrollments/opfNoSuchFactor/activate"),
        ):
            response = getattr(client, method)(path)
            assert response.status_code == 404, path
            assert response.json()["error"] == "not_found" and response.json()["message"]
        assert stable_state(client) == before


def test_answering_a_push_twice_is_409_and_changes_nothing() -> None:
    with app_client() as client:
        login = make_user(client, [push()])["user"]["login"]
        tx = sign_in(client, login).json()
        verify(client, tx, "push")
        [sent] = client.get("/_mock/push").json()
        assert client.post(f"/_mock/push/{sent['id']}/deny").status_code == 200
        for action in ("approve", "deny"):
            conflict = client.post(f"/_mock/push/{sent['id']}/{action}")
            assert conflict.status_code == 409 and conflict.json()["error"] == "conflict"
            assert "REJECTED" in conflict.json()["message"]
        assert client.get(f"/_mock/push/{sent['id']}").json()["status"] == "REJECTED"


def test_bad_approval_bodies_are_400() -> None:
    with app_client() as client:
        login = make_user(client, [push()])["user"]["login"]
        verify(client, sign_in(client, login).json(), "push")
        [sent] = client.get("/_mock/push").json()
        for body in ('{"answer": [1]}', '{"nope": 1}', "not json"):
            response = client.post(
                f"/_mock/push/{sent['id']}/approve", content=body, headers={"content-type": "application/json"}
            )
            assert response.status_code == 400, body
        assert client.get(f"/_mock/push/{sent['id']}").json()["status"] == "PENDING"


def test_list_filters_by_login_and_status() -> None:
    with app_client() as client:
        first = make_user(client, [push()])["user"]["login"]
        second = make_user(client, [push()])["user"]["login"]
        for login in (first, second):
            verify(client, sign_in(client, login).json(), "push")
        assert len(client.get("/_mock/push").json()) == 2
        [mine] = client.get("/_mock/push", params={"login": first.upper()}).json()
        assert mine["login"] == first
        client.post(f"/_mock/push/{mine['id']}/approve")
        assert [p["login"] for p in client.get("/_mock/push").json()] == [second]
        assert [p["id"] for p in client.get("/_mock/push", params={"status": "APPROVED"}).json()] == [mine["id"]]
        assert len(client.get("/_mock/push", params={"status": "ALL"}).json()) == 2
        assert client.get("/_mock/push", params={"status": "maybe"}).status_code == 400


def test_the_admin_token_guards_the_push_control_plane() -> None:
    with app_client(admin_token="s3cret") as client:
        assert client.get("/_mock/push").status_code == 401
        assert client.post("/_mock/push/pshX/approve").status_code == 401
        assert client.get("/_mock/push/enrollments").status_code == 401
        assert client.get("/_mock/phone/users").status_code == 401
        assert client.get("/_mock/push", headers={"X-Mock-Token": "s3cret"}).status_code == 200
        assert client.get("/_mock/push/enrollments", headers={"Authorization": "SSWS s3cret"}).status_code == 200


def test_provisioning_push_with_its_okta_verify_totp() -> None:
    with app_client() as client:
        secret = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"
        created = make_user(client, [{"factorType": "push", "pushPolicy": "DENY", "sharedSecret": secret}])
        [factor] = created["factors"]
        assert factor["id"].startswith("opf") and factor["pushPolicy"] == "deny" and factor["sharedSecret"] == secret
        assert factor["profile"]["deviceType"] == "SmartPhone_IPhone"
        assert factor["totpFactorId"].startswith("ost") and factor["otpauthUri"].startswith("otpauth://totp/")
        login = created["user"]["login"]
        code = client.get(f"/_mock/users/{login}/totp", params={"provider": "OKTA"}).json()["code"]
        assert code == totp(secret, mock_now(client))
        # an existing Okta Verify TOTP factor is reused
        reused = make_user(
            client,
            [{"factorType": "token:software:totp", "provider": "OKTA", "sharedSecret": secret}, {"factorType": "push"}],
        )
        assert reused["factors"][1]["totpFactorId"] == reused["factors"][0]["id"]
        assert reused["factors"][1]["sharedSecret"] == secret


def test_bad_push_specs_are_refused_and_create_nothing() -> None:
    with app_client() as client:
        before = stable_state(client)
        for factors in (
            [{"factorType": "push", "pushPolicy": "sometimes"}],
            [{"factorType": "push", "sharedSecret": "not base32!"}],
            [{"factorType": "push"}, {"factorType": "push"}],
            [
                {"factorType": "token:software:totp", "provider": "OKTA", "sharedSecret": "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"},
                {"factorType": "push", "sharedSecret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"},
            ],
        ):
            response = client.post(
                "/_mock/users", json={"login": "bad.push@example.com", "password": "Ntf-Demo-2026", "factors": factors}
            )
            assert response.status_code == 400, (factors, response.text)
            assert "factors" in response.json()["message"]
        assert stable_state(client) == before
