"""The real `mockfinra serve` and `mockfinra healthcheck` processes, and the installed (non-editable) package."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockfinra.testing import free_port

pytestmark = pytest.mark.serve

REPO = Path(__file__).resolve().parent.parent
#: the folders a wheel is built from (data/ and templates/ go into the package, see pyproject.toml)
PACKAGED_FOLDERS = ("mockfinra", "data", "templates")
READY_TIMEOUT = 90.0
STOP_TIMEOUT = 15.0
#: uvicorn shuts down gracefully, then re-raises SIGTERM (so the exit status is the conventional 143)
CLEAN_EXIT = {signal.SIGINT: {0}, signal.SIGTERM: {0, -signal.SIGTERM}}


def mockfinra_command() -> list[str]:
    """The installed console script next to this interpreter, else `python -m mockfinra.cli`."""
    script = Path(sys.executable).parent / "mockfinra"
    return [str(script)] if script.exists() else [sys.executable, "-m", "mockfinra.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without MOCKFINRA_* settings (they would leak into the process), plus `extra`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MOCKFINRA_")}
    env.update({"COLUMNS": "200", "PYTHONUNBUFFERED": "1", **extra})
    return env


class ServeProcess:
    """`mockfinra serve` as a subprocess, with its stdout and stderr in files."""

    def __init__(self, tmp_path: Path, *args: str, port: int | None = None, command: list[str] | None = None,
                 env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stdout_path = tmp_path / f"serve-{self.port}-{time.monotonic_ns()}.out"
        self.stderr_path = self.stdout_path.with_suffix(".err")
        argv = [*(command or mockfinra_command()), "serve", "--port", str(self.port), *args]
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(argv, stdout=out, stderr=err, env=env or clean_env(), cwd=cwd or tmp_path)

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def output(self) -> str:
        return f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr[-4000:]}"

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"mockfinra serve exited with {self.process.returncode} before ready\n{self.output()}")
            if http_status(f"{self.url}/_mock/ready") == 200:
                return
            time.sleep(0.05)
        self.kill()
        pytest.fail(f"mockfinra serve was not ready within {timeout} s\n{self.output()}")

    def stop(self, sig: signal.Signals = signal.SIGINT) -> None:
        """Send `sig`; the process must exit cleanly in time (else it is killed and the test fails)."""
        assert self.process.poll() is None, f"mockfinra serve had already exited\n{self.output()}"
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"mockfinra serve did not stop on {sig.name} within {STOP_TIMEOUT} s\n{self.output()}")
        assert self.process.returncode in CLEAN_EXIT[sig], f"exit {self.process.returncode}\n{self.output()}"
        assert "Traceback" not in self.stderr, self.output()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture
def processes() -> Iterator[list[ServeProcess]]:
    """Every process a test starts is killed at the end, whatever happened."""
    started: list[ServeProcess] = []
    yield started
    for serve in started:
        serve.kill()


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def http_json(method: str, url: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*mockfinra_command(), *args], capture_output=True, text=True, env=env or clean_env(), timeout=timeout, check=False
    )


def logins(base_url: str) -> set[str]:
    status, state = http_json("GET", f"{base_url}/_mock/state")
    assert status == 200, state
    return {user["login"] for user in state["users"]}


# --- serve ----------------------------------------------------------------------------------------------


def test_serve_memory_prints_banner_and_stops_on_sigint(tmp_path: Path, processes: list[ServeProcess]) -> None:
    serve = ServeProcess(tmp_path, "--db", "memory")
    processes.append(serve)
    serve.wait_ready()
    assert http_status(f"{serve.url}/_mock/health") == 200
    assert "trace.analyst@example.com" in logins(serve.url)
    serve.stop(signal.SIGINT)
    banner = serve.stdout
    for expected in (
        f"{serve.url}/ ",
        f"{serve.url}/traqs",
        f"{serve.url}/apidownload/DownloadHandler.ashx",
        f"{serve.url}/download/DownloadHandler.ashx",
        f"{serve.url}/_mock",
        "mpp-test.nasdaq.com",
        "Seeded demo users",
        "trace.analyst@example.com",
        "Ntf-Demo-2026",
        "invited.user@example.com",
        f"{serve.url}/_mock/ready",
    ):
        assert expected in banner, f"{expected!r} not in the banner\n{serve.output()}"
    assert http_status(f"{serve.url}/_mock/health") is None


def test_quiet_serve_prints_no_banner_and_stops_on_sigterm(tmp_path: Path, processes: list[ServeProcess]) -> None:
    serve = ServeProcess(tmp_path, "--db", "memory", "--quiet")
    processes.append(serve)
    serve.wait_ready()
    serve.stop(signal.SIGTERM)
    assert "Seeded demo users" not in serve.stdout


def test_sqlite_state_survives_a_restart(tmp_path: Path, processes: list[ServeProcess]) -> None:
    database = tmp_path / "state" / "mockfinra.db"
    database.parent.mkdir()
    url = f"sqlite:///{database}"
    first = ServeProcess(tmp_path, "--db", url, "--quiet")
    processes.append(first)
    first.wait_ready()
    created, body = http_json(
        "POST",
        f"{first.url}/_mock/users",
        {"login": "survivor@example.com", "password": "Sunny-Meadow-2026", "entitlements": ["TRACE"]},
    )
    assert created in (200, 201), body
    first.stop(signal.SIGTERM)
    assert database.exists()

    second = ServeProcess(tmp_path, "--db", url, "--quiet", port=free_port())
    processes.append(second)
    second.wait_ready()
    after = logins(second.url)
    assert "survivor@example.com" in after
    assert "trace.analyst@example.com" in after
    _, state = http_json("GET", f"{second.url}/_mock/state")
    assert [u["login"] for u in state["users"]].count("trace.analyst@example.com") == 1, "seed loaded twice"
    second.stop(signal.SIGINT)


def test_memory_state_does_not_survive_a_restart(tmp_path: Path, processes: list[ServeProcess]) -> None:
    first = ServeProcess(tmp_path, "--db", "memory", "--quiet")
    processes.append(first)
    first.wait_ready()
    created, body = http_json(
        "POST", f"{first.url}/_mock/users", {"login": "ephemeral@example.com", "password": "Sunny-Meadow-2026"}
    )
    assert created in (200, 201), body
    first.stop()
    second = ServeProcess(tmp_path, "--db", "memory", "--quiet", port=first.port)
    processes.append(second)
    second.wait_ready()
    assert "ephemeral@example.com" not in logins(second.url)
    second.stop()


def test_bad_seed_file_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[[users]\nlogin = 'x'\n", encoding="utf-8")
    invalid_user = tmp_path / "invalid-user.toml"
    invalid_user.write_text("[[users]]\nlogin = 'x@example.com'\npassword = 'Pw-12345678'\ncolour = 'blue'\n")
    bad_factor = tmp_path / "bad-factor.toml"
    bad_factor.write_text(
        "[[users]]\nlogin = 'y@example.com'\npassword = 'Sunny-Meadow-2026'\n"
        "[[users.factors]]\nfactorType = 'question'\nquestion = 'no_such_question'\nanswer = 'whatever'\n"
    )
    missing = tmp_path / "missing.toml"
    cases = {
        broken: "is not valid TOML",
        invalid_user: "users[0]",
        bad_factor: "users[0]",
        missing: "seed file not found",
    }
    for path, message in cases.items():
        completed = run_cli("serve", "--port", str(free_port()), "--db", "memory", "--seed", str(path))
        assert completed.returncode == 2, (path, completed.stdout, completed.stderr)
        assert message in completed.stderr and str(path) in completed.stderr, completed.stderr
        assert "Traceback" not in completed.stderr, completed.stderr


def test_bad_seed_from_the_environment_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "env-seed.toml"
    broken.write_text("users = 3\n = broken", encoding="utf-8")
    completed = run_cli(
        "serve", "--db", "memory", env=clean_env(MOCKFINRA_SEED=str(broken), MOCKFINRA_PORT=str(free_port()))
    )
    assert completed.returncode == 2, completed.stderr
    assert "not valid TOML" in completed.stderr


# --- healthcheck ----------------------------------------------------------------------------------------


def test_healthcheck_exit_codes(tmp_path: Path, processes: list[ServeProcess]) -> None:
    serve = ServeProcess(tmp_path, "--db", "memory", "--quiet")
    processes.append(serve)
    serve.wait_ready()
    up = run_cli("healthcheck", "--port", str(serve.port))
    assert up.returncode == 0, up.stdout + up.stderr
    assert "ready" in up.stdout
    from_env = run_cli("healthcheck", env=clean_env(MOCKFINRA_PORT=str(serve.port), MOCKFINRA_HOST="0.0.0.0"))
    assert from_env.returncode == 0, from_env.stdout + from_env.stderr
    serve.stop()
    down = run_cli("healthcheck", "--port", str(serve.port), "--timeout", "1")
    assert down.returncode == 1, down.stdout + down.stderr
    assert "not ready" in down.stdout


def test_healthcheck_on_a_port_nobody_listens_on() -> None:
    completed = run_cli("healthcheck", "--port", str(free_port()), "--timeout", "1")
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr


# --- the installed package ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sources to build from (an in-tree build would race with parallel runs)."""
    source = tmp_path_factory.mktemp("source")
    shutil.copy(REPO / "pyproject.toml", source)
    readme = REPO / "README.md"
    (source / "README.md").write_text(readme.read_text() if readme.exists() else "mockfinra\n", encoding="utf-8")
    for folder in PACKAGED_FOLDERS:
        shutil.copytree(REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return source


@pytest.fixture(scope="module")
def wheel(sources: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(dist), str(sources)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    [built] = dist.glob("mockfinra-*.whl")
    return built


def top_level_files(sources: Path, folder: str) -> set[str]:
    """The wheel names of the files in the repository's top-level `data/` or `templates/`."""
    root = sources / folder
    return {
        f"mockfinra/{folder}/{path.relative_to(root).as_posix()}"
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def test_wheel_carries_the_top_level_data_and_templates_inside_the_package(wheel: Path, sources: Path) -> None:
    assert not (REPO / "mockfinra" / "data").exists() and not (REPO / "mockfinra" / "templates").exists()
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = top_level_files(sources, "templates") | top_level_files(sources, "data")
    assert "mockfinra/data/seed.toml" in expected and "mockfinra/templates/static/mockfinra.css" in expected
    assert expected - names == set(), "the wheel's force-include in pyproject.toml misses these files"


def test_wheel_in_a_fresh_venv_serves_a_page_and_a_seeded_user(
    wheel: Path, tmp_path: Path, processes: list[ServeProcess]
) -> None:
    """Install the wheel into a new virtual environment (not editable) and serve from it, far from the checkout.

    The venv sees this interpreter's site-packages for the dependencies only; the wheel itself goes into the
    venv, whose copy is imported first."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    completed = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--quiet", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    env = clean_env()
    env.pop("PYTHONPATH", None)  # a checkout on the path (PYTHONPATH=$PWD) would be imported instead of the wheel
    where = subprocess.run(
        [str(python), "-c", "import mockfinra.resources as r, sys; sys.stdout.write(str(r.TEMPLATES_DIR))"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=30, check=False,
    )
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    serve = ServeProcess(tmp_path, "--db", "memory", command=[str(venv / "bin" / "mockfinra")], env=env, cwd=tmp_path)
    processes.append(serve)
    serve.wait_ready()
    assert "trace.analyst@example.com" in logins(serve.url)
    assert http_status(f"{serve.url}/static/mockfinra.css") == 200
    assert http_status(f"{serve.url}/login/login.htm") == 200
    serve.stop()
