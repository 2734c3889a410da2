"""The `mockfinra` command: serve, healthcheck, and the command groups of each area."""

from __future__ import annotations

import gc
import ssl
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Optional

import typer

from mockfinra.control_client import tenants_app, totp_command, users_app
from mockfinra.db_cli import db_app
from mockfinra.download import cli as certs_cli
from mockfinra.refdata.cli import files_app
from mockfinra.server_address import server_url, settings_from
from mockfinra.settings import is_memory_url

app = typer.Typer(
    help="mockfinra: a local, offline emulator of FINRA's NTF (NASDAQ MFA, TRAQS, reference-data API).",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(certs_cli.app, name="certs")
app.add_typer(files_app, name="files")
app.add_typer(users_app, name="users")
app.add_typer(tenants_app, name="tenants")
app.add_typer(db_app, name="db")
app.command("totp")(totp_command)


@app.command()
def serve(
    host: Optional[str] = typer.Option(None, help="Interface to bind [env MOCKFINRA_HOST, default 127.0.0.1]."),
    port: Optional[int] = typer.Option(None, help="Port [env MOCKFINRA_PORT, default 8400]."),
    seed: Optional[Path] = typer.Option(None, help="Seed file (TOML) [env MOCKFINRA_SEED]."),
    db: Optional[str] = typer.Option(
        None, help="SQLAlchemy URL, or 'memory' [env MOCKFINRA_DB, default sqlite:///mockfinra.db]."
    ),
    log_level: Optional[str] = typer.Option(None, help="uvicorn log level [env MOCKFINRA_LOG_LEVEL]."),
    tls_cert: Optional[Path] = typer.Option(None, help="Serve HTTPS with this certificate (PEM) [env MOCKFINRA_TLS_CERT]."),
    tls_key: Optional[Path] = typer.Option(None, help="Key of --tls-cert (PEM) [env MOCKFINRA_TLS_KEY]."),
    tls_ca: Optional[Path] = typer.Option(
        None, help="Ask for client certificates signed by this CA (PEM) [env MOCKFINRA_TLS_CA]."
    ),
    workers: Optional[int] = typer.Option(
        None, min=1, max=64, help="Worker processes on the port [env MOCKFINRA_WORKERS, default 1]; docs/workers.md."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not print the banner."),
) -> None:
    """Start every site (MFA service, TRAQS, API download, legacy download) on one port."""
    # Start-up builds a few hundred thousand objects that all live as long as the process (modules, routes
    # with their pydantic adapters, the seed): the collector, which would scan them again and again as they
    # pile up (a third of the time to the first answer), waits until they are frozen below.
    gc.disable()
    from mockfinra.app import create_app
    from mockfinra.download.tls import TlsConfigError
    from mockfinra.http_server import uvicorn_options
    from mockfinra.outbox.serving import run_uvicorn
    from mockfinra.seed import SeedError, load_initial_state, read_seed
    from mockfinra.store.schema import SchemaBehind

    settings = settings_from(
        host=host, port=port, seed=seed, db=db, log_level=log_level, tls_cert=tls_cert, tls_key=tls_key, tls_ca=tls_ca,
        workers=workers,
    )
    if settings.workers > 1 and is_memory_url(settings.db):
        typer.echo(
            f"mockfinra: {settings.workers} workers need a store they can share: a SQLite file or PostgreSQL "
            "(--db). An in-memory store lives in one process; use --workers 1 with it.",
            err=True,
        )
        raise typer.Exit(2)
    try:
        read_seed(settings.seed)
        server_options = uvicorn_options(settings)  # parser, limits, timeouts and TLS
    except (SeedError, TlsConfigError) as error:
        typer.echo(f"mockfinra: {error}", err=True)
        raise typer.Exit(2) from None
    if settings.workers > 1:
        gc.enable()
        serve_workers(settings, server_options, quiet)
        return
    application = create_app(settings)
    try:
        load_initial_state(application.state.ctx)
    except (SeedError, SchemaBehind) as error:
        typer.echo(f"mockfinra: {error}", err=True)
        raise typer.Exit(2) from None
    if not quiet:
        print_banner(settings, application.state.ctx)
    # The startup objects (app, routes, seed) leave the collector's generations: a full collection under load
    # then scans only what requests made, instead of stalling the event loop (and the health probes) for long.
    gc.freeze()
    gc.enable()
    # Like uvicorn.run, but Ctrl+C also ends open /_mock/messages streams and long-polls at once.
    run_uvicorn(application, host=settings.host, port=settings.port, log_level=settings.log_level, **server_options)


def serve_workers(settings: Any, server_options: dict[str, Any], quiet: bool) -> None:
    """Tables, seed and the configured clock once, here; then the worker processes (mockfinra/workers.py)."""
    from mockfinra.app import build_context
    from mockfinra.seed import SeedError, load_initial_state
    from mockfinra.shared_state import shared_state
    from mockfinra.store.schema import SchemaBehind
    from mockfinra.workers import run_workers

    ctx = build_context(settings)
    try:
        load_initial_state(ctx)
        shared_state(ctx).start()
    except (SeedError, SchemaBehind) as error:
        typer.echo(f"mockfinra: {error}", err=True)
        raise typer.Exit(2) from None
    finally:
        shared_state(ctx).close()
    if not quiet:
        print_banner(settings, ctx)
    ctx.store.dispose()
    run_workers(settings, server_options)


def print_banner(settings: Any, ctx: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    from mockfinra.seed import seed_summary

    console = Console(highlight=False)
    base = server_url(settings)
    workers = f" — {settings.workers} workers" if settings.workers > 1 else ""
    console.print(f"[bold]mockfinra[/] — FINRA NTF emulator — state: {settings.db}{workers}")
    sites = Table(box=None, show_header=False, pad_edge=False)
    sites.add_column(no_wrap=True)
    sites.add_column(overflow="fold")
    for name, path in (
        ("MFA service (Okta API)", "/"),
        ("TRAQS", "/traqs/"),
        ("API download", "/apidownload/DownloadHandler.ashx"),
        ("Legacy download", "/download/DownloadHandler.ashx"),
        ("Control plane", "/_mock"),
    ):
        sites.add_row(f"  {name}", f"[cyan]{base}{path}[/]")
    console.print(sites)
    real = [*settings.mfa_hosts, *settings.traqs_hosts, *settings.apidownload_hosts, *settings.download_hosts]
    if real:
        console.print(f"[dim]  Also served at / of the real NTF names when they point here: {', '.join(real)}[/]")
    users = seed_summary(ctx)
    if users:
        table = Table(title="Seeded demo users", title_justify="left")
        for column in ("login", "password", "status", "entitlements", "factors"):
            table.add_column(column, overflow="fold")
        for row in users:
            table.add_row(*(str(row[column]) for column in ("login", "password", "status", "entitlements", "factors")))
        console.print(table)
    console.print(f"Ready when [cyan]{base}/_mock/ready[/] answers 200. Ctrl+C stops.")


@app.command("settings")
def settings_command() -> None:
    """Print every setting (environment variable, default, meaning) as a Markdown table."""
    from mockfinra.settings import settings_reference

    typer.echo(settings_reference(), nl=False)


@app.command()
def healthcheck(
    host: Optional[str] = typer.Option(None, help="Host of the running server [env MOCKFINRA_HOST]."),
    port: Optional[int] = typer.Option(None, help="Port of the running server [env MOCKFINRA_PORT]."),
    timeout: float = typer.Option(3.0, help="Seconds to wait for the answer."),
) -> None:
    """Exit 0 when the configured server answers `/_mock/ready` with 200 (for Docker HEALTHCHECK)."""
    settings = settings_from(host=host, port=port)
    url = f"{server_url(settings)}/_mock/ready"
    # Under TLS the server certificate comes from the mock's own CA: a loopback liveness probe skips verification.
    context = ssl._create_unverified_context() if settings.tls_cert else None  # noqa: S323
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as response:  # noqa: S310 - loopback only
            ok = response.status == 200
    except (urllib.error.URLError, OSError):
        ok = False
    typer.echo(f"{url}: {'ready' if ok else 'not ready'}")
    raise typer.Exit(0 if ok else 1)


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
