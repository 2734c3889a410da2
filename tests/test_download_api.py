"""The API download host `DownloadHandler.ashx` with bearer access tokens, through HTTP."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from tests.download_support import HANDLER, access_token, download_settings, query

IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture
def app(tmp_path: Path):
    return create_app(download_settings(tmp_path))


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1:8400") as c:
        yield c


def bearer(app, login: str = "trace@example.com", **kwargs) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token(app, login, **kwargs)}", **IDENTITY}


# --- success ----------------------------------------------------------------------------------------


def test_get_latest_file_with_headers(app, client: TestClient) -> None:
    response = client.get(HANDLER + query(), headers=bearer(app))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="CAMASTER_20261120.txt"'
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["etag"].startswith('"') and response.headers["etag"].endswith('"')
    assert response.headers["last-modified"].endswith("GMT")
    assert int(response.headers["content-length"]) == len(response.content) > 0
    lines = response.text.splitlines()
    assert "|" in lines[0] and len(lines) > 2


def test_date_parameter_picks_the_day(app, client: TestClient) -> None:
    response = client.get(HANDLER + query(date="11192026"), headers=bearer(app))
    assert response.status_code == 200, response.text
    assert 'filename="CAMASTER_20261119.txt"' in response.headers["content-disposition"]
    latest = client.get(HANDLER + query(), headers=bearer(app))
    assert latest.headers["etag"] != response.headers["etag"]


def test_post_form_with_username_matches_get(app, client: TestClient) -> None:
    headers = bearer(app)
    by_get = client.get(HANDLER + query(), headers=headers)
    by_post = client.post(
        HANDLER + "?action=DOWNLOAD&file=CAMASTER&facility=TRACE", data={"username": "trace@example.com"}, headers=headers
    )
    assert by_post.status_code == 200, by_post.text
    assert by_post.content == by_get.content
    all_in_form = client.post(
        HANDLER, data={"ACTION": "download", "Facility": "trace", "FILE": "camaster", "UserName": "TRACE@example.com"}, headers=headers
    )
    assert all_in_form.status_code == 200, all_in_form.text
    assert all_in_form.content == by_get.content


def test_path_and_names_are_case_insensitive(app, client: TestClient) -> None:
    response = client.get("/apidownload/downloadhandler.ASHX?Action=Download&FACILITY=trace&File=camaster", headers=bearer(app))
    assert response.status_code == 200, response.text


def test_every_facility_with_its_own_entitlement(app, client: TestClient) -> None:
    listing = client.get(HANDLER + "?action=LIST", headers={**bearer(app, "all@example.com"), "Accept": "application/json"})
    files = listing.json()["files"]
    for facility in ("TRACE", "ADF", "ORF", "TRF"):
        code = next(f["file"] for f in files if f["facility"] == facility)
        own = client.get(HANDLER + query(facility, code), headers=bearer(app, f"{facility.lower()}@example.com"))
        assert own.status_code == 200, (facility, own.text)
        other = "orf" if facility != "ORF" else "trace"
        refused = client.get(HANDLER + query(facility, code), headers=bearer(app, f"{other}@example.com"))
        assert refused.status_code == 403
        assert f"not entitled to {facility}" in refused.text


def test_real_host_names_serve_the_handler_at_root(app, client: TestClient) -> None:
    for host in ("apidownload-ntf.finratraqs.org", "download-ntf2.finratraqs.org"):
        response = client.get("/DownloadHandler.ashx" + query(), headers={**bearer(app), "Host": host})
        assert response.status_code == 200, response.text
        assert response.headers["content-disposition"].startswith("attachment")


def test_refresh_token_exchange_then_download(app, client: TestClient) -> None:
    """The real client's flow: refresh token → access token at the token endpoint → file."""
    from mockfinra.identity.oidc.tokens import issue_tokens_for_user
    from mockfinra.store.users import find_user_by_login

    ctx = app.state.ctx
    with ctx.store.transaction() as db:
        user = find_user_by_login(db, "orf@example.com")
        refresh = issue_tokens_for_user(
            ctx, db, user, "traqs-api", ["offline_access", "traqs.refdata"], "http://127.0.0.1:8400/oauth2/default"
        )["refresh_token"]
    token = client.post(
        "/oauth2/default/v1/token",
        data={"grant_type": "refresh_token", "client_id": "traqs-api", "refresh_token": refresh},
    )
    assert token.status_code == 200, token.text
    response = client.post(
        HANDLER + "?action=DOWNLOAD&file=EQUITYMASTERAC&facility=ORF",
        data={"username": "orf@example.com"},
        headers={"Authorization": f"Bearer {token.json()['access_token']}", "Accept": "text/plain"},
    )
    assert response.status_code == 200, response.text
    assert "FINRA_OTC_ID" in response.text.splitlines()[0]


# --- conditional requests, ranges, compression, HEAD -------------------------------------------------


def test_if_none_match_gives_304(app, client: TestClient) -> None:
    headers = bearer(app)
    first = client.get(HANDLER + query(), headers=headers)
    etag = first.headers["etag"]
    again = client.get(HANDLER + query(), headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    listed = client.get(HANDLER + query(), headers={**headers, "If-None-Match": f'"other", W/{etag}'})
    assert listed.status_code == 304
    changed = client.get(HANDLER + query(), headers={**headers, "If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.content == first.content


def test_if_modified_since(app, client: TestClient) -> None:
    headers = bearer(app)
    first = client.get(HANDLER + query(), headers=headers)
    same = client.get(HANDLER + query(), headers={**headers, "If-Modified-Since": first.headers["last-modified"]})
    assert same.status_code == 304
    old = client.get(HANDLER + query(), headers={**headers, "If-Modified-Since": "Mon, 02 Jan 2023 00:00:00 GMT"})
    assert old.status_code == 200


def test_single_ranges_give_206(app, client: TestClient) -> None:
    headers = bearer(app)
    whole = client.get(HANDLER + query(), headers=headers).content
    size = len(whole)
    for header, expected, content_range in (
        ("bytes=0-99", whole[:100], f"bytes 0-99/{size}"),
        ("bytes=100-", whole[100:], f"bytes 100-{size - 1}/{size}"),
        ("bytes=-50", whole[-50:], f"bytes {size - 50}-{size - 1}/{size}"),
        (f"bytes=10-{size + 500}", whole[10:], f"bytes 10-{size - 1}/{size}"),
    ):
        part = client.get(HANDLER + query(), headers={**headers, "Range": header})
        assert part.status_code == 206, header
        assert part.content == expected, header
        assert part.headers["content-range"] == content_range
        assert int(part.headers["content-length"]) == len(expected)


def test_unsatisfiable_range_is_416(app, client: TestClient) -> None:
    headers = bearer(app)
    size = len(client.get(HANDLER + query(), headers=headers).content)
    response = client.get(HANDLER + query(), headers={**headers, "Range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{size}"
    assert "not satisfiable" in response.text


def test_if_range_with_stale_etag_sends_whole_file(app, client: TestClient) -> None:
    headers = bearer(app)
    whole = client.get(HANDLER + query(), headers=headers)
    stale = client.get(HANDLER + query(), headers={**headers, "Range": "bytes=0-9", "If-Range": '"stale"'})
    assert stale.status_code == 200 and stale.content == whole.content
    fresh = client.get(HANDLER + query(), headers={**headers, "Range": "bytes=0-9", "If-Range": whole.headers["etag"]})
    assert fresh.status_code == 206 and fresh.content == whole.content[:10]


def test_gzip_round_trip(app, client: TestClient) -> None:
    headers = bearer(app)
    plain = client.get(HANDLER + query(), headers=headers).content
    with client.stream("GET", HANDLER + query(), headers={**headers, "Accept-Encoding": "gzip"}) as response:
        assert response.status_code == 200
        assert response.headers["content-encoding"] == "gzip"
        assert "content-length" not in response.headers
        raw = b"".join(response.iter_raw())
    assert raw[:2] == b"\x1f\x8b"
    assert gzip.decompress(raw) == plain
    assert len(raw) < len(plain)


def test_gzip_refused_with_q_zero(app, client: TestClient) -> None:
    response = client.get(HANDLER + query(), headers={**bearer(app), "Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in response.headers


def test_head_has_headers_without_body(app, client: TestClient) -> None:
    headers = bearer(app)
    get = client.get(HANDLER + query(), headers=headers)
    head = client.head(HANDLER + query(), headers=headers)
    assert head.status_code == 200 and head.content == b""
    for name in ("content-length", "etag", "last-modified", "content-disposition", "content-type"):
        assert head.headers[name] == get.headers[name]


def test_full_size_file_is_streamed_in_chunks(tmp_path: Path) -> None:
    app = create_app(download_settings(tmp_path, refdata_scale=1.0))
    with TestClient(app) as client, client.stream("GET", HANDLER + query(), headers=bearer(app)) as response:
        assert response.status_code == 200
        chunks = [chunk for chunk in response.iter_raw() if chunk]
    total = sum(len(c) for c in chunks)
    assert total == int(response.headers["content-length"]) > 1_000_000
    assert len(chunks) > 1 and max(len(c) for c in chunks) <= 1 << 20  # serving.CHUNK: never one giant body


# --- LIST -------------------------------------------------------------------------------------------


def test_list_plain_and_json_show_only_entitled_files(app, client: TestClient) -> None:
    text = client.get(HANDLER + "?action=list", headers=bearer(app, "trace@example.com"))
    assert text.status_code == 200
    assert text.headers["content-type"].startswith("text/plain")
    assert "CAMASTER" in text.text and "2026-11-20" in text.text
    assert "EQUITYMASTERAC" not in text.text
    data = client.get(HANDLER + "?action=LIST", headers={**bearer(app, "trace@example.com"), "Accept": "application/json"}).json()
    assert data["user"] == "trace@example.com"
    assert {f["facility"] for f in data["files"]} == {"TRACE"}
    camaster = next(f for f in data["files"] if f["file"] == "CAMASTER")
    assert camaster["latestDate"] == "2026-11-20"
    assert camaster["availableDates"] > 200
    assert camaster["description"]
    every = client.get(HANDLER + "?action=LIST", headers={**bearer(app, "all@example.com"), "Accept": "application/json"}).json()
    assert {f["facility"] for f in every["files"]} == {"TRACE", "ADF", "ORF", "TRF"}
    one = client.get(HANDLER + "?action=LIST&facility=ORF", headers={**bearer(app, "all@example.com"), "Accept": "application/json"}).json()
    assert {f["facility"] for f in one["files"]} == {"ORF"}


def test_list_without_entitlements_and_for_foreign_facility(app, client: TestClient) -> None:
    empty = client.get(HANDLER + "?action=LIST", headers=bearer(app, "none@example.com"))
    assert empty.status_code == 200 and "No files" in empty.text
    refused = client.get(HANDLER + "?action=LIST&facility=ADF", headers=bearer(app, "trace@example.com"))
    assert refused.status_code == 403


# --- 401 --------------------------------------------------------------------------------------------


def _challenge(response) -> str:
    header = response.headers["www-authenticate"]
    assert header.startswith('Bearer realm="apidownload", error="invalid_token", error_description="')
    return header


@pytest.mark.parametrize(
    "authorization, fragment",
    [
        (None, "No access token"),
        ("Basic dXNlcjpwdw==", "not of the form"),
        ("Bearer", "not of the form"),
        ("Bearer not-a-jwt", "not valid: malformed"),
        ("Bearer a.b.c", "not valid"),
    ],
)
def test_missing_malformed_or_bad_token_is_401(client: TestClient, authorization, fragment) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(HANDLER + query(), headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/plain")
    assert fragment in response.text
    _challenge(response)


def test_tampered_token_is_401(app, client: TestClient) -> None:
    token = access_token(app, "trace@example.com")
    header, payload, signature = token.split(".")
    tampered = ".".join([header, payload, signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")])
    response = client.get(HANDLER + query(), headers={"Authorization": f"Bearer {tampered}"})
    assert response.status_code == 401
    assert "bad signature" in _challenge(response)


def test_expired_token_is_401_after_advancing_the_mock_clock(app, client: TestClient) -> None:
    headers = bearer(app)
    assert client.get(HANDLER + query(), headers=headers).status_code == 200
    client.post("/_mock/clock", json={"advance": 3601})
    response = client.get(HANDLER + query(), headers=headers)
    assert response.status_code == 401
    assert "expired" in _challenge(response)
    assert "expired" in response.text


def test_token_without_data_scope_is_403(app, client: TestClient) -> None:
    response = client.get(HANDLER + query(), headers=bearer(app, scopes=("openid", "profile")))
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
    assert "traqs.refdata" in response.text


def test_scope_check_can_be_relaxed(tmp_path: Path) -> None:
    app = create_app(download_settings(tmp_path, download_require_scope=False))
    with TestClient(app) as client:
        response = client.get(HANDLER + query(), headers=bearer(app, scopes=("openid",)))
        assert response.status_code == 200, response.text


# --- 403 --------------------------------------------------------------------------------------------


def test_username_must_match_the_token(app, client: TestClient) -> None:
    response = client.post(HANDLER + query(), data={"username": "orf@example.com"}, headers=bearer(app))
    assert response.status_code == 403
    assert "does not match" in response.text and "trace@example.com" in response.text
    in_query = client.get(HANDLER + query() + "&username=someone@example.com", headers=bearer(app))
    assert in_query.status_code == 403


def test_username_can_be_required(tmp_path: Path) -> None:
    app = create_app(download_settings(tmp_path, download_require_username=True))
    with TestClient(app) as client:
        missing = client.get(HANDLER + query(), headers=bearer(app))
        assert missing.status_code == 400 and "username" in missing.text
        given = client.post(HANDLER + query(), data={"username": "trace@example.com"}, headers=bearer(app))
        assert given.status_code == 200


# --- 400 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query_string, fragment",
    [
        ("?facility=TRACE&file=CAMASTER", "Missing parameter 'action'"),
        ("?action=UPLOAD&facility=TRACE&file=CAMASTER", "Unknown action 'UPLOAD'"),
        ("?action=DOWNLOAD&file=CAMASTER", "'facility'"),
        ("?action=DOWNLOAD&facility=TRACE", "'file'"),
        ("?action=DOWNLOAD", "'facility' and 'file'"),
        ("?action=DOWNLOAD&facility=NYSE&file=CAMASTER", "Unknown facility 'NYSE'"),
        ("?action=DOWNLOAD&facility=TRACE&file=CAMASTER&date=2026-11-20", "use MMDDYYYY"),
        ("?action=DOWNLOAD&facility=TRACE&file=CAMASTER&date=11202", "use MMDDYYYY"),
        ("?action=DOWNLOAD&facility=TRACE&file=CAMASTER&date=13012026", "no such day"),
        ("?action=DOWNLOAD&facility=TRACE&file=CAMASTER&file=DAILYLISTCA", "given twice"),
    ],
)
def test_bad_parameters_are_400(app, client: TestClient, query_string: str, fragment: str) -> None:
    response = client.get(HANDLER + query_string, headers=bearer(app))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert fragment in response.text


def test_conflicting_query_and_form_is_400(app, client: TestClient) -> None:
    response = client.post(HANDLER + query(), data={"file": "DAILYLISTCA"}, headers=bearer(app))
    assert response.status_code == 400 and "given twice" in response.text


# --- 404 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "date, fragment",
    [
        ("11212026", "Saturday"),
        ("11222026", "Sunday"),
        ("11262026", "holiday"),
        ("12012026", "future"),
        ("01052024", "older than"),
    ],
)
def test_days_without_a_file_are_404(tmp_path: Path, date: str, fragment: str) -> None:
    app = create_app(download_settings(tmp_path, clock_start="2026-11-27T20:00:00Z"))
    with TestClient(app) as client:
        response = client.get(HANDLER + query(date=date), headers=bearer(app))
        assert response.status_code == 404, response.text
        assert fragment in response.text
        assert "CAMASTER" in response.text


def test_todays_file_before_it_is_published_is_404(tmp_path: Path) -> None:
    app = create_app(download_settings(tmp_path, clock_start="2026-11-20T09:00:00Z"))  # 04:00 in New York
    with TestClient(app) as client:
        response = client.get(HANDLER + query(date="11202026"), headers=bearer(app))
        assert response.status_code == 404
        assert "not published yet" in response.text
        latest = client.get(HANDLER + query(), headers=bearer(app))
        assert latest.status_code == 200
        assert "CAMASTER_20261119.txt" in latest.headers["content-disposition"]


def test_unknown_file_is_404_naming_the_codes(app, client: TestClient) -> None:
    response = client.get(HANDLER + query(file="NOSUCHFILE"), headers=bearer(app))
    assert response.status_code == 404
    assert "no TRACE file 'NOSUCHFILE'" in response.text
    assert "CAMASTER" in response.text


def test_other_paths_are_404(app, client: TestClient) -> None:
    response = client.get("/apidownload/Other.ashx" + query(), headers=bearer(app))
    assert response.status_code == 404
    assert "DownloadHandler.ashx" in response.text


def test_refused_requests_leave_state_unchanged(app, client: TestClient) -> None:
    headers = bearer(app)
    before = client.get("/_mock/state").json()
    client.get(HANDLER + query(), headers={"Authorization": "Bearer junk"})
    client.get(HANDLER + query(facility="ORF", file="EQUITYMASTERAC"), headers=headers)
    client.get(HANDLER + query(date="11212026"), headers=headers)
    client.get(HANDLER + "?action=NOPE", headers=headers)
    after = client.get("/_mock/state").json()
    before.pop("clock", None)
    after.pop("clock", None)
    assert after == before
