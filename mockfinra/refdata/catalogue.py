"""The file catalogue (`data/catalogue.toml`): facilities, files, columns and schedules."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Sequence

from mockfinra.resources import DATA_DIR

CATALOGUE_PATH = DATA_DIR / "catalogue.toml"
KINDS = ("master", "daily", "participants", "participants_daily", "deltas", "dividends")
SNAPSHOT_KINDS = ("master", "participants")
CHANGE_KINDS = ("daily", "participants_daily", "deltas")
STATUSES = ("confirmed", "assumed")
LAYOUTS = ("confirmed", "partial", "assumed")


class CatalogueError(ValueError):
    """The catalogue file is malformed (names the file and the entry)."""


@dataclass(frozen=True)
class UniverseSpec:
    name: str
    family: str
    rows: int
    description: str = ""


@dataclass(frozen=True)
class FileSpec:
    facility: str
    code: str
    description: str
    kind: str  # master|daily|participants|participants_daily|deltas|dividends
    status: str  # "confirmed" | "assumed" (against the reference)
    columns: tuple[str, ...]
    available_at: time  # Eastern time on the file's business day
    notes: str
    # additions to the published interface
    universe: str = ""
    layout: str = "assumed"  # how much of `columns` is published: confirmed|partial|assumed
    master: str | None = None  # the master a daily/deltas file is the difference of
    view: str = "active"  # "inactive": records deleted within `lookback_weekdays`
    lookback_weekdays: int = 0
    events: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False, hash=False)

    def filename(self, day: date) -> str:
        return f"{self.code}_{day:%Y%m%d}.txt"


@dataclass(frozen=True)
class Catalogue:
    facilities: Mapping[str, str]
    universes: Mapping[str, UniverseSpec]
    files: tuple[FileSpec, ...]
    fingerprint: str


#: columns a changes file may carry besides fields: dividend details, dates and the record id
DIVIDEND_FIELDS = ("DVDND_TYPE_CD", "CASH_DVDND_AM", "DCLRTN_DT", "EX_DT", "RCRD_DT", "PYBL_DT")
SPECIAL_COLUMNS = ("LIST_DT", "EFFECTIVE_DT", "DAILY_LIST_TS", "RCRD_ID")
REQUIRED_EVENTS = ("add", "delete", "change")


def check_columns(spec: FileSpec, fields: Sequence[str]) -> None:
    """Raise CatalogueError when a column cannot be filled for the file's kind."""
    where = f"file {spec.facility}/{spec.code}"
    if spec.view == "inactive" and (spec.lookback_weekdays <= 0 or spec.kind not in SNAPSHOT_KINDS):
        raise CatalogueError(f"{where}: an inactive view is for masters and needs lookback_weekdays > 0")
    for column, values in spec.events.items():
        missing = [kind for kind in REQUIRED_EVENTS if kind not in values]
        if missing:
            raise CatalogueError(f"{where}: events.{column} lacks {', '.join(missing)}")
    for column in spec.columns:
        if column in fields:
            continue
        if spec.kind in SNAPSHOT_KINDS:
            raise CatalogueError(f"{where}: column {column} is not a field of universe {spec.universe}")
        if spec.kind == "dividends":
            if column not in DIVIDEND_FIELDS:
                raise CatalogueError(f"{where}: column {column} is neither a security nor a dividend field")
            continue
        base = column[4:] if column[:4].upper() in ("NEW_", "OLD_") else None
        if column.upper() in SPECIAL_COLUMNS or column in spec.events or (base and base in fields):
            continue
        raise CatalogueError(
            f"{where}: column {column} is unknown (not a field, NEW_/OLD_ field, event or date column)"
        )


def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    import hashlib

    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CatalogueError(f"{path}: {error}") from None
    try:
        return _parse(data, hashlib.sha256(raw).hexdigest()[:16])
    except CatalogueError as error:
        raise CatalogueError(f"{path}: {error}") from None


def _parse(data: dict[str, Any], fingerprint: str) -> Catalogue:
    from mockfinra.refdata.families import FIELDS

    facilities = {str(item["code"]).upper(): str(item.get("name", "")) for item in data.get("facilities", [])}
    universes: dict[str, UniverseSpec] = {}
    for name, item in data.get("universes", {}).items():
        if item.get("family") not in FIELDS:
            raise CatalogueError(
                f"universe {name}: unknown family {item.get('family')!r} (known: {', '.join(FIELDS)})"
            )
        rows = item.get("rows")
        if not isinstance(rows, int) or rows < 1:
            raise CatalogueError(f"universe {name}: rows must be a positive integer")
        universes[name] = UniverseSpec(name, item["family"], rows, str(item.get("description", "")))
    files: list[FileSpec] = []
    seen: set[tuple[str, str]] = set()
    for item in data.get("files", []):
        spec = _file(item, facilities, universes)
        key = (spec.facility, spec.code)
        if key in seen:
            raise CatalogueError(f"file {spec.facility}/{spec.code} is listed twice")
        seen.add(key)
        check_columns(spec, FIELDS[universes[spec.universe].family])
        files.append(spec)
    return Catalogue(MappingProxyType(facilities), MappingProxyType(universes), tuple(files), fingerprint)


def _file(
    item: dict[str, Any], facilities: Mapping[str, str], universes: Mapping[str, UniverseSpec]
) -> FileSpec:
    where = f"file {item.get('facility')}/{item.get('code')}"
    for key in ("facility", "code", "description", "kind", "status", "universe", "available_at", "columns"):
        if key not in item:
            raise CatalogueError(f"{where}: missing {key!r}")
    facility, code = str(item["facility"]).upper(), str(item["code"]).upper()
    if facility not in facilities:
        raise CatalogueError(f"{where}: unknown facility")
    if item["kind"] not in KINDS:
        raise CatalogueError(f"{where}: kind must be one of {', '.join(KINDS)}")
    if item["status"] not in STATUSES:
        raise CatalogueError(f"{where}: status must be confirmed or assumed")
    if item.get("layout", "assumed") not in LAYOUTS:
        raise CatalogueError(f"{where}: layout must be one of {', '.join(LAYOUTS)}")
    if item["universe"] not in universes:
        raise CatalogueError(f"{where}: unknown universe {item['universe']!r}")
    try:
        available_at = time.fromisoformat(str(item["available_at"]))
    except ValueError:
        raise CatalogueError(f"{where}: available_at must be HH:MM (Eastern time)") from None
    columns = item["columns"]
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) and c for c in columns):
        raise CatalogueError(f"{where}: columns must be a non-empty list of names")
    if len(set(columns)) != len(columns):
        raise CatalogueError(f"{where}: a column is listed twice")
    events = {
        str(column): MappingProxyType({str(k): str(v) for k, v in values.items()})
        for column, values in item.get("events", {}).items()
    }
    view = item.get("view", "active")
    if view not in ("active", "inactive"):
        raise CatalogueError(f"{where}: view must be active or inactive")
    return FileSpec(
        facility=facility,
        code=code,
        description=str(item["description"]),
        kind=item["kind"],
        status=item["status"],
        columns=tuple(columns),
        available_at=available_at,
        notes=str(item.get("notes", "")),
        universe=item["universe"],
        layout=item.get("layout", "assumed"),
        master=str(item["master"]).upper() if item.get("master") else None,
        view=view,
        lookback_weekdays=int(item.get("lookback_weekdays", 0)),
        events=MappingProxyType(events),
    )
