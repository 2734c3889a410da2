#!/usr/bin/env python3
"""Start the mockfinra image the way each CI recipe in docs/ci/ does, and run docs/ci/example_test.py against it.

Not part of the test suite (it needs Docker); docs/ci.md records its last run. For each recipe it reads the
service's image, environment and health check from the recipe file itself, then:

1. `docker run --network host` with the recipe's environment (and, for GitHub Actions, its `--health-*`
   options), on a free loopback port instead of the published 8400 (`MOCKFINRA_HOST=127.0.0.1`,
   `MOCKFINRA_PORT=<free>`; the image's `mockfinra healthcheck` reads the same two variables);
2. waits as that runner does: GitHub Actions until Docker reports the container `healthy`, GitLab until the
   port accepts TCP connections (the example test then waits for `/_mock/ready` itself);
3. emulates the service name: with no bridge network there is no DNS alias, so it signs in with
   `Host: <alias>:8400` on the loopback port, expects 200 with links under the alias (and 400 for a name
   not allowed, so the 200 is MOCKFINRA_ALLOWED_HOSTS's doing);
4. runs the recipe's test command with the recipe's job environment, `MOCKFINRA_URL` pointed at the port;
5. removes the container.

    python scripts/check_ci_recipes.py --base "$(../shared/tools/local-docker.sh | tail -1)"
    python scripts/check_ci_recipes.py --image mockfinra:local      # an image built already
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shlex
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / "docs" / "ci" / "github-actions.yml"
GITLAB = ROOT / "docs" / "ci" / "gitlab-ci.yml"
PYTEST_EXTRA = ["-p", "no:cacheprovider", "-p", "no:mockfinra"]  # the job's environment has no mockfinra plugin


@dataclass(frozen=True)
class Recipe:
    """What a CI recipe says about the mockfinra service and the job that uses it."""

    name: str
    image: str
    alias: str  # the Host name the job reaches the service by
    port: int  # the service's port inside its container
    service_env: dict[str, str]
    job_env: dict[str, str]
    test_command: list[str]
    health: dict[str, str] = field(default_factory=dict)  # docker run --health-* options; empty: TCP wait

    @property
    def health_cmd(self) -> str | None:
        return self.health.get("--health-cmd")


def _strings(mapping: dict[str, object] | None) -> dict[str, str]:
    return {str(key): str(value) for key, value in (mapping or {}).items()}


def _options(text: str) -> dict[str, str]:
    """`--health-cmd "mockfinra healthcheck" --health-interval 2s` → {'--health-cmd': 'mockfinra healthcheck', ...}."""
    words = shlex.split(text)
    return dict(zip(words[::2], words[1::2], strict=True))


def _pytest_command(lines: list[str]) -> list[str]:
    return shlex.split(next(line for line in lines if "-m pytest" in line))


def github_recipe(path: Path = GITHUB) -> Recipe:
    doc = yaml.safe_load(path.read_text())
    job = doc["jobs"]["test"]
    service = job["services"]["mockfinra"]
    published = str(service["ports"][0]).split(":")
    return Recipe(
        name="github-actions",
        image=service["image"],
        alias="mockfinra",
        port=int(published[-1]),
        service_env=_strings(service.get("env")),
        job_env=_strings(job.get("env")),
        test_command=_pytest_command([step["run"] for step in job["steps"] if "run" in step]),
        health=_options(service["options"]),
    )


def gitlab_recipe(path: Path = GITLAB) -> Recipe:
    job = yaml.safe_load(path.read_text())["test"]
    service = next(s for s in job["services"] if isinstance(s, dict) and s.get("alias") == "mockfinra")
    return Recipe(
        name="gitlab-ci",
        image=service["name"],
        alias=service["alias"],
        port=urlsplit(job["variables"]["MOCKFINRA_URL"]).port or 80,
        service_env=_strings(service.get("variables")),
        job_env=_strings(job.get("variables")),
        test_command=_pytest_command(job["script"]),
    )


def recipes() -> list[Recipe]:
    return [github_recipe(), gitlab_recipe()]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _docker(*args: str, check: bool = True) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def _get(port: int, path: str, host: str, method: str = "GET", body: dict[str, str] | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        payload = json.dumps(body) if body is not None else None
        headers = {"Host": host, "Content-Type": "application/json", "Accept": "application/json"}
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def _wait_healthy(container: str, health: dict[str, str]) -> float:
    """Poll Docker's health status as the GitHub runner does; the longest wait the options allow, plus slack."""
    interval = float(health.get("--health-interval", "30s").rstrip("s"))
    timeout = float(health.get("--health-timeout", "30s").rstrip("s"))
    limit = (interval + timeout) * int(health.get("--health-retries", "3")) + 30
    started = time.monotonic()
    while time.monotonic() - started < limit:
        status = _docker("inspect", "--format", "{{.State.Health.Status}}", container)
        if status == "healthy":
            return time.monotonic() - started
        if status == "unhealthy":
            raise RuntimeError(f"{container} is unhealthy")
        time.sleep(1)
    raise RuntimeError(f"{container} not healthy within {limit:.0f} s")


def _wait_port(port: int, limit: float = 30.0) -> float:
    """GitLab's wait-for-service: the exposed port accepts a TCP connection (default 30 s)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return time.monotonic() - started
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"port {port} did not open within {limit:.0f} s")


def check(recipe: Recipe, image: str) -> list[str]:
    """Start, wait, check the alias, run the test, remove; the findings as lines (raises on a failure)."""
    port = _free_port()
    container = f"mockfinra-ci-check-{recipe.name}"
    _docker("rm", "-f", container, check=False)
    env = {**recipe.service_env, "MOCKFINRA_HOST": "127.0.0.1", "MOCKFINRA_PORT": str(port)}
    run = ["run", "-d", "--name", container, "--network", "host"]
    run += [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    run += [arg for key, value in recipe.health.items() for arg in (key, value)]
    _docker(*run, image)
    lines = [f"{recipe.name}: started {image} (as {recipe.image}) on 127.0.0.1:{port}"]
    try:
        if recipe.health_cmd:
            waited = _wait_healthy(container, recipe.health)
            lines.append(f"  healthy after {waited:.1f} s (--health-cmd {recipe.health_cmd!r})")
        else:
            waited = _wait_port(port)
            lines.append(f"  port open after {waited:.1f} s (TCP wait, as the GitLab runner)")
        lines += _check_alias(recipe, port)
        job_env = {**os.environ, **recipe.job_env, "MOCKFINRA_URL": f"http://127.0.0.1:{port}"}
        command = [sys.executable if word == "python" else word for word in recipe.test_command] + PYTEST_EXTRA
        done = subprocess.run(command, cwd=ROOT, env=job_env, capture_output=True, text=True, check=False)
        summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(recipe.test_command)} failed:\n{done.stdout}{done.stderr}")
        lines.append(f"  {' '.join(recipe.test_command)}: {summary.strip('= ')}")
    except Exception:
        print(_docker("logs", "--tail", "40", container, check=False), file=sys.stderr)
        raise
    finally:
        _docker("rm", "-f", container, check=False)
    lines.append("  removed")
    return lines


def _check_alias(recipe: Recipe, port: int) -> list[str]:
    """A sign-in under the alias gets 200 with links under it; an unknown name 400 (the health probes answer
    any Host, so the check uses `/api/v1/authn`)."""
    alias = f"{recipe.alias}:{recipe.port}"
    login = {"username": "trace.analyst@example.com", "password": "Ntf-Demo-2026"}
    status, body = _get(port, "/api/v1/authn", alias, "POST", login)
    if status != 200:
        raise RuntimeError(f"sign-in under Host {alias}: {status} (is {recipe.alias} in MOCKFINRA_ALLOWED_HOSTS?)")
    href = json.loads(body).get("_links", {}).get("cancel", {}).get("href", "")
    if not href.startswith(f"http://{alias}/"):
        raise RuntimeError(f"sign-in under Host {alias}: cancel link {href!r}")
    refused, _ = _get(port, "/api/v1/authn", "not-allowed.invalid", "POST", login)
    if refused != 400:
        raise RuntimeError(f"a Host not allowed got {refused}, not 400: the allow-list check is off")
    return [f"  POST /api/v1/authn with Host {alias}: 200, links under http://{alias}/; Host not-allowed.invalid: 400"]


def build(base: str, image: str) -> None:
    command = ["docker", "build", "--network", "host", "--build-arg", f"BASE={base}", "-t", image, str(ROOT)]
    subprocess.run(command, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default="mockfinra:ci-check", help="image to start (built when missing)")
    parser.add_argument("--base", default=os.environ.get("BASE", "python:3.11-slim"), help="BASE for the build")
    parser.add_argument("--build", action="store_true", help="build even when the image exists")
    args = parser.parse_args()
    if args.build or not _docker("images", "-q", args.image):
        build(args.base, args.image)
    failed = False
    for recipe in recipes():
        try:
            print("\n".join(check(recipe, args.image)), flush=True)
        except Exception as error:  # noqa: BLE001 - report every recipe, then exit 1
            print(f"{recipe.name}: FAILED: {error}", flush=True)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
