"""The mock's own certificate authority: a CA, a server certificate and per-user client certificates.

The legacy (certificate-era) download host wanted an NWSF user id and password plus a client
certificate. `mockfinra certs init` makes a CA and a server certificate for localhost, 127.0.0.1 and the
NTF host names; `mockfinra certs client --login LOGIN` issues a client certificate whose subject CN and
emailAddress (and an rfc822Name SAN) are the login. Everything is written as PEM files into one
directory. `cryptography` is imported inside the functions (it is slow to import).

Certificate validity is checked by TLS against the wall clock, not the mock clock, so certificates are
dated from the real time of issue.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable

DEFAULT_DIR = Path("mockfinra-certs")
CA_CERT = "ca.pem"
CA_KEY = "ca-key.pem"
SERVER_CERT = "server.pem"
SERVER_KEY = "server-key.pem"
CLIENTS_DIR = "clients"


class CertError(Exception):
    """A refused certificate operation, with a message a person can act on."""


@dataclass(frozen=True)
class ClientFiles:
    cert: Path
    key: Path
    p12: Path


def ca_paths(directory: Path) -> tuple[Path, Path]:
    return directory / CA_CERT, directory / CA_KEY


def server_paths(directory: Path) -> tuple[Path, Path]:
    return directory / SERVER_CERT, directory / SERVER_KEY


def client_paths(directory: Path, login: str) -> ClientFiles:
    folder, stem = directory / CLIENTS_DIR, _file_stem(login)
    return ClientFiles(folder / f"{stem}.pem", folder / f"{stem}-key.pem", folder / f"{stem}.p12")


def server_hosts(settings: Any, extra: Iterable[str] = ()) -> list[str]:
    """localhost, the loopback addresses, every configured NTF host name, then `extra`."""
    names = ["localhost", "127.0.0.1", "::1"]
    for hosts in (settings.mfa_hosts, settings.traqs_hosts, settings.apidownload_hosts, settings.download_hosts):
        names.extend(hosts)
    names.extend(extra)
    return _unique(names)


def init_ca(
    directory: Path,
    hosts: Iterable[str],
    *,
    days: int = 825,
    force: bool = False,
    org: str = "mockfinra",
) -> list[Path]:
    """Create the CA and a server certificate for `hosts` (DNS names or IP addresses)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_cert_path, ca_key_path = ca_paths(directory)
    if ca_cert_path.exists() and not force:
        raise CertError(f"{ca_cert_path} already exists; pass --force to replace the CA (every issued certificate stops working).")
    names = _unique(hosts)
    if not names:
        raise CertError("The server certificate needs at least one host name.")
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc) - timedelta(minutes=5)

    ca_key = _new_key()
    ca_name = x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org), x509.NameAttribute(NameOID.COMMON_NAME, f"{org} local CA")]
    )
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    server_key = _new_key()
    server_cert = (
        _leaf_builder(ca_cert, ca_key, server_key, x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]), now, days)
        .add_extension(x509.SubjectAlternativeName([_general_name(name) for name in names]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    server_cert_path, server_key_path = server_paths(directory)
    written = [
        _write(ca_cert_path, _cert_pem(ca_cert)),
        _write(ca_key_path, _key_pem(ca_key), private=True),
        _write(server_cert_path, _cert_pem(server_cert) + _cert_pem(ca_cert)),
        _write(server_key_path, _key_pem(server_key), private=True),
    ]
    return written


def issue_client(
    directory: Path,
    login: str,
    *,
    days: int = 365,
    p12_password: str = "mockfinra",
    force: bool = True,
) -> ClientFiles:
    """Issue a client certificate for `login` signed by the CA in `directory` (PEM + PKCS#12 for browsers)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    login = login.strip()
    if not login or any(ch in login for ch in "/\\\n\r\0"):
        raise CertError(f"'{login}' is not a usable login: give the user's MFA login (an email address).")
    ca_cert, ca_key = load_ca(directory)
    files = client_paths(directory, login)
    if files.cert.exists() and not force:
        raise CertError(f"{files.cert} already exists.")
    now = datetime.now(timezone.utc) - timedelta(minutes=5)
    key = _new_key()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "mockfinra NWSF users"),
            x509.NameAttribute(NameOID.COMMON_NAME, login),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, login),
        ]
    )
    cert = (
        _leaf_builder(ca_cert, ca_key, key, subject, now, days)
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(login)]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    files.cert.parent.mkdir(parents=True, exist_ok=True)
    _write(files.cert, _cert_pem(cert))
    _write(files.key, _key_pem(key), private=True)
    encryption: Any = (
        serialization.BestAvailableEncryption(p12_password.encode()) if p12_password else serialization.NoEncryption()
    )
    p12 = pkcs12.serialize_key_and_certificates(login.encode(), key, cert, [ca_cert], encryption)
    _write(files.p12, p12, private=True)
    return files


def load_ca(directory: Path) -> tuple[Any, Any]:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert_path, key_path = ca_paths(directory)
    if not cert_path.exists() or not key_path.exists():
        raise CertError(f"No CA in {directory}: run `mockfinra certs init --dir {directory}` first.")
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except ValueError as error:
        raise CertError(f"The CA files in {directory} cannot be read: {error}") from None
    return cert, key


def describe(path: Path) -> dict[str, str]:
    """Subject, issuer, validity and names of the first certificate in a PEM file."""
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(path.read_bytes())
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = ", ".join(str(getattr(name, "value", name)) for name in san)
    except x509.ExtensionNotFound:
        names = ""
    return {
        "file": str(path),
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "notAfter": cert.not_valid_after_utc.isoformat(),
        "names": names,
    }


# --- helpers ----------------------------------------------------------------------------------------


def _new_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _leaf_builder(ca_cert: Any, ca_key: Any, key: Any, subject: Any, now: datetime, days: int) -> Any:
    from cryptography import x509

    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(min(now + timedelta(days=days), ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )


def _key_usage(cert_sign: bool) -> Any:
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _general_name(name: str) -> Any:
    from cryptography import x509

    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _cert_pem(cert: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, data: bytes, private: bool = False) -> Path:
    path.write_bytes(data)
    if private:
        path.chmod(0o600)
    return path


def _unique(hosts: Iterable[str]) -> list[str]:
    result: list[str] = []
    for host in hosts:
        host = host.strip().lower()
        if host and host not in result:
            result.append(host)
    return result


def _file_stem(login: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "@._-+" else "_" for ch in login.lower())
