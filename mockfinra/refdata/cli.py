"""`mockfinra files`: list the reference-data catalogue and generate a file for one business day."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

files_app = typer.Typer(
    help="Reference-data files: the catalogue and deterministic synthetic files.",
    no_args_is_help=True,
    add_completion=False,
)

#: show a progress bar from this many expected rows on
PROGRESS_FROM_ROWS = 200_000


def _fail(message: str) -> typer.Exit:
    typer.echo(f"mockfinra files: {message}", err=True)
    return typer.Exit(2)


def _refdata(seed: Optional[int], scale: Optional[float]) -> Any:
    from mockfinra.refdata.service import RefData
    from mockfinra.settings import Settings

    settings = Settings()
    if scale is not None and not scale > 0:
        raise _fail("--scale must be a positive number")
    return RefData(
        settings.refdata_seed if seed is None else seed,
        scale=settings.refdata_scale if scale is None else scale,
    )


@files_app.command("list")
def list_files() -> None:
    """The catalogue: every facility's files, whether each is confirmed or assumed, and when it appears."""
    from rich.console import Console
    from rich.table import Table

    from mockfinra.refdata.catalogue import load_catalogue

    table = Table(
        title="Reference-data files (times are Eastern, on each business day)", title_justify="left"
    )
    for column in ("facility", "code", "description", "kind", "status", "available at"):
        table.add_column(column)
    for spec in load_catalogue().files:
        table.add_row(
            spec.facility,
            spec.code,
            spec.description,
            spec.kind,
            spec.status,
            f"{spec.available_at:%H:%M} ET",
        )
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=200)  # piped: do not wrap the descriptions
    console.print(table)


@files_app.command("generate")
def generate(
    facility: str = typer.Option(..., "--facility", help="TRACE, ORF, ADF or TRF."),
    file: str = typer.Option(..., "--file", help="File code, e.g. CAMASTER (see `mockfinra files list`)."),
    day: str = typer.Option(..., "--date", help="Business day: YYYY-MM-DD or MMDDYYYY."),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the file."),
    scale: Optional[float] = typer.Option(
        None, help="Universe size factor [env MOCKFINRA_REFDATA_SCALE, default 1.0]."
    ),
    seed: Optional[int] = typer.Option(None, help="Generator seed [env MOCKFINRA_REFDATA_SEED]."),
) -> None:
    """Write one file for one business day (the same bytes the download API serves for that seed and scale)."""
    from mockfinra.refdata.calendar import is_business_day, parse_file_date
    from mockfinra.refdata.service import FIRST_DAY, LAST_DAY

    data = _refdata(seed, scale)
    facilities = sorted(data.facilities())
    if facility.strip().upper() not in facilities:
        raise _fail(f"unknown facility {facility!r}; facilities are: {', '.join(facilities)}")
    spec = data.find(facility, file)
    if spec is None:
        codes = sorted(s.code for s in data.files() if s.facility == facility.strip().upper())
        raise _fail(f"{facility.upper()} has no file {file!r}; its files are: {', '.join(codes)}")
    try:
        when = parse_file_date(day)
    except ValueError as error:
        raise _fail(str(error)) from None
    if not FIRST_DAY <= when <= LAST_DAY:
        raise _fail(
            f"{when.isoformat()} is outside {FIRST_DAY.year}-{LAST_DAY.year}, the years files are made for"
        )
    if not is_business_day(when):
        reason = "a weekend day" if when.weekday() >= 5 else "an NYSE holiday"
        raise _fail(f"{when.isoformat()} is {reason}; files exist for business days only")
    if output.is_dir():
        output = output / spec.filename(when)

    try:
        expected = data.plan(spec, when).expected_rows
    except ValueError as error:
        raise _fail(str(error)) from None
    try:
        if expected >= PROGRESS_FROM_ROWS:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )
            with Progress(*columns, transient=True) as progress:
                task = progress.add_task(spec.filename(when), total=expected)
                written = data.export(
                    spec, when, output, lambda done, total: progress.update(task, completed=done, total=total)
                )
        else:
            written = data.export(spec, when, output)
    except OSError as error:
        raise _fail(f"cannot write {output}: {error.strerror or error}") from None
    typer.echo(f"{output}: {written.rows} rows, {written.size} bytes, ETag {written.etag}")
