"""`mockfinra certs`: the local CA, the server certificate and per-user client certificates."""

from __future__ import annotations

from pathlib import Path
from typing import List, NoReturn, Optional

import typer

from mockfinra.download import certs

app = typer.Typer(
    help="Certificates for TLS and the legacy (certificate-era) download host.",
    no_args_is_help=True,
)

DIR_OPTION = typer.Option(certs.DEFAULT_DIR, "--dir", "-d", help="Directory of the CA and certificates.")


@app.command("init")
def init(
    directory: Path = DIR_OPTION,
    host: Optional[List[str]] = typer.Option(
        None, "--host", help="Extra DNS name or IP for the server certificate (repeatable)."
    ),
    days: int = typer.Option(825, min=1, help="Validity of the CA and server certificate in days."),
    force: bool = typer.Option(False, "--force", help="Replace an existing CA (issued certificates stop working)."),
) -> None:
    """Create a CA and a server certificate for localhost, 127.0.0.1 and the NTF host names."""
    from mockfinra.settings import Settings

    hosts = certs.server_hosts(Settings(), host or [])
    try:
        written = certs.init_ca(directory, hosts, days=days, force=force)
    except certs.CertError as error:
        _fail(str(error))
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(f"server certificate names: {', '.join(hosts)}")
    cert, key = certs.server_paths(directory)
    ca, _ = certs.ca_paths(directory)
    typer.echo(f"serve with: mockfinra serve --tls-cert {cert} --tls-key {key} --tls-ca {ca}")


@app.command("client")
def client(
    login: str = typer.Option(..., "--login", "-l", help="The user's login (NWSF user id), e.g. trace.analyst@example.com."),
    directory: Path = DIR_OPTION,
    days: int = typer.Option(365, min=1, help="Validity in days."),
    p12_password: str = typer.Option(
        "mockfinra", help="Password of the PKCS#12 bundle for browsers ('' for none)."
    ),
) -> None:
    """Issue a client certificate (CN and email = LOGIN) signed by the CA."""
    try:
        files = certs.issue_client(directory, login, days=days, p12_password=p12_password)
    except certs.CertError as error:
        _fail(str(error))
    typer.echo(f"wrote {files.cert}\nwrote {files.key}\nwrote {files.p12}")
    typer.echo(f"use with: curl --cacert {directory / certs.CA_CERT} --cert {files.cert} --key {files.key} -u '{login}:PASSWORD' ...")


@app.command("show")
def show(directory: Path = DIR_OPTION) -> None:
    """List the CA, server and client certificates in the directory."""
    paths = [directory / certs.CA_CERT, directory / certs.SERVER_CERT]
    paths += sorted((directory / certs.CLIENTS_DIR).glob("*.pem")) if (directory / certs.CLIENTS_DIR).is_dir() else []
    found = [path for path in paths if path.is_file() and not path.name.endswith("-key.pem")]
    if not found:
        _fail(f"No certificates in {directory}: run `mockfinra certs init --dir {directory}` first.")
    for path in found:
        info = certs.describe(path)
        typer.echo(f"{info['file']}\n  subject:  {info['subject']}\n  issuer:   {info['issuer']}")
        typer.echo(f"  expires:  {info['notAfter']}" + (f"\n  names:    {info['names']}" if info["names"] else ""))


def _fail(message: str) -> NoReturn:
    typer.echo(f"mockfinra: {message}", err=True)
    raise typer.Exit(2)
