"""How `mockfinra serve` and `MockfinraServer` configure uvicorn: parser, limits and timeouts (issue 11).

- Parser: h11 by default. uvicorn's httptools parser has no header size limit and parses a 64 MiB header for
  seconds while every other request waits (bench/header_flood.py); h11 refuses a head over
  `max_header_bytes` at once (400, `Connection: close`).
- Keep-alive: `keep_alive_timeout_seconds` (75 s) is longer than the pool expiry of common clients (httpx
  5 s, aiohttp 15 s, Node 4-5 s), so a pooled connection is closed by the client, never under it while its
  next request is on the way (uvicorn's 5 s equals httpx's and races with it).
- Slow clients: a connection that sends nothing is closed after the keep-alive timeout (uvicorn waits forever),
  one whose request line and headers take longer than `header_timeout_seconds` gets 408 and is closed, and a
  body that stalls for `body_timeout_seconds` is cut off.
"""

from __future__ import annotations

import asyncio
from typing import Any

from mockfinra.settings import Settings

REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
    b"content-length: 46\r\n\r\nThe request headers did not arrive in time.\r\n\r\n"
)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `uvicorn.Config` (host, port and log level apart), TLS included."""
    from mockfinra.download.tls import tls_protocol_class, uvicorn_tls_options

    options: dict[str, Any] = {"timeout_keep_alive": settings.keep_alive_timeout_seconds}
    if settings.http_parser == "h11":
        options["http"] = guarded_h11_protocol(settings)
        options["h11_max_incomplete_event_size"] = settings.max_header_bytes
    else:
        options["http"] = "httptools"
    tls = uvicorn_tls_options(settings)
    if "http" in tls:
        base = options["http"] if not isinstance(options["http"], str) else None
        tls["http"] = tls_protocol_class(base)
    return {**options, **tls}


def guarded_h11_protocol(settings: Settings) -> type:
    """uvicorn's h11 protocol with the idle, header and body timeouts of these settings."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    header_timeout = settings.header_timeout_seconds
    body_timeout = settings.body_timeout_seconds

    class GuardedH11Protocol(H11Protocol):  # type: ignore[misc, valid-type]
        _read_timer: asyncio.TimerHandle | None = None
        _reading_headers = False

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            # uvicorn arms the keep-alive timer only after a response: a silent connection would stay open
            self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._watch_reading()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._watch_reading()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_read_timer()
            super().connection_lost(exc)

        def _watch_reading(self) -> None:
            """Arm the right timer for what the connection is waiting for from the client."""
            if self.transport.is_closing():
                self._stop_read_timer()
                return
            state = self.conn.their_state
            if state is h11.IDLE and self.conn.trailing_data[0]:
                if not self._reading_headers:  # the deadline runs from the first byte of the head
                    self._stop_read_timer()
                    self._reading_headers = True
                    self._read_timer = self.loop.call_later(header_timeout, self._headers_too_slow)
            elif state is h11.SEND_BODY:
                self._stop_read_timer()  # idle time between body chunks
                self._read_timer = self.loop.call_later(body_timeout, self._body_too_slow)
            else:
                self._stop_read_timer()

        def _stop_read_timer(self) -> None:
            self._reading_headers = False
            if self._read_timer is not None:
                self._read_timer.cancel()
                self._read_timer = None

        def _headers_too_slow(self) -> None:
            self._read_timer = None
            if not self.transport.is_closing():
                self.transport.write(REQUEST_TIMEOUT)
                self.transport.close()

        def _body_too_slow(self) -> None:
            self._read_timer = None
            if not self.transport.is_closing():
                self.transport.close()

    return GuardedH11Protocol
