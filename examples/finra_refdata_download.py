#!/usr/bin/env python3
"""Download a FINRA reference-data file the way FINRA's 2024 Web API specifications describe it:
refresh token (acquired once in TRAQS) → access token → file request with the access token.

Nothing in here knows about mockfinra: the endpoints come from the environment, so the same script runs
against the real NTF hosts or against a local mockfinra. Standard library only.

    export FINRA_TOKEN_URL=http://127.0.0.1:8400/oauth2/default/v1/token
    export FINRA_DOWNLOAD_URL=http://127.0.0.1:8400/apidownload/DownloadHandler.ashx
    export FINRA_USERNAME=trace.analyst@example.com
    export FINRA_REFRESH_TOKEN=...        # from TRAQS → API access
    python finra_refdata_download.py TRACE CAMASTER [MMDDYYYY] [-o DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


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
        with target.open("wb") as handle:
            while chunk := response.read(65536):
                handle.write(chunk)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("facility", help="TRACE, ADF, ORF or TRF")
    parser.add_argument("file", help="file code, e.g. CAMASTER or EQUITYMASTERAC")
    parser.add_argument("date", nargs="?", help="MMDDYYYY (default: the latest file)")
    parser.add_argument("-o", "--output-dir", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    env = os.environ
    try:
        token = access_token(env["FINRA_TOKEN_URL"], env["FINRA_REFRESH_TOKEN"], env.get("FINRA_CLIENT_ID", "traqs-api"))
        path = download(
            env["FINRA_DOWNLOAD_URL"], token, env["FINRA_USERNAME"], args.facility, args.file, args.date, args.output_dir
        )
    except KeyError as missing:
        print(f"set the environment variable {missing.args[0]}", file=sys.stderr)
        return 2
    except urllib.error.HTTPError as error:
        print(f"HTTP {error.code}: {error.read().decode(errors='replace').strip()}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
