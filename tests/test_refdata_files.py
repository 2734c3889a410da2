"""Generated files: layout, determinism, realistic values, streaming and caching."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import pytest

from mockfinra.refdata import RefData
from mockfinra.refdata.calendar import next_business_day
from mockfinra.refdata.mixing import cusip_check_digit, is_valid_cusip
from tests.refdata_support import SCALE, SEED, parse, read, spec

DAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def data() -> RefData:
    return RefData(SEED, scale=SCALE)


def test_cusip_check_digit_matches_known_cusips() -> None:
    for cusip in ("037833100", "594918104", "38141GXZ2", "912828U24", "3135G0U43"):
        assert cusip_check_digit(cusip[:8]) == cusip[8]
    assert not is_valid_cusip("037833101")


def test_every_file_has_header_rows_and_a_trailer_with_count_and_date(data: RefData) -> None:
    for file_spec in data.files():
        generated = data.open(file_spec, DAY)
        parsed = parse(generated.read())
        assert parsed.header == list(file_spec.columns)
        assert parsed.trailer == ["TRAILER", str(len(parsed.rows)), "20261120"], file_spec.code
        assert generated.rows == len(parsed.rows)
        assert generated.name == f"{file_spec.code}_20261120.txt"
        if file_spec.kind in ("master", "participants"):
            assert len(parsed.rows) > 5, file_spec.code


def test_same_seed_and_day_give_identical_bytes_and_etag() -> None:
    first, second = RefData(SEED, scale=SCALE), RefData(SEED, scale=SCALE)
    for code, facility in (
        ("CAMASTER", "TRACE"),
        ("DAILYLISTCA", "TRACE"),
        ("EQUITYMASTERIN", "ORF"),
        ("NEXTDAYDIV", "ORF"),
    ):
        a, b = first.open(spec(first, facility, code), DAY), second.open(spec(second, facility, code), DAY)
        assert a.read() == b.read() and a.etag == b.etag and a.size == b.size


def test_different_seeds_days_and_scales_differ(data: RefData) -> None:
    camaster = spec(data, "TRACE", "CAMASTER")
    base = data.open(camaster, DAY)
    other_seed = RefData(SEED + 1, scale=SCALE)
    assert other_seed.open(spec(other_seed, "TRACE", "CAMASTER"), DAY).read() != base.read()
    assert data.open(camaster, date(2026, 11, 19)).etag != base.etag
    bigger = RefData(SEED, scale=SCALE * 2).open(camaster, DAY)
    assert bigger.etag != base.etag and bigger.rows > base.rows * 1.5


def test_size_etag_and_ranges(data: RefData) -> None:
    generated = data.open(spec(data, "TRACE", "CAMASTER"), DAY)
    whole = generated.read()
    assert len(whole) == generated.size
    assert re.fullmatch(r'"[0-9a-f]{32}"', generated.etag)
    assert generated.etag == f'"{hashlib.sha256(whole).hexdigest()[:32]}"'
    pieces = list(generated.iter_bytes(chunk_size=1000))
    assert max(len(piece) for piece in pieces) == 1000 and b"".join(pieces) == whole
    cut = [0, 1, 999, 5000, generated.size // 2, generated.size - 1, generated.size]
    assert b"".join(b"".join(generated.iter_bytes(a, b, 777)) for a, b in zip(cut, cut[1:])) == whole
    assert b"".join(generated.iter_bytes(10, 20)) == whole[10:20]
    assert b"".join(generated.iter_bytes(generated.size - 5, generated.size + 100)) == whole[-5:]
    assert list(generated.iter_bytes(50, 50)) == []
    assert data.open(spec(data, "TRACE", "CAMASTER"), DAY) is generated  # cached


def test_masters_have_valid_unique_identifiers(data: RefData) -> None:
    for facility, code, key in (
        ("TRACE", "CAMASTER", "FINRA_SCRTY_ID"),
        ("TRACE", "SPMASTER", "FINRA_SCRTY_ID"),
        ("TRACE", "TSYMASTER", "CUSIP_ID"),
        ("ORF", "EQUITYMASTERAC", "FINRA_OTC_ID"),
        ("ADF", "ADFMASTER", "SYM_CD"),
        ("TRACE", "PARTLISTCA", "MPID"),
    ):
        rows = read(data, facility, code, DAY).rows
        assert len({row[key] for row in rows}) == len(rows), code
        if "CUSIP_ID" in rows[0]:
            assert all(is_valid_cusip(row["CUSIP_ID"]) for row in rows), code
            assert len({row["CUSIP_ID"] for row in rows}) == len(rows), code


def test_corporate_values_look_real(data: RefData) -> None:
    rows = read(data, "TRACE", "CAMASTER", DAY).rows
    assert {row["SUB_PRDCT_TYPE_CD"] for row in rows} >= {"CORP", "AGCY"}
    assert {row["RULE_144A_FL"] for row in rows} == {"Y", "N"} and {
        row["TRACE_GRADE_CD"] for row in rows
    } == {"I", "H"}
    coupons = [float(row["CPN_RT"]) for row in rows if row["CPN_TYPE_CD"] == "F"]
    assert 2.5 < sum(coupons) / len(coupons) < 8 and all(0 < c < 25 for c in coupons)
    assert all(
        row["MTRTY_DT"] > "20261120" and re.fullmatch(r"\d{8}", row["TRD_RPT_EFCTV_DT"]) for row in rows
    )
    assert all(re.fullmatch(r"[A-Z]{1,4}\d{7}", row["SYM_CD"]) for row in rows)
    agencies = [row for row in rows if row["SUB_PRDCT_TYPE_CD"] == "AGCY"]
    assert all(row["CUSIP_ID"][:4] in ("3130", "3135", "3134", "3133", "8805") for row in agencies)
    assert len({row["CMPNY_NM"] for row in rows}) > 50
    high_yield = [
        float(r["CPN_RT"])
        for r in rows
        if r["TRACE_GRADE_CD"] == "H" and r["SUB_PRDCT_TYPE_CD"] == "CORP" and r["CPN_TYPE_CD"] == "F"
    ]
    investment = [
        float(r["CPN_RT"])
        for r in rows
        if r["TRACE_GRADE_CD"] == "I" and r["SUB_PRDCT_TYPE_CD"] == "CORP" and r["CPN_TYPE_CD"] == "F"
    ]
    assert sum(high_yield) / len(high_yield) > sum(investment) / len(investment) + 1


def test_participant_daily_list_uses_mmddyyyy_dates(data: RefData) -> None:
    for day in (date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19), DAY):
        for row in read(data, "TRACE", "PARTDAILYLISTCA", day).rows:
            assert row["list_dt"] == day.strftime("%m%d%Y") == row["effective_dt"]


def test_inactive_master_holds_recently_deleted_issues(data: RefData) -> None:
    inactive = read(data, "ORF", "EQUITYMASTERIN", DAY).rows
    active = {row["FINRA_OTC_ID"] for row in read(data, "ORF", "EQUITYMASTERAC", DAY).rows}
    assert inactive and all(
        row["STTS_CD"] == "I" and "20241100" < row["NACTV_DT"] <= "20261120" for row in inactive
    )
    assert not active & {row["FINRA_OTC_ID"] for row in inactive}
    yesterday_active = {
        row["FINRA_OTC_ID"] for row in read(data, "ORF", "EQUITYMASTERAC", date(2026, 11, 19)).rows
    }
    deleted_today = {row["FINRA_OTC_ID"] for row in inactive if row["NACTV_DT"] == "20261120"}
    assert deleted_today == yesterday_active - active


def test_next_day_dividends_go_ex_on_the_next_business_day(data: RefData) -> None:
    rows = read(data, "ORF", "NEXTDAYDIV", date(2026, 11, 25)).rows
    assert rows
    active = {row["CUSIP_ID"] for row in read(data, "ORF", "EQUITYMASTERAC", date(2026, 11, 25)).rows}
    for row in rows:
        assert row["EX_DT"] == next_business_day(date(2026, 11, 25)).strftime("%Y%m%d") == "20261127"
        assert row["DCLRTN_DT"] < row["EX_DT"] < row["PYBL_DT"] and row["CUSIP_ID"] in active


def test_disk_cache_serves_the_same_bytes(tmp_path: Path) -> None:
    first = RefData(SEED, scale=SCALE, cache_dir=tmp_path)
    camaster = spec(first, "TRACE", "CAMASTER")
    written = first.open(camaster, DAY)
    files = [path for path in tmp_path.rglob("*.txt")]
    assert [path.name for path in files] == ["CAMASTER_20261120.txt"]
    again = RefData(SEED, scale=SCALE, cache_dir=tmp_path).open(camaster, DAY)
    assert again.read() == written.read() == RefData(SEED, scale=SCALE).open(camaster, DAY).read()
    assert (again.etag, again.size, again.rows) == (written.etag, written.size, written.rows)
    assert b"".join(again.iter_bytes(100, 200, 7)) == written.read()[100:200]


def test_memory_cache_is_bounded_by_bytes() -> None:
    data = RefData(SEED, scale=SCALE, cache_bytes=300_000)
    camaster = spec(data, "TRACE", "CAMASTER")
    first = data.open(camaster, date(2026, 11, 16))
    assert first.size > 150_000
    data.open(camaster, date(2026, 11, 17))
    assert data._memory.total <= 300_000 and len(data._memory) == 1
    again = data.open(camaster, date(2026, 11, 16))
    assert again is not first and again.read() == first.read()


def test_export_streams_to_a_file_with_progress(tmp_path: Path, data: RefData) -> None:
    seen: list[tuple[int, int]] = []
    camaster = spec(data, "TRACE", "CAMASTER")
    written = data.export(camaster, DAY, tmp_path / "out.txt", lambda done, total: seen.append((done, total)))
    assert (tmp_path / "out.txt").read_bytes() == data.open(camaster, DAY).read()
    assert seen[-1] == (written.rows, written.rows)
