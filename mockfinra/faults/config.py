"""Faults loaded at start from the file `MOCKFINRA_FAULTS` names (JSON or TOML).

The file holds a list of faults, or `{"faults": [...]}` (TOML: `[[faults]]` tables); an entry with
`preset` makes that preset's faults. They are stored with origin "settings" and replace the faults of
that origin on each start and each `POST /_mock/reset`, so a restart does not double them.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mockfinra.context import Context
from mockfinra.faults.book import book
from mockfinra.faults.presets import PresetOptions, preset_specs
from mockfinra.faults.spec import FaultSpec


class FaultsFileError(ValueError):
    """The faults file cannot be read or holds an invalid fault."""


def parse_entries(raw: Any, source: str) -> list[FaultSpec]:
    entries = raw.get("faults", []) if isinstance(raw, dict) else raw
    if not isinstance(entries, list):
        raise FaultsFileError(f"{source}: expected a list of faults or {{\"faults\": [...]}}")
    specs: list[FaultSpec] = []
    for index, entry in enumerate(entries):
        try:
            if isinstance(entry, dict) and "preset" in entry:
                specs.extend(preset_specs(PresetOptions.model_validate(entry)))
            else:
                specs.append(FaultSpec.model_validate(entry))
        except (ValidationError, ValueError) as error:
            raise FaultsFileError(f"{source}: faults[{index}]: {error}") from None
    return specs


def read_faults_file(path: Path) -> list[FaultSpec]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise FaultsFileError(f"faults file {path}: {error.strerror or error}") from None
    try:
        raw = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise FaultsFileError(f"faults file {path}: not valid {path.suffix.lstrip('.') or 'JSON'}: {error}") from None
    return parse_entries(raw, f"faults file {path}")


def load_configured_faults(ctx: Context) -> int:
    """(Re)load the faults file of the settings; returns how many faults it made."""
    path = ctx.settings.faults
    if path is None:
        return 0
    specs = read_faults_file(path)
    book(ctx).create(specs, origin="settings", replace_origin=True)
    return len(specs)
