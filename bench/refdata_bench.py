"""Reference-data benchmark: generation speed, and download throughput against a static file.

    python bench/refdata_bench.py                  # 100,000-row CAMASTER, 5 downloads each way
    python bench/refdata_bench.py --rows 500000 --downloads 3
    python bench/refdata_bench.py --no-http --json bench/results/refdata.json

Generation: rows/s and MB/s of a CAMASTER master (new universe; then another day with the universe
built), the other large masters and a daily list, and the first download of a default-size master in
a fresh interpreter (imports, name pools, holiday calendar, numpy included). Goal: a 100,000-row
master in at most 1 s.

HTTP: the same master through the real server (`/apidownload/DownloadHandler.ashx` with a Bearer
access token, obtained as the download tests do), against the same bytes served as a static file by
Starlette's StaticFiles on the same uvicorn stack. The ratio is download MB/s / static MB/s.
Exits 0 (a missing or failing download endpoint is reported, not fatal).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SEED = 20240715
DAY = date(2026, 11, 20)  # a Friday
NOW = "2026-11-20T20:00:00Z"  # 15:00 in New York: that day's files are out
DEFAULT_CAMASTER_ROWS = 20_000
GOAL_SECONDS = 1.0
LOGIN = "bench@example.com"
PASSWORD = "Ntf-Demo-2026"


def timed(action: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def generation(rows: int) -> list[dict[str, Any]]:
    from mockfinra.refdata import RefData

    scale = rows / DEFAULT_CAMASTER_ROWS
    data = RefData(SEED, scale=scale)
    RefData(SEED, scale=0.01).open(
        RefData(SEED).files()[0], DAY
    )  # imports, pools, calendar: measured separately
    results = []
    plan = [
        ("CAMASTER (new universe)", "TRACE", "CAMASTER", DAY),
        ("CAMASTER (next day)", "TRACE", "CAMASTER", date(2026, 11, 19)),
        ("SPMASTER (new universe)", "TRACE", "SPMASTER", DAY),
        ("EQUITYMASTERAC (new universe)", "ORF", "EQUITYMASTERAC", DAY),
        ("ADFMASTER (new universe)", "ADF", "ADFMASTER", DAY),
        ("DAILYLISTCA", "TRACE", "DAILYLISTCA", DAY),
    ]
    for label, facility, code, day in plan:
        spec = data.find(facility, code)
        assert spec is not None
        generated, wall, cpu = timed(lambda spec=spec, day=day: data.open(spec, day))
        results.append(
            {
                "what": label,
                "rows": generated.rows,
                "bytes": generated.size,
                "seconds": wall,
                "cpu_seconds": cpu,
                "rows_per_s": generated.rows / wall,
                "mb_per_s": generated.size / wall / 1e6,
            }
        )
    return results


COLD_SNIPPET = """
import time
start, cpu = time.perf_counter(), time.process_time()
from datetime import date
from mockfinra.refdata import RefData
data = RefData({seed})
spec = data.find("TRACE", "CAMASTER")
generated = data.open(spec, date({y}, {m}, {d}))
print(generated.rows, generated.size, time.perf_counter() - start, time.process_time() - cpu)
"""


def cold_first_download() -> dict[str, Any]:
    code = COLD_SNIPPET.format(seed=SEED, y=DAY.year, m=DAY.month, d=DAY.day)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    rows, size, seconds, cpu = out.stdout.split()
    return {
        "what": "CAMASTER default size, fresh process",
        "rows": int(rows),
        "bytes": int(size),
        "seconds": float(seconds),
        "cpu_seconds": float(cpu),
        "rows_per_s": int(rows) / float(seconds),
        "mb_per_s": int(size) / float(seconds) / 1e6,
    }


# --- HTTP -------------------------------------------------------------------------------------------


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, int, float]:
    """(status, body bytes, seconds) of one GET, reading the body in 64 KiB pieces."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    connection.request("GET", path, headers={"Accept-Encoding": "identity", **headers})
    response = connection.getresponse()
    received = 0
    while piece := response.read(65536):
        received += len(piece)
    seconds = time.perf_counter() - start
    connection.close()
    return response.status, received, seconds


def static_server(folder: Path) -> tuple[Any, int]:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    from mockfinra.testing import free_port

    port = free_port()
    app = Starlette(routes=[Mount("/static", StaticFiles(directory=folder))])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, port


def bearer_token(server: Any) -> str:
    """An access token for a TRACE-entitled user, issued as the download tests do."""
    from mockfinra.identity.oidc.tokens import issue_tokens_for_user
    from mockfinra.store.users import find_user_by_login

    ctx = server.ctx
    with ctx.store.transaction() as db:
        user = find_user_by_login(db, LOGIN)
        tokens = issue_tokens_for_user(
            ctx,
            db,
            user,
            "traqs-api",
            ["openid", ctx.settings.oauth_data_scope],
            f"{server.url}/oauth2/default",
        )
    return tokens["access_token"]


def http_throughput(rows: int, downloads: int) -> dict[str, Any]:
    from mockfinra.settings import Settings
    from mockfinra.testing import MockfinraServer

    with tempfile.TemporaryDirectory() as folder:
        seed = Path(folder) / "seed.toml"
        seed.write_text(f'[[users]]\nlogin = "{LOGIN}"\npassword = "{PASSWORD}"\nentitlements = ["TRACE"]\n')
        settings = Settings.for_tests(
            seed=seed, clock_start=NOW, clock_frozen=True, refdata_scale=rows / DEFAULT_CAMASTER_ROWS
        )
        server = MockfinraServer(settings)
        static = None
        try:
            try:
                server.start()
            except RuntimeError as error:
                return {"error": f"the server did not start: {error}"}
            try:
                token = bearer_token(server)
            except Exception as error:  # noqa: BLE001 - report, do not fail the bench
                return {"error": f"no access token: {error!r}"}
            path = f"/apidownload/DownloadHandler.ashx?action=DOWNLOAD&facility=TRACE&file=CAMASTER&date={DAY:%m%d%Y}"
            auth = {"Authorization": f"Bearer {token}"}
            status, size, first = get(server.port, path, auth)
            if status != 200:
                return {"error": f"the download endpoint answered {status}"}
            spec = server.ctx.resources["refdata"].find("TRACE", "CAMASTER")
            body = server.ctx.resources["refdata"].open(spec, DAY).read()
            (Path(folder) / "CAMASTER.txt").write_bytes(body)
            static, static_port = static_server(Path(folder))
            served = [get(server.port, path, auth) for _ in range(downloads)]
            plain = [get(static_port, "/static/CAMASTER.txt", {}) for _ in range(downloads)]
            if any(s != 200 or n != size for s, n, _ in served + plain):
                return {"error": "a download returned an unexpected status or size"}
            download_s = statistics.median(t for _, _, t in served)
            static_s = statistics.median(t for _, _, t in plain)
            return {
                "bytes": size,
                "first_download_seconds": first,
                "download_mb_per_s": size / download_s / 1e6,
                "static_mb_per_s": size / static_s / 1e6,
                "ratio": static_s / download_s,
            }
        finally:
            if static is not None:
                static.should_exit = True
            server.stop()


def report(results: list[dict[str, Any]], http: dict[str, Any] | None, rows: int) -> None:
    print(f"Reference-data generation (seed {SEED}, CAMASTER target {rows:,} rows)")
    print(f"{'what':40} {'rows':>9} {'MB':>7} {'seconds':>8} {'cpu s':>7} {'rows/s':>10} {'MB/s':>7}")
    for item in results:
        cpu = f"{item['cpu_seconds']:.3f}" if item["cpu_seconds"] is not None else "-"
        print(
            f"{item['what']:40} {item['rows']:>9,} {item['bytes'] / 1e6:>7.2f} {item['seconds']:>8.3f} {cpu:>7} "
            f"{item['rows_per_s']:>10,.0f} {item['mb_per_s']:>7.1f}"
        )
    camaster = results[0]
    budget = GOAL_SECONDS * camaster["rows"] / 100_000
    wall_ok, cpu_ok = camaster["seconds"] <= budget, camaster["cpu_seconds"] <= budget
    verdict = (
        "ok"
        if wall_ok
        else "ok in CPU time (the machine is busy: wall > CPU)"
        if cpu_ok
        else "SLOWER than the goal"
    )
    print(f"goal: 100,000 rows in <= {GOAL_SECONDS:.1f} s (new universe included) -> {verdict}")
    if http is None:
        return
    print()
    if "error" in http:
        print(f"HTTP download: skipped ({http['error']})")
        return
    print(f"HTTP download of the same CAMASTER ({http['bytes'] / 1e6:.2f} MB, median of the runs)")
    print(f"{'DownloadHandler.ashx (first, generates)':40} {http['first_download_seconds']:>8.3f} s")
    print(f"{'DownloadHandler.ashx (cached)':40} {http['download_mb_per_s']:>8.1f} MB/s")
    print(f"{'static file (Starlette StaticFiles)':40} {http['static_mb_per_s']:>8.1f} MB/s")
    print(f"{'ratio download / static':40} {http['ratio']:>8.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000, help="target CAMASTER rows (default 100,000)")
    parser.add_argument("--downloads", type=int, default=5, help="timed downloads each way")
    parser.add_argument("--no-http", action="store_true", help="only measure generation")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results = [*generation(args.rows), cold_first_download()]
    http = None if args.no_http else http_throughput(args.rows, max(1, args.downloads))
    report(results, http, args.rows)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"generation": results, "http": http}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
