"""Reference-data files: the catalogue and deterministic generators (pure Python, no HTTP).

`RefData(seed, scale=..., cache_dir=...)` is the entry point (see `service.py` and docs/refdata.md).
"""

from mockfinra.refdata.cache import GeneratedFile
from mockfinra.refdata.catalogue import CatalogueError, FileSpec
from mockfinra.refdata.service import RefData

__all__ = ["RefData", "FileSpec", "GeneratedFile", "CatalogueError"]
