"""The file catalogue: the files the reference names, their status, columns and schedules."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from mockfinra.refdata import CatalogueError, RefData
from mockfinra.refdata.catalogue import CATALOGUE_PATH, KINDS, load_catalogue
from tests.refdata_support import SEED

EXPECTED = {
    ("TRACE", "CAMASTER"): ("master", "confirmed"),
    ("TRACE", "DAILYLISTCA"): ("daily", "confirmed"),
    ("TRACE", "PARTLISTCA"): ("participants", "assumed"),
    ("TRACE", "PARTDAILYLISTCA"): ("participants_daily", "assumed"),
    ("TRACE", "SPMASTER"): ("master", "assumed"),
    ("TRACE", "DAILYLISTSP"): ("daily", "assumed"),
    ("TRACE", "TSYMASTER"): ("master", "assumed"),
    ("TRACE", "DAILYLISTTSY"): ("daily", "assumed"),
    ("ORF", "EQUITYMASTERAC"): ("master", "confirmed"),
    ("ORF", "EQUITYMASTERIN"): ("master", "confirmed"),
    ("ORF", "EQUITYDAILYLIST"): ("daily", "assumed"),
    ("ORF", "NEXTDAYDIV"): ("dividends", "assumed"),
    ("ADF", "ADFMASTER"): ("master", "assumed"),
    ("ADF", "ADFMASTERDELTA"): ("deltas", "assumed"),
    ("ADF", "ADFPARTICIPANT"): ("participants", "assumed"),
    ("TRF", "TRFMASTER"): ("master", "assumed"),
    ("TRF", "TRFPARTICIPANT"): ("participants", "assumed"),
}


def test_catalogue_lists_every_file_with_kind_and_status() -> None:
    files = RefData(SEED).files()
    assert {(f.facility, f.code): (f.kind, f.status) for f in files} == EXPECTED
    for spec in files:
        assert spec.kind in KINDS and spec.description and spec.notes and spec.columns
        assert isinstance(spec.available_at, time)


def test_published_field_names_are_used() -> None:
    data = RefData(SEED)
    camaster = data.find("TRACE", "CAMASTER")
    assert camaster is not None
    academic = "FINRA_SCRTY_ID|CUSIP_ID|SYM_CD|CMPNY_NM|SUB_PRDCT_TYPE_CD|SCRTY_TYPE_CD|SCRTY_SBTP_CD".split(
        "|"
    )
    assert list(camaster.columns[:7]) == academic
    assert {"DEBT_TYPE_CD", "DSMTN_FL", "RULE_144A_FL", "TRACE_GRADE_CD", "MTRTY_DT"} <= set(camaster.columns)
    orf = data.find("orf", "equitymasterac")
    assert orf is not None
    for name in (
        "FINRA_OTC_ID",
        "SYM_CD",
        "SCRTY_DS",
        "STTS_CD",
        "SYM_SUF_CD",
        "CUSIP_ID",
        "NACTV_DT",
        "SCRTY_EFCTV_TS",
    ):
        assert name in orf.columns
    daily = data.find("ORF", "EQUITYDAILYLIST")
    assert daily is not None and "DAILY_LIST_RSN_CD" in daily.columns and "RCRD_ID" in daily.columns
    participants = data.find("TRACE", "PARTDAILYLISTCA")
    assert participants is not None
    assert participants.columns[:3] == ("list_dt", "effective_dt", "cd_description")
    assert set(participants.events["cd_description"].values()) == {
        "Participant Addition",
        "Participant Deletion",
        "Participant Change",
    }


def test_find_is_case_insensitive_and_misses_return_none() -> None:
    data = RefData(SEED)
    assert data.find(" trace ", "CaMaster") is data.find("TRACE", "CAMASTER")
    assert data.find("TRACE", "EQUITYMASTERAC") is None
    assert data.find("NASDAQ", "CAMASTER") is None


def test_filename_uses_the_day() -> None:
    spec = RefData(SEED).find("TRACE", "CAMASTER")
    assert spec is not None
    from datetime import date

    assert spec.filename(date(2026, 11, 20)) == "CAMASTER_20261120.txt"


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = CATALOGUE_PATH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "catalogue.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('"CUSIP_ID", "SYM_CD", "CMPNY_NM"', '"CUSIP_ID", "SYMBOL", "CMPNY_NM"', "SYMBOL"),
        ('kind = "master"', 'kind = "weekly"', "kind must be"),
        ('status = "confirmed"', 'status = "maybe"', "status"),
        ('available_at = "06:00"', 'available_at = "6 am"', "available_at"),
        ('family = "corporate"', 'family = "crypto"', "unknown family"),
        ('add = "A"', 'addition = "A"', "lacks add"),
        ("[[files]]", "[[files]", ""),
    ],
)
def test_a_broken_catalogue_is_a_clear_error(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    assert str(path) in str(error.value) and message in str(error.value)
    with pytest.raises(CatalogueError):
        RefData(SEED, catalogue_path=path)


def test_scale_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RefData(SEED, scale=0)
