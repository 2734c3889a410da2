"""Cold start: process spawn → first 200 from `GET /_mock/ready`, mockfinra versus a bare FastAPI app.

    python bench/cold_start.py                 # 7 alternating rounds
    python bench/cold_start.py -n 15 --json bench/results/cold.json
    python bench/cold_start.py --importtime    # also: the slowest imports of `mockfinra serve`

Every round starts each variant once, in a rotating order, so that machine noise hits them alike:
- `mockfinra serve --db memory --quiet`,
- `mockfinra serve --db sqlite:///<fresh file> --quiet` (creates the tables and loads the seed),
- `python -m uvicorn bench._bare_app:app` (one route; the floor any FastAPI + uvicorn service pays).
The goal is mockfinra (memory) ≤ 1.3 × the bare app (median).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOAL = 1.3


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mockfinra_command() -> list[str]:
    script = Path(sys.executable).parent / "mockfinra"
    return [str(script)] if script.exists() else [sys.executable, "-m", "mockfinra.cli"]


def clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("MOCKFINRA_")}


@dataclass
class Variant:
    name: str
    argv: Callable[[int, Path], list[str]]
    samples: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def variants(only: set[str] | None) -> list[Variant]:
    serve = mockfinra_command() + ["serve", "--quiet"]
    every = [
        Variant("mockfinra memory", lambda port, tmp: [*serve, "--port", str(port), "--db", "memory"]),
        Variant(
            "mockfinra sqlite",
            lambda port, tmp: [*serve, "--port", str(port), "--db", f"sqlite:///{tmp / f'cold-{port}.db'}"],
        ),
        Variant(
            "bare fastapi",
            lambda port, tmp: [
                sys.executable, "-m", "uvicorn", "bench._bare_app:app",
                "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
            ],
        ),
    ]
    return [v for v in every if not only or v.name.split()[-1] in only or v.name in only]


def ready(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("GET", "/_mock/ready")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used so far (Linux /proc; NaN elsewhere).

    Unlike wall time, this hardly changes when other processes load the machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_once(argv: list[str], port: int, timeout: float) -> tuple[float, float]:
    """(wall seconds from spawn to the first 200, CPU seconds used by then); the process is stopped
    (SIGTERM, then SIGKILL) afterwards."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=REPO, env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        while True:
            if ready(port):
                return time.perf_counter() - start, cpu_seconds(process.pid)
            if process.poll() is not None:
                error = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise RuntimeError(f"{' '.join(argv)} exited with {process.returncode}:\n{error[-2000:]}")
            if time.perf_counter() - start > timeout:
                raise RuntimeError(f"{' '.join(argv)} was not ready within {timeout} s")
            time.sleep(0.005)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run(rounds: int, timeout: float, only: set[str] | None) -> list[Variant]:
    chosen = variants(only)
    with tempfile.TemporaryDirectory(prefix="mockfinra-cold-") as tmp:
        for variant in chosen:  # one unmeasured start each warms the OS file cache and the .pyc files
            port = free_port()
            measure_once(variant.argv(port, Path(tmp)), port, timeout)
        for index in range(rounds):
            order = chosen[index % len(chosen):] + chosen[: index % len(chosen)]
            for variant in order:
                port = free_port()
                wall, cpu = measure_once(variant.argv(port, Path(tmp)), port, timeout)
                variant.samples.append(wall)
                variant.cpu.append(cpu)
    return chosen


def report(chosen: list[Variant]) -> dict[str, object]:
    by_name = {v.name: v for v in chosen}
    try:
        one, five, fifteen = os.getloadavg()
        load = f" (load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count() or 0} CPUs)"
    except OSError:
        load = ""
    print(f"spawn → first 200 from /_mock/ready{load}")
    print(f"{'variant':<18} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'cpu med ms':>11}  runs")
    for variant in chosen:
        samples = variant.samples
        print(
            f"{variant.name:<18} {statistics.median(samples) * 1000:>10.0f} {min(samples) * 1000:>8.0f} "
            f"{max(samples) * 1000:>8.0f} {statistics.median(variant.cpu) * 1000:>11.0f}  {len(samples)}"
        )
    result: dict[str, object] = {
        v.name: {
            "median": statistics.median(v.samples),
            "min": min(v.samples),
            "cpuMedian": statistics.median(v.cpu),
            "samples": v.samples,
            "cpu": v.cpu,
        }
        for v in chosen
    }
    bare = by_name.get("bare fastapi")
    if bare:
        for name in ("mockfinra memory", "mockfinra sqlite"):
            if name in by_name:
                ratio = statistics.median(by_name[name].samples) / statistics.median(bare.samples)
                best = min(by_name[name].samples) / min(bare.samples)
                cpu = statistics.median(by_name[name].cpu) / statistics.median(bare.cpu)
                verdict = "ok" if ratio <= GOAL else f"ABOVE the {GOAL}x goal"
                print(f"ratio {name} / bare: median {ratio:.2f}x, min {best:.2f}x, cpu {cpu:.2f}x ({verdict})")
                result[f"ratio {name}"] = {"median": ratio, "min": best, "cpu": cpu}
    return result


IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


def import_profile(top: int) -> None:
    """Start `mockfinra serve` once under `-X importtime`; print the costliest imports (cumulative)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="mockfinra-importtime-") as tmp:
        log = Path(tmp) / "importtime.txt"
        argv = [sys.executable, "-X", "importtime", "-m", "mockfinra.cli", "serve", "--quiet",
                "--port", str(port), "--db", "memory"]
        start = time.perf_counter()
        with log.open("wb") as err:
            process = subprocess.Popen(argv, cwd=REPO, env=clean_env(), stdout=subprocess.DEVNULL, stderr=err)
        try:
            while not ready(port):
                if process.poll() is not None or time.perf_counter() - start > 60:
                    raise RuntimeError(f"mockfinra under -X importtime did not start: {log.read_text()[-2000:]}")
                time.sleep(0.01)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
        rows = []
        for line in log.read_text(errors="replace").splitlines():
            match = IMPORT_LINE.match(line)
            if match:
                rows.append((int(match.group(2)), len(match.group(3)), match.group(4)))
    total = sum(cumulative for cumulative, depth, _ in rows if depth == 1)
    print(f"\nimports of `mockfinra serve` (-X importtime): {total / 1000:.0f} ms in top-level imports")
    print("top-level packages by cumulative time:")
    for cumulative, depth, name in sorted((r for r in rows if r[1] == 1), reverse=True)[:top]:
        print(f"  {cumulative / 1000:8.1f} ms  {name}")
    print("mockfinra modules by cumulative time:")
    own = sorted((r for r in rows if r[2].startswith("mockfinra")), reverse=True)[:top]
    for cumulative, depth, name in own:
        print(f"  {cumulative / 1000:8.1f} ms  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--rounds", type=int, default=7, help="alternating rounds (default 7)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds one start may take")
    parser.add_argument("--only", action="append", help="memory, sqlite or fastapi (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the samples and ratios here")
    parser.add_argument("--importtime", action="store_true", help="also profile the imports of `mockfinra serve`")
    parser.add_argument("--top", type=int, default=15, help="rows of the import profile")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when the memory ratio is above {GOAL}x")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    try:
        chosen = run(args.rounds, args.timeout, set(args.only) if args.only else None)
    except RuntimeError as error:
        print(f"cold_start: {error}", file=sys.stderr)
        return 2
    result = report(chosen)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    if args.importtime:
        import_profile(args.top)
    ratio = result.get("ratio mockfinra memory")
    if args.check and isinstance(ratio, dict) and ratio["median"] > GOAL:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
