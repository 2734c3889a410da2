"""gimme-aws-creds 2.8.2's Okta classic client against a live mockfinra, in its own venv
(`tests/compat/.venv-gimme`, pinned in gimme-requirements.txt: it needs okta 2.x and urllib3 1.x, which the
test environment does not have). `python gimme_scenario.py <orgUrl> <login> <password>`; one JSON object per
step on stdout. tests/test_compat_gimme_aws_creds.py asserts on the steps.

It is the path `force_classic = True` takes: /api/v1/authn with the password, the TOTP factor chosen by type
(the code read from the mock's control plane, as an authenticator app would show it), then its OIDC step
(implicit `id_token token` from `/oauth2/default/v1/authorize` with the sessionToken) and its session step
(`/login/sessionCookieRedirect`, reading the `sid` and `DT` cookies).
"""

from __future__ import annotations

import json
import sys

import requests
from gimme_aws_creds import errors, ui
from gimme_aws_creds.okta_classic import OktaClassicClient


class ScriptedUI(ui.UserInterface):
    """No terminal: messages are collected, any question is a failure (the scenario answers everything)."""

    def __init__(self) -> None:
        super().__init__(environ={}, argv=["gimme-aws-creds"])
        self.lines: list[str] = []

    def result(self, result: str) -> None:
        self.lines.append(result)

    def prompt(self, message: str | None = None) -> None:
        raise SystemExit(f"gimme-aws-creds asked: {message}")

    def message(self, message: str) -> None:
        self.lines.append(message)

    def read_input(self, hidden: bool = False) -> str:
        raise SystemExit("gimme-aws-creds wanted input")

    def notify(self, message: str) -> None:
        self.lines.append(message)


def step(name: str, **data: object) -> None:
    print(json.dumps({"step": name, **data}), flush=True)


def client(org: str, login: str, password: str, code: str | None) -> tuple[OktaClassicClient, ScriptedUI]:
    the_ui = ScriptedUI()
    okta = OktaClassicClient(the_ui, org, verify_ssl_certs=True, use_keyring=False)
    okta.set_username(login)
    okta.set_password(password)
    okta.set_preferred_mfa_type("token:software:totp")
    okta.set_mfa_code(code)
    okta.set_remember_device(False)
    return okta, the_ui


def main() -> None:
    org, login, password = sys.argv[1:4]

    def code_now() -> str:
        return requests.get(f"{org}/_mock/users/{login}/totp", timeout=10).json()["code"]

    okta, the_ui = client(org, login, password, code_now())
    tokens = okta.auth_oauth("traqs-implicit", authorization_server="default", access_token=True, id_token=True)
    step("oauth", tokens=sorted(tokens), access_token=tokens.get("access_token"), messages=the_ui.lines)

    requests.post(f"{org}/_mock/clock", json={"advance": 30}, timeout=10)  # a new TOTP step for a new code
    okta, _ = client(org, login, password, code_now())
    session = okta.auth_session()
    step("session", username=session["username"], sid=bool(session["session"]), dt=bool(session["device_token"]))

    okta, _ = client(org, login, password + "-wrong", None)
    try:
        okta.auth()
    except (errors.GimmeAWSCredsError, SystemExit) as error:
        step("wrong-password", refused=True, message=str(error))
    else:
        step("wrong-password", refused=False)
    step("done")


if __name__ == "__main__":
    main()
