"""Documentation that is generated or linked stays true to the code."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from mockfinra.cli import app
from mockfinra.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_settings_page_is_what_mockfinra_settings_prints() -> None:
    printed = CliRunner().invoke(app, ["settings"])
    assert printed.exit_code == 0
    page = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert printed.output in page, "regenerate: mockfinra settings, pasted into docs/settings.md"
    for name in Settings.model_fields:
        assert f"`MOCKFINRA_{name.upper()}`" in printed.output


def test_every_setting_is_described() -> None:
    assert [name for name, field in Settings.model_fields.items() if not field.description] == []


def test_readme_links_point_at_existing_pages() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\((docs/[^)#]+)\)", readme)
    assert targets, "README links the area pages"
    assert [t for t in targets if not (ROOT / t).exists()] == []
