"""Where the packaged data files and page templates are.

In the repository `data/` and `templates/` sit beside the `mockfinra` package; a wheel carries them inside
it (`mockfinra/data`, `mockfinra/templates`, see pyproject.toml). An installed package finds its own copy,
an editable install or a source checkout the top-level folders.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


DATA_DIR = _bundled("data")
TEMPLATES_DIR = _bundled("templates")
