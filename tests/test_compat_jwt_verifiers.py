"""Okta's own JWT verifiers, pinned, against a live server: the Python `okta-jwt-verifier` and the Node
`@okta/jwt-verifier` (tests/compat/jwt-verifier.mjs, pinned in tests/compat/package-lock.json).

The Python verifier insists on an `https://` issuer, so the server runs TLS with a certificate from
`mockfinra certs init`, and the verifier trusts that CA (`REQUESTS_CA_BUNDLE`: its synchronous path uses
requests). It reads discovery and the JWKS over HTTP and verifies the access and ID tokens mockfinra issued;
it refuses a forged payload and a token for another audience, so a broken key set or claim fails here.
"""

from __future__ import annotations

import base64
import json
import shutil
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest
from okta_jwt_verifier import AccessTokenVerifier, IDTokenVerifier
from okta_jwt_verifier.exceptions import JWTValidationException
from typer.testing import CliRunner

from mockfinra.cli import app as cli
from mockfinra.testing import MockfinraServer
from tests.oidc_support import REDIRECT, authorize_params, pkce, settings
from tests.test_oidc_authlib import _session_token

pytestmark = pytest.mark.compat

COMPAT_DIR = Path(__file__).parent / "compat"


def _tokens(server: MockfinraServer, http: httpx.Client) -> dict[str, str]:
    verifier, challenge = pkce()
    params = authorize_params(challenge, sessionToken=_session_token(server))
    redirected = http.get(f"{server.url}/oauth2/default/v1/authorize", params=params, follow_redirects=False)
    assert redirected.status_code == 302, redirected.text
    code = httpx.URL(redirected.headers["location"]).params["code"]
    form = {
        "grant_type": "authorization_code", "client_id": "traqs-api", "code": code, "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    response = http.post(f"{server.url}/oauth2/default/v1/token", data=form)
    assert response.status_code == 200, response.text
    return response.json()


def _forged(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone.else@example.com"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_okta_jwt_verifier_accepts_the_tokens_and_refuses_forgeries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(cli, ["certs", "init", "--dir", str(tmp_path)]).exit_code == 0
    ca = str(tmp_path / "ca.pem")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca)
    tls = settings(tls_cert=tmp_path / "server.pem", tls_key=tmp_path / "server-key.pem")
    with MockfinraServer(tls) as server, httpx.Client(verify=ssl.create_default_context(cafile=ca)) as http:
        issuer = f"{server.url}/oauth2/default"
        assert issuer.startswith("https://")
        token = _tokens(server, http)

        access = AccessTokenVerifier(issuer=issuer, audience="api://traqs")
        access.verify_sync(token["access_token"])
        IDTokenVerifier(issuer=issuer, client_id="traqs-api").verify_sync(token["id_token"], nonce="n-456")

        with pytest.raises(JWTValidationException):
            access.verify_sync(_forged(token["access_token"]))
        with pytest.raises(JWTValidationException):
            AccessTokenVerifier(issuer=issuer, audience="api://elsewhere").verify_sync(token["access_token"])
        with pytest.raises(JWTValidationException):
            IDTokenVerifier(issuer=issuer, client_id="traqs-api").verify_sync(token["id_token"], nonce="another")


def test_the_node_jwt_verifier_accepts_the_tokens_and_refuses_forgeries() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("`node` (Node.js 20+) is not on PATH; the @okta/jwt-verifier compatibility test needs it.")
    if not (COMPAT_DIR / "node_modules" / "@okta" / "jwt-verifier").is_dir():
        pytest.fail("tests/compat/node_modules/@okta/jwt-verifier is missing: run `npm ci` in tests/compat.")
    with MockfinraServer(settings()) as server, httpx.Client() as http:
        token = _tokens(server, http)
        args = [f"{server.url}/oauth2/default", token["access_token"], token["id_token"], "n-456", _forged(token["access_token"])]
        completed = subprocess.run(
            [node, str(COMPAT_DIR / "jwt-verifier.mjs"), *args], cwd=COMPAT_DIR, capture_output=True, text=True, timeout=120, check=False
        )
    steps = {entry["step"]: entry for entry in (json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{"))}
    assert completed.returncode == 0 and "done" in steps, f"{completed.stdout}\n{completed.stderr[-2000:]}"
    assert steps["access"]["sub"] == "lib.user@example.com" and steps["access"]["entitlements"] == ["ORF"]
    assert steps["id"]["nonce"] == "n-456"
    assert steps["refused"]["forgery"] and steps["refused"]["audience"]
