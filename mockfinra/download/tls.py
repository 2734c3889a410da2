"""Serving TLS with optional client certificates, and reading the client certificate per request.

uvicorn verifies client certificates against `ssl_ca_certs` but does not put the peer certificate in
the ASGI scope (the ASGI `tls` extension is not implemented upstream: encode/uvicorn#1119 and #745).
`TlsScopeProtocol` is a thin subclass of uvicorn's own HTTP protocol: when a TLS connection is made it
reads the verified peer certificate from the transport's `ssl_object` and adds the ASGI `tls` extension
(`scope["extensions"]["tls"]`, spec https://asgi.readthedocs.io/en/latest/specs/tls.html) to every
request on that connection. A server that implements the extension itself works the same way.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from starlette.requests import HTTPConnection

#: TLS protocol versions as the ASGI tls extension numbers them
_TLS_VERSIONS = {"TLSv1": 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303, "TLSv1.3": 0x0304}

_SHORT = {"commonName": "CN", "organizationName": "O", "organizationalUnitName": "OU", "countryName": "C"}


class TlsConfigError(Exception):
    """The TLS options do not fit together (shown to the person starting the server)."""


def uvicorn_tls_options(settings: Any) -> dict[str, Any]:
    """Keyword arguments for `uvicorn.Config`/`uvicorn.run`: {} for plain HTTP.

    With `tls_ca` the server asks every client for a certificate (CERT_OPTIONAL: a browser without one
    can still use the MFA and TRAQS sites) and refuses the handshake when a presented certificate was
    not signed by that CA; the legacy download host then requires one.
    """
    cert, key, ca = settings.tls_cert, settings.tls_key, settings.tls_ca
    if cert is None and key is None and ca is None:
        return {}
    if cert is None or key is None:
        raise TlsConfigError("TLS needs both a server certificate and its key (--tls-cert and --tls-key).")
    for label, path in (("certificate", cert), ("key", key), ("CA certificate", ca)):
        if path is not None and not Path(path).is_file():
            raise TlsConfigError(f"The TLS {label} file {path} does not exist (create them with `mockfinra certs init`).")
    options: dict[str, Any] = {"ssl_certfile": str(cert), "ssl_keyfile": str(key), "http": tls_protocol_class()}
    if ca is not None:
        options.update({"ssl_ca_certs": str(ca), "ssl_cert_reqs": ssl.CERT_OPTIONAL})
    return options


def tls_protocol_class(base: type | None = None) -> type:
    """`base` (default: uvicorn's automatic HTTP protocol), extended to publish the ASGI `tls` extension."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    class TlsScopeProtocol(base or AutoHTTPProtocol):  # type: ignore[misc, valid-type]
        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            ssl_object = transport.get_extra_info("ssl_object")
            if ssl_object is None:
                return
            extension = tls_extension(ssl_object)
            inner: Any = self.app  # type: ignore[has-type]

            async def app_with_tls(scope: Any, receive: Any, send: Any) -> None:
                if scope.get("type") in ("http", "websocket"):
                    extensions = dict(scope.get("extensions") or {})
                    extensions["tls"] = extension
                    scope["extensions"] = extensions
                await inner(scope, receive, send)

            self.app = app_with_tls

    return TlsScopeProtocol


def tls_extension(ssl_object: Any) -> dict[str, Any]:
    """The ASGI tls extension dict for one connection."""
    der = ssl_object.getpeercert(binary_form=True)
    cipher = ssl_object.cipher()
    return {
        "server_cert": None,
        "client_cert_chain": [ssl.DER_cert_to_PEM_cert(der)] if der else [],
        "client_cert_name": _rfc4514(ssl_object.getpeercert()) if der else None,
        "client_cert_error": None,
        "tls_version": _TLS_VERSIONS.get(ssl_object.version() or ""),
        "cipher_suite": None,
        "cipher_name": cipher[0] if cipher else None,
    }


def connection_is_tls(request: HTTPConnection) -> bool:
    return "tls" in (request.scope.get("extensions") or {}) or request.url.scheme in ("https", "wss")


def client_certificate_pem(request: HTTPConnection) -> str | None:
    """The client's leaf certificate (PEM) if the connection carried a verified one."""
    tls = (request.scope.get("extensions") or {}).get("tls") or {}
    chain = list(tls.get("client_cert_chain") or [])
    return chain[0] if chain else None


def _rfc4514(peer: dict[str, Any] | None) -> str | None:
    if not peer or "subject" not in peer:
        return None
    parts = [f"{_SHORT.get(name, name)}={value}" for rdn in reversed(peer["subject"]) for name, value in rdn]
    return ",".join(parts)
