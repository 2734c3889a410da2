"""The parameters of a `DownloadHandler.ashx` request, read from the query string and/or a form body.

The real client POSTs a form with `username` and puts `action`, `facility` and `file` in the query
string; this mock accepts every parameter from either place. Names are case-insensitive, and so are the
values of `action`, `facility` and `file` (ASP.NET handlers usually compare them that way).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from mockfinra.errors import ClientError

FACILITIES = ("TRACE", "ADF", "ORF", "TRF")
#: LIST is mock-only: the real handler is only known to answer DOWNLOAD.
ACTIONS = ("DOWNLOAD", "LIST")
KNOWN = ("action", "facility", "file", "date", "username")


@dataclass(frozen=True)
class DownloadParams:
    action: str
    facility: str | None
    file: str | None
    day: date | None
    username: str | None


def merge(sources: Iterable[Iterable[tuple[str, str]]]) -> dict[str, str]:
    """Lower-cased names → values; one name given twice with different values is refused."""
    merged: dict[str, str] = {}
    for source in sources:
        for name, value in source:
            key = name.strip().lower()
            value = value.strip()
            if key in merged and merged[key] != value:
                raise bad_request(
                    f"The parameter '{key}' was given twice with different values "
                    f"('{merged[key]}' and '{value}'); give it once."
                )
            merged[key] = value
    return merged


def parse(values: dict[str, str]) -> DownloadParams:
    """Validate the merged parameters (400 with a message naming what to fix)."""
    action = values.get("action", "").upper()
    if not action:
        raise bad_request("Missing parameter 'action': use action=DOWNLOAD (or action=LIST to see your files).")
    if action not in ACTIONS:
        raise bad_request(
            f"Unknown action '{values['action']}': use action=DOWNLOAD (or action=LIST to see your files)."
        )
    facility = values.get("facility", "").upper() or None
    if facility is not None and facility not in FACILITIES:
        raise bad_request(f"Unknown facility '{values['facility']}': use one of {', '.join(FACILITIES)}.")
    code = values.get("file", "").upper() or None
    if action == "DOWNLOAD":
        missing = [name for name, value in (("facility", facility), ("file", code)) if value is None]
        if missing:
            raise bad_request(
                f"Missing parameter {' and '.join(repr(m) for m in missing)}: "
                "a download needs facility=TRACE|ADF|ORF|TRF and file=<file code>, "
                "for example action=DOWNLOAD&facility=TRACE&file=CAMASTER."
            )
    raw_date = values.get("date", "")
    day = parse_date(raw_date) if raw_date else None
    return DownloadParams(action, facility, code, day, values.get("username") or None)


def parse_date(text: str) -> date:
    """`MMDDYYYY` (the date format of the FINRA reference files' own date fields)."""
    if len(text) != 8 or not (text.isascii() and text.isdigit()):
        raise bad_request(f"Bad date '{text}': use MMDDYYYY, for example date=11202026 for 20 November 2026.")
    try:
        return date(int(text[4:]), int(text[:2]), int(text[2:4]))
    except ValueError:
        raise bad_request(f"Bad date '{text}': there is no such day (the format is MMDDYYYY).") from None


def bad_request(message: str) -> ClientError:
    return ClientError(400, message, "bad_request")
