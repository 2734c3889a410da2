"""Liveness and readiness latency while the server is saturated by concurrent password sign-ins.

    python bench/health_under_load.py                  # 200 concurrent sign-ins, realistic hash cost (14)
    python bench/health_under_load.py -c 200 -s 8 --hash-cost 14
    python bench/health_under_load.py --worker-threads 40,8,4   # one server per setting, one after the other

Starts `mockfinra serve --db memory` on a free loopback port, keeps `--concurrency` clients signing in
(`POST /api/v1/authn`, each a scrypt check in the thread pool) for `--seconds`, and meanwhile probes
`/_mock/health` and `/_mock/ready` on fresh connections (as `mockfinra healthcheck` does) every 50 ms.
Prints p50/p99/max of each probe, how many `mockfinra healthcheck` runs (3 s timeout) failed, and how many
sign-ins were answered. With several `--worker-threads` values (MOCKFINRA_WORKER_THREADS), each gets its own
server and run, so that they compare under the same machine load.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def sign_in_forever(client: httpx.AsyncClient, stop: asyncio.Event, counts: dict[str, int]) -> None:
    body = {"username": "trace.analyst@example.com", "password": "wrong-password-1"}
    while not stop.is_set():
        try:
            response = await client.post("/api/v1/authn", json=body)
            counts[str(response.status_code)] = counts.get(str(response.status_code), 0) + 1
        except httpx.HTTPError as error:
            counts[type(error).__name__] = counts.get(type(error).__name__, 0) + 1


def probe(base: str, path: str, stop: threading.Event, times: list[float], failures: list[str]) -> None:
    """A fresh connection per probe (as `mockfinra healthcheck` does), from a thread of this process."""
    host, port = base.removeprefix("http://").split(":")
    while not stop.is_set():
        started = time.perf_counter()
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            connection.request("GET", path)
            status = connection.getresponse().status
            if status != 200:
                failures.append(str(status))
        except OSError as error:
            failures.append(type(error).__name__)
        finally:
            connection.close()
        times.append((time.perf_counter() - started) * 1000)
        time.sleep(0.05)


def healthcheck_runs(port: int, stop_at: float, env: dict[str, str]) -> list[int]:
    codes = []
    while time.monotonic() < stop_at:
        done = subprocess.run(
            [sys.executable, "-m", "mockfinra.cli", "healthcheck", "--port", str(port)],
            env=env, capture_output=True, check=False,
        )
        codes.append(done.returncode)
    return codes


async def load(base: str, concurrency: int, seconds: float) -> None:
    """The load generator (its own process, so that its event loop does not slow the probes down)."""
    stop = asyncio.Event()
    counts: dict[str, int] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        tasks = [asyncio.create_task(sign_in_forever(client, stop, counts)) for _ in range(concurrency)]
        await asyncio.sleep(seconds)
        stop.set()
        await asyncio.gather(*tasks)
    print(f"load: {concurrency} concurrent sign-ins for {seconds}s: {counts}", flush=True)


def run(args: argparse.Namespace, worker_threads: str | None) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MOCKFINRA_HASH_COST": str(args.hash_cost),
        "MOCKFINRA_LOCKOUT_THRESHOLD": "0",
    }
    if worker_threads:
        env["MOCKFINRA_WORKER_THREADS"] = worker_threads
    server = subprocess.Popen(
        [sys.executable, "-m", "mockfinra.cli", "serve", "--db", "memory", "--port", str(port), "--quiet"],
        env=env, stdout=subprocess.DEVNULL, stderr=None if os.environ.get('XL') else subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/_mock/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("server did not start")
            time.sleep(0.1)
        generator = subprocess.Popen(
            [sys.executable, __file__, "--load", base, "-c", str(args.concurrency), "-s", str(args.seconds + 1.5)],
            env=env,
        )
        time.sleep(1.5)  # let the load build up
        stop = threading.Event()
        results: dict[str, tuple[list[float], list[str]]] = {p: ([], []) for p in ("/_mock/health", "/_mock/ready")}
        probes = [threading.Thread(target=probe, args=(base, p, stop, *results[p])) for p in results]
        for thread in probes:
            thread.start()
        codes = healthcheck_runs(port, time.monotonic() + args.seconds, env)
        stop.set()
        for thread in probes:
            thread.join()
        generator.wait(timeout=120)
        print(f"hash cost {args.hash_cost}, worker threads {worker_threads or 'default'}")
        for path, (times, failures) in results.items():
            print(
                f"{path}: n={len(times)} p50={statistics.median(times):.1f} ms p99={percentile(times, 0.99):.1f} ms "
                f"max={max(times):.1f} ms failures={len(failures)}"
            )
        print(f"mockfinra healthcheck: {len(codes)} runs, {sum(1 for c in codes if c)} failed")
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--concurrency", type=int, default=200)
    parser.add_argument("-s", "--seconds", type=float, default=8.0)
    parser.add_argument("--hash-cost", type=int, default=14)
    parser.add_argument(
        "--worker-threads", default="", help="comma-separated MOCKFINRA_WORKER_THREADS values to compare"
    )
    parser.add_argument("--load", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        asyncio.run(load(args.load, args.concurrency, args.seconds))
    else:
        for worker_threads in [v.strip() for v in args.worker_threads.split(",") if v.strip()] or [None]:
            run(args, worker_threads)


if __name__ == "__main__":
    main()
