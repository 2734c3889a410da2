"""The universes: one `Family` per kind of reference data.

`FIELDS` is light (the catalogue validates columns against it at start-up); `load_family` imports
a family's generator, and numpy with it, only when a universe is first built.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from mockfinra.refdata.families.fields import FIELDS

if TYPE_CHECKING:
    from mockfinra.refdata.universe import Family

_CLASSES = {
    "corporate": "bonds:CorporateBonds",
    "securitized": "bonds:SecuritizedProducts",
    "treasury": "bonds:Treasuries",
    "otc_equity": "equities:OtcEquities",
    "nms_equity": "equities:NmsEquities",
    "participants": "participants:Participants",
}
assert set(_CLASSES) == set(FIELDS)


def load_family(name: str) -> "Family":
    module, cls = _CLASSES[name].split(":")
    return getattr(import_module(f"mockfinra.refdata.families.{module}"), cls)()


__all__ = ["FIELDS", "load_family"]
