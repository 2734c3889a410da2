#!/usr/bin/env python3
"""Download a FINRA reference-data file the way FINRA's 2024 Web API specifications describe it:
refresh token (acquired once in TRAQS) → access token → file request with the access token.

Nothing in here knows about mockfinra: the endpoints come from the environment, so the same script runs
against the real NTF hosts or against a local mockfinra. Standard library only.

    export FINRA_TOKEN_URL=http://127.0.0.1:8400/oauth2/default/v1/token
    export FINRA_DOWNLOAD_URL=http://127.0.0.1:8400/apidownload/DownloadHandler.ashx
    export FINRA_USERNAME=trace.analyst@example.com
    export FINRA_REFRESH_TOKEN=...        # from TRAQS → API access
    python finra_refdata_download.py TRACE CAMASTER [MMDDYYYY] [-o DIR] [--retries N]

A busy or briefly unavailable host (429, 500, 502, 503, 504), a dropped connection or a body cut short is
tried again up to `--retries` times, waiting as long as `Retry-After` says (at most `--max-wait` seconds);
the file is written under a `.part` name and renamed only once it arrived whole.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")
RETRY_STATUSES = {429, 500, 502, 503, 504}


def with_retries(call: Callable[[], T], retries: int, max_wait: float) -> T:
    """Run `call`; on a retryable status or a broken connection wait (Retry-After or 1 s) and try again."""
    for attempt in range(retries + 1):
        try:
            return call()
        except urllib.error.HTTPError as error:
            if error.code not in RETRY_STATUSES or attempt == retries:
                raise
            wait = error.headers.get("Retry-After", "1")
            reason = f"HTTP {error.code}"
        except (http.client.IncompleteRead, http.client.RemoteDisconnected, ConnectionError) as error:
            if attempt == retries:
                raise
            wait, reason = "1", type(error).__name__
        seconds = min(float(wait) if wait.replace(".", "", 1).isdigit() else 1.0, max_wait)
        print(f"{reason}; retrying in {seconds:g} s ({attempt + 1}/{retries})", file=sys.stderr)
        time.sleep(seconds)
    raise AssertionError("unreachable")


def access_token(token_url: str, refresh_token: str, client_id: str) -> str:
    form = urllib.parse.urlencode(
        {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    ).encode()
    request = urllib.request.Request(token_url, data=form, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["access_token"]


def download(download_url: str, token: str, username: str, facility: str, code: str, date: str | None, out: Path) -> Path:
    query = {"action": "DOWNLOAD", "facility": facility, "file": code}
    if date:
        query["date"] = date
    request = urllib.request.Request(
        f"{download_url}?{urllib.parse.urlencode(query)}",
        data=urllib.parse.urlencode({"username": username}).encode(),
        headers={"Authorization": f"Bearer {token}", "Accept": "text/plain"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        disposition = response.headers.get("Content-Disposition", "")
        match = re.search(r'filename="?([^";]+)"?', disposition)
        target = out / (match.group(1) if match else f"{code}.txt")
        partial = target.with_name(target.name + ".part")
        expected = response.headers.get("Content-Length")
        try:
            received = 0
            with partial.open("wb") as handle:
                while chunk := response.read(65536):
                    handle.write(chunk)
                    received += len(chunk)
            # read(n) returns b"" when the connection closes early: only the length tells a cut body
            if expected is not None and expected.isdigit() and received < int(expected):
                raise http.client.IncompleteRead(b"", int(expected) - received)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("facility", help="TRACE, ADF, ORF or TRF")
    parser.add_argument("file", help="file code, e.g. CAMASTER or EQUITYMASTERAC")
    parser.add_argument("date", nargs="?", help="MMDDYYYY (default: the latest file)")
    parser.add_argument("-o", "--output-dir", type=Path, default=Path("."))
    parser.add_argument("--retries", type=int, default=3, help="tries again after 429/5xx or a broken download")
    parser.add_argument("--max-wait", type=float, default=60.0, help="longest Retry-After honoured (seconds)")
    args = parser.parse_args(argv)
    env = os.environ
    try:
        token_url, refresh = env["FINRA_TOKEN_URL"], env["FINRA_REFRESH_TOKEN"]
        download_url, username = env["FINRA_DOWNLOAD_URL"], env["FINRA_USERNAME"]
    except KeyError as missing:
        print(f"set the environment variable {missing.args[0]}", file=sys.stderr)
        return 2
    try:
        token = with_retries(
            lambda: access_token(token_url, refresh, env.get("FINRA_CLIENT_ID", "traqs-api")), args.retries, args.max_wait
        )
        path = with_retries(
            lambda: download(download_url, token, username, args.facility, args.file, args.date, args.output_dir),
            args.retries,
            args.max_wait,
        )
    except urllib.error.HTTPError as error:
        print(f"HTTP {error.code}: {error.read().decode(errors='replace').strip()}", file=sys.stderr)
        return 1
    except (http.client.IncompleteRead, http.client.RemoteDisconnected, ConnectionError) as error:
        print(f"download failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
