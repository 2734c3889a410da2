"""Driving the Identity Engine (IDX) over HTTP as a client does: interact with PKCE, introspect, then one POST
per remediation, following the hrefs of each response."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from tests.authn_support import BASE

CLIENT_ID = "traqs-api"
REDIRECT = "http://127.0.0.1:7777/login/callback"
PASSWORD = "Ntf-Demo-2026"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@dataclass
class Idx:
    """One IDX sign-in: the last response (`body`), its status, and how to go on."""

    client: TestClient
    verifier: str = ""
    body: dict[str, Any] = field(default_factory=dict)
    status: int = 0

    @property
    def handle(self) -> str:
        return self.body["stateHandle"]

    def names(self) -> list[str]:
        return [r["name"] for r in self.body.get("remediation", {}).get("value", [])]

    def form(self, name: str) -> dict[str, Any]:
        for remediation in self.body.get("remediation", {}).get("value", []):
            if remediation["name"] == name:
                return remediation
        raise AssertionError(f"no {name} in {self.names()}: {self.body.get('messages')}")

    def obj(self, key: str) -> dict[str, Any]:
        return self.body[key]["value"]

    def messages(self) -> list[str]:
        return [m["i18n"]["key"] for m in self.body.get("messages", {}).get("value", [])]

    def post(self, href: str, **values: Any) -> "Idx":
        response = self.client.post(href, json={"stateHandle": self.body.get("stateHandle"), **values})
        self.status = response.status_code
        self.body = response.json()
        return self

    def submit(self, name: str, **values: Any) -> "Idx":
        """Post a remediation with its immutable fields (as every client sends them) and `values`."""
        form = self.form(name)
        fixed = {f["name"]: f["value"] for f in form["value"] if f.get("mutable") is False and "value" in f}
        fixed.pop("stateHandle", None)
        return self.post(form["href"], **{**fixed, **values})

    def action(self, key: str) -> "Idx":
        """A top-level action (`cancel`) or an object's action (`currentAuthenticator.recover`)."""
        if "." in key:
            holder, name = key.split(".")
            return self.post(self.obj(holder)[name]["href"])
        return self.post(self.body[key]["href"])

    def option_id(self, select: str, key: str) -> dict[str, Any]:
        """The immutable values of the `key` option of a select form's authenticator field."""
        field_ = next(f for f in self.form(select)["value"] if f["name"] == "authenticator")
        for option in field_["options"]:
            path = option["relatesTo"]
            holder, index = path.split(".")[1], int(path.split("[")[1].rstrip("]"))
            if self.obj(holder)[index]["key"] == key:
                return {f["name"]: f["value"] for f in option["value"]["form"]["value"] if f.get("mutable") is False}
        raise AssertionError(f"no {key} option in {select}")

    def select(self, key: str, select: str = "select-authenticator-authenticate", **extra: Any) -> "Idx":
        return self.submit(select, authenticator={**self.option_id(select, key), **extra})

    def tokens(self) -> dict[str, Any]:
        """Exchange the interaction code for tokens (the interaction_code grant with the PKCE verifier)."""
        code = next(v["value"] for v in self.body["successWithInteractionCode"]["value"] if v["name"] == "interaction_code")
        response = self.client.post(
            "/oauth2/default/v1/token",
            data={
                "grant_type": "interaction_code",
                "client_id": CLIENT_ID,
                "interaction_code": code,
                "code_verifier": self.verifier,
                "redirect_uri": REDIRECT,
            },
        )
        assert response.status_code == 200, response.text
        return response.json()


def start(client: TestClient, scope: str = "openid profile offline_access") -> Idx:
    verifier, challenge = pkce()
    response = client.post(
        "/oauth2/default/v1/interact",
        data={
            "client_id": CLIENT_ID,
            "scope": scope,
            "redirect_uri": REDIRECT,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": "st",
        },
    )
    assert response.status_code == 200, response.text
    idx = Idx(client, verifier)
    introspected = client.post("/idp/idx/introspect", json={"interactionHandle": response.json()["interaction_handle"]})
    idx.status, idx.body = introspected.status_code, introspected.json()
    return idx


def signed_in_with_password(client: TestClient, login: str, password: str = PASSWORD) -> Idx:
    idx = start(client)
    idx.submit("identify", identifier=login)
    return idx.submit("challenge-authenticator", credentials={"passcode": password})


__all__ = ["BASE", "Idx", "PASSWORD", "pkce", "signed_in_with_password", "start"]
