"""`mockfinra files list` and `mockfinra files generate`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mockfinra.cli import app
from mockfinra.refdata import RefData
from tests.refdata_support import SCALE, SEED

ENV = {"MOCKFINRA_REFDATA_SEED": str(SEED), "MOCKFINRA_REFDATA_SCALE": str(SCALE)}


def run(*args: str) -> object:
    return CliRunner().invoke(app, ["files", *args], env=ENV)


def test_list_shows_the_catalogue() -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    for text in (
        "facility",
        "CAMASTER",
        "EQUITYMASTERIN",
        "TRFPARTICIPANT",
        "confirmed",
        "assumed",
        "06:00 ET",
        "18:00 ET",
    ):
        assert text in result.output


@pytest.mark.parametrize("when", ["2026-11-20", "11202026"])
def test_generate_writes_the_served_bytes(tmp_path: Path, when: str) -> None:
    out = tmp_path / "camaster.txt"
    result = run("generate", "--facility", "trace", "--file", "camaster", "--date", when, "-o", str(out))
    assert result.exit_code == 0, result.output
    expected = RefData(SEED, scale=SCALE)
    spec = expected.find("TRACE", "CAMASTER")
    assert spec is not None
    generated = expected.open(spec, date(2026, 11, 20))
    assert out.read_bytes() == generated.read()
    assert f"{generated.rows} rows" in result.output and generated.etag in result.output


def test_generate_into_a_directory_uses_the_file_name(tmp_path: Path) -> None:
    result = run(
        "generate", "--facility", "ORF", "--file", "NEXTDAYDIV", "--date", "2026-11-20", "-o", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "NEXTDAYDIV_20261120.txt").read_text().startswith("SYM_CD|CUSIP_ID|")


def test_generate_scale_and_seed_options(tmp_path: Path) -> None:
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    base = ["generate", "--facility", "ADF", "--file", "ADFMASTER", "--date", "2026-11-20"]
    assert run(*base, "-o", str(small)).exit_code == 0
    assert run(*base, "-o", str(large), "--scale", "0.3", "--seed", "7").exit_code == 0
    assert len(large.read_bytes()) > 2 * len(small.read_bytes())


def test_a_progress_bar_for_large_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mockfinra.refdata.cli as files_cli

    monkeypatch.setattr(files_cli, "PROGRESS_FROM_ROWS", 10)
    out = tmp_path / "sp.txt"
    result = run(
        "generate", "--facility", "TRACE", "--file", "SPMASTER", "--date", "2026-11-20", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines()[-1].startswith("TRAILER|")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--facility", "NYSE", "--file", "CAMASTER", "--date", "2026-11-20"], "unknown facility 'NYSE'"),
        (
            ["--facility", "TRACE", "--file", "NOPE", "--date", "2026-11-20"],
            "TRACE has no file 'NOPE'; its files are: CAMASTER",
        ),
        (
            ["--facility", "TRACE", "--file", "CAMASTER", "--date", "2026-11-21"],
            "2026-11-21 is a weekend day",
        ),
        (
            ["--facility", "TRACE", "--file", "CAMASTER", "--date", "11262026"],
            "2026-11-26 is an NYSE holiday",
        ),
        (["--facility", "TRACE", "--file", "CAMASTER", "--date", "2026-12-25"], "NYSE holiday"),
        (["--facility", "TRACE", "--file", "CAMASTER", "--date", "soon"], "is not a date"),
        (["--facility", "TRACE", "--file", "CAMASTER", "--date", "2345-01-02"], "outside 1990-2199"),
        (["--facility", "TRACE", "--file", "CAMASTER", "--date", "2026-11-20", "--scale", "-1"], "--scale"),
    ],
)
def test_generate_errors_exit_2_and_write_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out.txt"
    result = run("generate", *args, "-o", str(out))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_generate_into_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(
        "generate",
        "--facility",
        "TRACE",
        "--file",
        "TSYMASTER",
        "--date",
        "2026-11-20",
        "-o",
        str(blocker / "x.txt"),
    )
    assert result.exit_code == 2 and "cannot write" in result.output
