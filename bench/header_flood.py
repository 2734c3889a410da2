"""A 64 MiB request header: how long it holds up other requests, per HTTP parser.

    python bench/header_flood.py            # httptools and h11, 3 rounds each

One client sends `GET` with a 64 MiB `X-Flood` header while another sends ordinary `GET /_mock/clock` requests
(fresh connections); prints the slowest ordinary request and the time until the flood was answered or cut.
"""

from __future__ import annotations

import http.client
import socket
import statistics
import threading
import time

from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer


def flood(port: int, out: dict[str, float]) -> None:
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        try:
            sock.sendall(b"GET /_mock/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Flood: ")
            for _ in range(64):
                sock.sendall(b"a" * (1 << 20))
            sock.sendall(b"\r\n\r\n")
            sock.recv(100)
        except OSError:
            pass
    out["flood"] = time.perf_counter() - started


def ordinary(port: int) -> float:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/_mock/clock")
    connection.getresponse().read()
    connection.close()
    return time.perf_counter() - started


def main() -> None:
    for parser in ("httptools", "h11"):
        stalls, floods = [], []
        for _ in range(3):
            with MockfinraServer(Settings.for_tests(http_parser=parser)) as server:
                out: dict[str, float] = {}
                thread = threading.Thread(target=flood, args=(server.port, out))
                thread.start()
                time.sleep(0.05)
                stalls.append(max(ordinary(server.port) for _ in range(5)))
                thread.join()
                floods.append(out["flood"])
        print(f"{parser}: slowest ordinary request {statistics.median(stalls):.2f} s (median of 3, max {max(stalls):.2f} s); "
              f"flood answered or cut after {statistics.median(floods):.2f} s")


if __name__ == "__main__":
    main()
