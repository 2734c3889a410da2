"""The factor kind protocol: a push-like kind (domain) with its classic view (wire), added without touching the
authn transactions, works end to end (WAITING + poll, `resend` arrays, activation poll, number challenge,
policy info, provisioning)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mockfinra.identity.classic import factor_views
from mockfinra.identity.core import factors as registry
from mockfinra.identity.core.factors import FactorKind, FactorOutcome, challenging, register, unregister
from tests.authn_support import BASE, app_client, make_user, sign_in, state

AUTHN = "/api/v1/authn/factors"


class FakePush(FactorKind):
    factor_type = "mock:push"
    providers = ("MOCK",)
    id_prefixes = {"MOCK": "mpf"}
    amr = "swk"
    answer_field = None

    def enroll(self, ctx, db, user, provider, given):
        factor = self.new_factor(ctx, user, provider, "PENDING_ACTIVATION")
        factor.profile = {"deviceName": given.profile.get("deviceName", "phone")}
        factor.data = {"polls": 0}
        db.add(factor)
        return factor

    def start_activation(self, ctx, db, txn, factor, given):
        return FactorOutcome.challenge("WAITING")

    def poll_activation(self, ctx, db, txn, factor, given):
        factor.data["polls"] = factor.data.get("polls", 0) + 1
        return FactorOutcome.success() if factor.data["polls"] >= 2 else FactorOutcome.challenge("WAITING")

    def verify(self, ctx, db, txn, factor, given):
        if not challenging(txn, factor):
            return FactorOutcome.challenge("WAITING")
        if factor.data.get("policy") == "deny":
            return FactorOutcome.challenge("REJECTED")
        return FactorOutcome.success()

    def resend_challenge(self, ctx, db, txn, factor, given):
        return FactorOutcome.challenge("WAITING")

    def provision(self, ctx, db, user, spec: dict[str, Any], hash_cost):
        factor = self.new_factor(ctx, user, "MOCK", "ACTIVE")
        factor.data = {"policy": spec.get("pushPolicy", "approve")}
        db.add(factor)
        return factor, {"pushPolicy": factor.data["policy"]}


class FakePushView(factor_views.FactorView):
    factor_type = "mock:push"

    def activation_payload(self, ctx, links, factor):
        return {"factorResult": "WAITING"}

    def activation_links(self, links, txn, factor):
        return {"next": links.hal(f"{AUTHN}/{factor.id}/lifecycle/activate/poll", name="poll")}

    def challenge_links(self, links, txn, factor):
        verify = f"{AUTHN}/{factor.id}/verify"
        name = "poll" if txn.factor_result == "WAITING" else "verify"
        return {"next": links.hal(verify, name=name), "resend": [links.hal(f"{verify}/resend", name="push")]}

    def challenge_embedded(self, ctx, txn, factor):
        return {"challenge": {"correctAnswer": 42}}

    def policy_info(self, factor):
        return {"autoPushEnabled": False}


@pytest.fixture
def fake_push() -> Iterator[None]:
    register(FakePush)
    factor_views.register_view(FakePushView())
    try:
        yield
    finally:
        unregister(FakePush)
        factor_views.unregister_view(FakePush.factor_type)


def test_registry_knows_the_built_in_factors() -> None:
    kinds = {(k.factor_type, provider) for k in registry.all_kinds() for provider in k.providers}
    assert {("question", "OKTA"), ("token:software:totp", "GOOGLE"), ("token:software:totp", "OKTA")} <= kinds
    assert registry.kind_for("TOKEN:SOFTWARE:TOTP", "okta").id_prefixes["OKTA"] == "ost"
    assert registry.kind_for("question", "GOOGLE") is None


def test_push_like_enrollment_polls_until_activated(fake_push: None) -> None:
    with app_client(enroll_question_required=False) as client:
        login = make_user(client, [])["user"]["login"]
        tx = sign_in(client, login).json()
        entry = next(f for f in tx["_embedded"]["factors"] if f["factorType"] == "mock:push")
        pending = client.post(
            entry["_links"]["enroll"]["href"],
            json={"stateToken": tx["stateToken"], "factorType": "mock:push", "provider": "MOCK"},
        ).json()
        assert pending["status"] == "MFA_ENROLL_ACTIVATE" and pending["factorResult"] == "WAITING"
        assert pending["_embedded"]["factor"]["_embedded"]["activation"] == {"factorResult": "WAITING"}
        poll = pending["_links"]["next"]
        assert poll["name"] == "poll" and poll["href"].endswith("/lifecycle/activate/poll")
        first = client.post(poll["href"], json={"stateToken": tx["stateToken"]}).json()
        assert first["status"] == "MFA_ENROLL_ACTIVATE" and first["factorResult"] == "WAITING"
        second = client.post(poll["href"], json={"stateToken": tx["stateToken"]}).json()
        assert second["status"] == "SUCCESS"
        assert "swk" in state(client)["sessionTokens"][0]["amr"]


@pytest.mark.parametrize("policy, final", [("approve", "SUCCESS"), ("deny", "MFA_CHALLENGE")])
def test_push_like_verification_waits_then_resolves(fake_push: None, policy: str, final: str) -> None:
    with app_client() as client:
        created = make_user(client, [{"factorType": "mock:push", "provider": "MOCK", "pushPolicy": policy}])
        assert created["factors"][0]["pushPolicy"] == policy and created["factors"][0]["id"].startswith("mpf")
        tx = sign_in(client, created["user"]["login"]).json()
        fid = created["factors"][0]["id"]
        assert tx["_embedded"]["policy"]["factorsPolicyInfo"] == {fid: {"autoPushEnabled": False}}
        verify = tx["_embedded"]["factors"][0]["_links"]["verify"]["href"]
        waiting = client.post(
            verify + "?autoPush=true&rememberDevice=false", json={"stateToken": tx["stateToken"]}
        ).json()
        assert waiting["status"] == "MFA_CHALLENGE" and waiting["factorResult"] == "WAITING"
        assert waiting["_links"]["next"] == {"name": "poll", "href": verify, "hints": {"allow": ["POST"]}}
        assert waiting["_links"]["resend"] == [
            {"name": "push", "href": f"{BASE}{AUTHN}/{fid}/verify/resend", "hints": {"allow": ["POST"]}}
        ]
        assert waiting["_embedded"]["factor"]["_embedded"] == {"challenge": {"correctAnswer": 42}}
        resent = client.post(
            waiting["_links"]["resend"][0]["href"], json={"stateToken": tx["stateToken"]}
        ).json()
        assert resent["factorResult"] == "WAITING"
        result = client.post(waiting["_links"]["next"]["href"], json={"stateToken": tx["stateToken"]}).json()
        assert result["status"] == final
        if final == "MFA_CHALLENGE":
            assert result["factorResult"] == "REJECTED" and result["_links"]["next"]["name"] == "verify"


def test_unknown_factor_types_are_400_and_create_nothing() -> None:
    with app_client() as client:
        unknown = client.post(
            "/_mock/users",
            json={
                "login": "u.x@example.com",
                "password": "Ntf-Demo-2026",
                "factors": [{"factorType": "carrier-pigeon"}],
            },
        )
        assert unknown.status_code == 400 and "factorType" in unknown.json()["message"]
        assert [u["login"] for u in state(client)["users"] if u["login"].endswith(".x@example.com")] == []
