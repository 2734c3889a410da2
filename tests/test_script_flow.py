"""Issue 4's whole story against a live server: MFA sign-in (password + Google Authenticator), a real OAuth
client library (Authlib) turning the sessionToken into a refresh token, then FINRA's documented script flow
(refresh token → access token → file) run unchanged by `examples/finra_refdata_download.py`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pyotp
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client

from mockfinra.clock import parse_instant
from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer

SCRIPT = Path(__file__).resolve().parent.parent / "examples" / "finra_refdata_download.py"
LOGIN = "script.user@example.com"
PASSWORD = "Quarterly-Files-9"


def mfa_session_token(server: MockfinraServer) -> str:
    created = httpx.post(
        f"{server.url}/_mock/users",
        json={"login": LOGIN, "password": PASSWORD, "entitlements": ["TRACE"],
              "factors": [{"factorType": "token:software:totp", "provider": "GOOGLE"}]},
    ).json()
    secret = created["factors"][0]["sharedSecret"]
    tx = httpx.post(f"{server.url}/api/v1/authn", json={"username": LOGIN, "password": PASSWORD}).json()
    assert tx["status"] == "MFA_REQUIRED"
    verify = tx["_embedded"]["factors"][0]["_links"]["verify"]["href"]
    now = parse_instant(httpx.get(f"{server.url}/_mock/clock").json()["now"])
    done = httpx.post(verify, json={"stateToken": tx["stateToken"], "passCode": pyotp.TOTP(secret).at(now)}).json()
    assert done["status"] == "SUCCESS"
    return done["sessionToken"]


def refresh_token_with_authlib(server: MockfinraServer, session_token: str) -> str:
    meta = httpx.get(f"{server.url}/oauth2/default/.well-known/openid-configuration").json()
    with OAuth2Client(
        client_id="traqs-api",
        token_endpoint_auth_method="none",
        redirect_uri="http://127.0.0.1:8765/callback",
        scope="openid offline_access traqs.refdata",
        code_challenge_method="S256",
    ) as oauth:
        verifier = generate_token(64)
        url, _ = oauth.create_authorization_url(
            meta["authorization_endpoint"], code_verifier=verifier, sessionToken=session_token
        )
        redirected = httpx.get(url, follow_redirects=False)
        assert redirected.status_code == 302
        token = oauth.fetch_token(
            meta["token_endpoint"], authorization_response=redirected.headers["location"], code_verifier=verifier
        )
    return token["refresh_token"]


def run_script(server: MockfinraServer, refresh: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FINRA_TOKEN_URL": f"{server.url}/oauth2/default/v1/token",
        "FINRA_DOWNLOAD_URL": f"{server.url}/apidownload/DownloadHandler.ashx",
        "FINRA_USERNAME": LOGIN,
        "FINRA_REFRESH_TOKEN": refresh,
    }
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args, "-o", str(tmp_path)], env=env, capture_output=True, text=True, timeout=120
    )


def test_mfa_sign_in_refresh_token_then_the_finra_script_downloads(tmp_path: Path) -> None:
    with MockfinraServer(Settings.for_tests(refdata_scale=0.05, clock_start="2026-11-20T15:00:00Z")) as server:
        refresh = refresh_token_with_authlib(server, mfa_session_token(server))

        done = run_script(server, refresh, tmp_path, "TRACE", "CAMASTER", "11192026")
        assert done.returncode == 0, done.stderr
        path = Path(done.stdout.strip())
        assert path.name == "CAMASTER_20261119.txt"
        lines = path.read_text().splitlines()
        assert lines[0].startswith("FINRA_SCRTY_ID|CUSIP_ID|")
        assert lines[-1].split("|")[1] == str(len(lines) - 2)

        refused = run_script(server, refresh, tmp_path, "ORF", "EQUITYMASTERAC")
        assert refused.returncode == 1 and "HTTP 403" in refused.stderr and "ORF" in refused.stderr

        httpx.post(f"{server.url}/_mock/clock", json={"advance": 91 * 86400})
        expired = run_script(server, refresh, tmp_path, "TRACE", "CAMASTER")
        assert expired.returncode == 1 and "HTTP 400" in expired.stderr and "invalid_grant" in expired.stderr
