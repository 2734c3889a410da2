"""Helpers shared by the reference-data tests: small universes and file parsing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mockfinra.refdata import FileSpec, RefData

SEED = 20240715
#: small universes keep every test fast (CAMASTER ~2,000 rows)
SCALE = 0.1
#: which column identifies a record of each universe across days
KEYS = {
    "corporate": "FINRA_SCRTY_ID",
    "securitized": "FINRA_SCRTY_ID",
    "treasury": "CUSIP_ID",
    "otc_equity": "FINRA_OTC_ID",
    "nms_equity": "CUSIP_ID",
    "trace_participants": "MPID",
    "adf_participants": "MPID",
    "trf_participants": "MPID",
}


@dataclass
class Parsed:
    header: list[str]
    rows: list[dict[str, str]]
    trailer: list[str]


def parse(data: bytes) -> Parsed:
    text = data.decode("ascii")
    assert text.endswith("\n") and "\r" not in text
    lines = text[:-1].split("\n")
    header = lines[0].split("|")
    rows = [dict(zip(header, line.split("|"), strict=True)) for line in lines[1:-1]]
    return Parsed(header, rows, lines[-1].split("|"))


def read(refdata: RefData, facility: str, code: str, day: date) -> Parsed:
    spec = refdata.find(facility, code)
    assert spec is not None
    return parse(refdata.open(spec, day).read())


def spec(refdata: RefData, facility: str, code: str) -> FileSpec:
    found = refdata.find(facility, code)
    assert found is not None
    return found
