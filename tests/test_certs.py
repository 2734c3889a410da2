"""`mockfinra certs` and the legacy download host over real TLS with client certificates."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from mockfinra.cli import app as cli
from mockfinra.testing import MockfinraServer
from tests.download_support import LEGACY, PASSWORD, download_settings, query

runner = CliRunner()


def certs(*args: str):
    return runner.invoke(cli, ["certs", *args])


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A CA with a client certificate for trace@ and orf@, and a second, unrelated CA with one for trace@."""
    base = tmp_path_factory.mktemp("certs")
    ours, theirs = base / "ours", base / "theirs"
    for directory in (ours, theirs):
        assert certs("init", "--dir", str(directory)).exit_code == 0
    assert certs("client", "--login", "trace@example.com", "--dir", str(ours)).exit_code == 0
    assert certs("client", "--login", "orf@example.com", "--dir", str(ours)).exit_code == 0
    assert certs("client", "--login", "trace@example.com", "--dir", str(theirs)).exit_code == 0
    return {"ours": ours, "theirs": theirs}


# --- the CLI ----------------------------------------------------------------------------------------


def test_init_writes_ca_and_server_certificate_for_every_host(tmp_path: Path) -> None:
    from cryptography import x509

    result = certs("init", "--dir", str(tmp_path / "c"), "--host", "mock.internal")
    assert result.exit_code == 0, result.output
    for name in ("ca.pem", "ca-key.pem", "server.pem", "server-key.pem"):
        assert (tmp_path / "c" / name).is_file()
    assert oct((tmp_path / "c" / "ca-key.pem").stat().st_mode & 0o777) == "0o600"
    server = x509.load_pem_x509_certificate((tmp_path / "c" / "server.pem").read_bytes())
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    names = set(san.get_values_for_type(x509.DNSName)) | {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    assert {"localhost", "127.0.0.1", "mock.internal", "mpp-test.nasdaq.com", "www-ntf.finratraqs.org"} <= names
    assert {"apidownload-ntf.finratraqs.org", "download-ntf2.finratraqs.org", "download-ntf.finratraqs.org"} <= names
    assert "--tls-ca" in result.output


def test_init_refuses_to_replace_a_ca_without_force(tmp_path: Path) -> None:
    assert certs("init", "--dir", str(tmp_path)).exit_code == 0
    before = (tmp_path / "ca.pem").read_bytes()
    again = certs("init", "--dir", str(tmp_path))
    assert again.exit_code == 2 and "--force" in again.output
    assert (tmp_path / "ca.pem").read_bytes() == before
    assert certs("init", "--dir", str(tmp_path), "--force").exit_code == 0
    assert (tmp_path / "ca.pem").read_bytes() != before


def test_client_needs_a_ca(tmp_path: Path) -> None:
    result = certs("client", "--login", "trace@example.com", "--dir", str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert "certs init" in result.output


def test_client_certificate_names_the_login(issued: dict[str, Path]) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    folder = issued["ours"] / "clients"
    cert = x509.load_pem_x509_certificate((folder / "trace@example.com.pem").read_bytes())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "trace@example.com"
    assert cert.subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)[0].value == "trace@example.com"
    ca = x509.load_pem_x509_certificate((issued["ours"] / "ca.pem").read_bytes())
    cert.verify_directly_issued_by(ca)
    bundle = pkcs12.load_pkcs12((folder / "trace@example.com.p12").read_bytes(), b"mockfinra")
    assert bundle.cert is not None and bundle.cert.certificate == cert


def test_show_lists_certificates(issued: dict[str, Path], tmp_path: Path) -> None:
    result = certs("show", "--dir", str(issued["ours"]))
    assert result.exit_code == 0
    assert "CN=trace@example.com" in result.output and "local CA" in result.output
    assert certs("show", "--dir", str(tmp_path)).exit_code == 2


def test_serve_refuses_incomplete_tls_options(tmp_path: Path) -> None:
    result = runner.invoke(cli, ["serve", "--tls-cert", str(tmp_path / "missing.pem"), "--db", "memory", "-q"])
    assert result.exit_code == 2
    assert "--tls-key" in result.output


# --- a live TLS server ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_server(issued: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    ours = issued["ours"]
    settings = download_settings(
        tmp_path_factory.mktemp("seed"),
        tls_cert=ours / "server.pem",
        tls_key=ours / "server-key.pem",
        tls_ca=ours / "ca.pem",
    )
    with MockfinraServer(settings) as server:
        yield server


def tls_client(issued: dict[str, Path], login: str | None, ca: str = "ours") -> httpx.Client:
    context = ssl.create_default_context(cafile=str(issued["ours"] / "ca.pem"))
    if login is not None:
        folder = issued[ca] / "clients"
        context.load_cert_chain(str(folder / f"{login}.pem"), str(folder / f"{login}-key.pem"))
    return httpx.Client(verify=context, timeout=30)


def test_tls_download_with_client_certificate(issued, tls_server) -> None:
    assert tls_server.url.startswith("https://")
    with tls_client(issued, "trace@example.com") as client:
        response = client.get(tls_server.url + LEGACY + query(), auth=("trace@example.com", PASSWORD))
        assert response.status_code == 200, response.text
        assert response.headers["content-disposition"] == 'attachment; filename="CAMASTER_20261120.txt"'
        assert response.text.splitlines()[0].count("|") > 2
        wrong = client.get(tls_server.url + LEGACY + query(), auth=("trace@example.com", "Wrong-Pass-1"))
        assert wrong.status_code == 401


def test_tls_without_client_certificate_is_refused(issued, tls_server) -> None:
    with tls_client(issued, None) as client:
        response = client.get(tls_server.url + LEGACY + query(), auth=("trace@example.com", PASSWORD))
        assert response.status_code == 403
        assert "client certificate is required" in response.text
        assert client.get(tls_server.url + "/_mock/health").status_code == 200  # other sites need none


def test_tls_certificate_of_another_user_is_refused(issued, tls_server) -> None:
    with tls_client(issued, "orf@example.com") as client:
        response = client.get(tls_server.url + LEGACY + query(), auth=("trace@example.com", PASSWORD))
        assert response.status_code == 403
        assert "not issued to user id trace@example.com" in response.text


def test_tls_certificate_from_another_ca_cannot_connect(issued, tls_server) -> None:
    with tls_client(issued, "trace@example.com", ca="theirs") as client, pytest.raises((httpx.TransportError, ssl.SSLError)):
        client.get(tls_server.url + LEGACY + query(), auth=("trace@example.com", PASSWORD))


def test_tls_bearer_host_works_too(issued, tls_server) -> None:
    from tests.download_support import access_token

    token = access_token(tls_server.app, "trace@example.com")
    with tls_client(issued, None) as client:
        response = client.get(
            tls_server.url + "/apidownload/DownloadHandler.ashx" + query(), headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text


@pytest.mark.serve
@pytest.mark.parametrize("workers", [1, 2])
def test_mockfinra_serve_with_tls_options(issued, tmp_path: Path, workers: int) -> None:
    """The real `mockfinra serve --tls-cert --tls-key --tls-ca`, and `healthcheck` against it; with two worker
    processes too (each builds the same TLS protocol, docs/workers.md)."""
    import os
    import subprocess
    import sys
    import time

    from mockfinra.testing import free_port
    from tests.download_support import write_seed

    ours, port = issued["ours"], free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKFINRA_")}
    env.update(MOCKFINRA_HASH_COST="4", MOCKFINRA_REFDATA_SCALE="0.05", MOCKFINRA_CLOCK_START="2026-11-20T20:00:00Z")
    argv = [
        sys.executable, "-m", "mockfinra.cli", "serve", "--port", str(port), "--db", "memory", "-q",
        "--seed", str(write_seed(tmp_path)),
        "--tls-cert", str(ours / "server.pem"), "--tls-key", str(ours / "server-key.pem"), "--tls-ca", str(ours / "ca.pem"),
    ]  # fmt: skip
    if workers > 1:
        argv[argv.index("memory")] = f"sqlite:///{tmp_path / 'tls.db'}"
        argv += ["--workers", str(workers)]
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"https://127.0.0.1:{port}"
        with tls_client(issued, "trace@example.com") as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get(url + "/_mock/ready").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
            response = client.get(url + LEGACY + query(), auth=("trace@example.com", PASSWORD))
            assert response.status_code == 200, response.text
        health = subprocess.run(
            [sys.executable, "-m", "mockfinra.cli", "healthcheck", "--port", str(port)],
            env={**env, "MOCKFINRA_TLS_CERT": str(ours / "server.pem")},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert health.returncode == 0, health.stdout + health.stderr
        assert "https://" in health.stdout
    finally:
        process.terminate()
        process.wait(timeout=15)
