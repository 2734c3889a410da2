"""The CI recipes (docs/ci/), the compose example (deploy/) and the Dockerfile agree with each other.

Docker is not available to the suite: scripts/check_ci_recipes.py starts the image the way each recipe does
(docs/ci.md records its run). These checks keep the files it reads consistent, without Docker.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_ci_recipes", ROOT / "scripts" / "check_ci_recipes.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


@pytest.mark.parametrize("recipe", SCRIPT.recipes(), ids=lambda recipe: recipe.name)
def test_a_recipe_allows_its_service_name_and_shares_the_admin_token(recipe) -> None:
    allowed = [name.strip() for name in recipe.service_env["MOCKFINRA_ALLOWED_HOSTS"].split(",")]
    assert recipe.alias in allowed
    assert recipe.job_env["MOCKFINRA_ADMIN_TOKEN"] == recipe.service_env["MOCKFINRA_ADMIN_TOKEN"]
    assert urlsplit(recipe.job_env["MOCKFINRA_URL"]).port == recipe.port == 8400  # the image's MOCKFINRA_PORT
    assert recipe.test_command[-1] == "docs/ci/example_test.py"
    assert (ROOT / recipe.test_command[-1]).is_file()


def test_github_actions_waits_for_the_image_healthcheck_command() -> None:
    recipe = SCRIPT.github_recipe()
    assert recipe.health_cmd == "mockfinra healthcheck"
    assert set(recipe.health) == {"--health-cmd", "--health-interval", "--health-timeout", "--health-retries"}
    # a job on the runner reaches the published port on localhost (loopback: always allowed)
    assert urlsplit(recipe.job_env["MOCKFINRA_URL"]).hostname == "localhost"


def test_gitlab_ci_reaches_the_service_by_its_alias() -> None:
    recipe = SCRIPT.gitlab_recipe()
    assert urlsplit(recipe.job_env["MOCKFINRA_URL"]).hostname == recipe.alias == "mockfinra"
    assert recipe.health == {}  # the runner waits for the TCP port; example_test.py waits for /_mock/ready


def test_the_image_serves_both_stores_and_checks_health_with_the_cli() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'pip install --quiet ".[postgresql]"' in dockerfile
    assert re.search(r'^HEALTHCHECK .*CMD \["mockfinra", "healthcheck"\]$', dockerfile, re.M)


def test_compose_replicas_are_the_nginx_upstreams_and_check_their_own_port() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    replicas = {name: service for name, service in services.items() if name.startswith("mockfinra-")}
    assert len(replicas) == 2
    ports = set()
    for service in replicas.values():
        assert service["network_mode"] == "host"
        assert service["healthcheck"]["test"] == ["CMD", "mockfinra", "healthcheck"]
        assert service["environment"]["MOCKFINRA_HOST"] == "127.0.0.1"
        assert service["environment"]["MOCKFINRA_DB"].startswith("postgresql+psycopg://")
        ports.add(int(service["environment"]["MOCKFINRA_PORT"]))
    assert all(service["network_mode"] == "host" for service in services.values())
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert set(map(int, re.findall(r"server 127\.0\.0\.1:(\d+)", nginx))) == ports
    assert re.search(r"listen 127\.0\.0\.1:8400;", nginx)
    assert set(services["proxy"]["depends_on"]) == set(replicas)
