"""The deploy files, checked by reading them (no tool needed): the Dockerfile, compose, the
Caddyfile, the Helm chart's values against its templates, and the README against settings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.urls import resolve

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
CHART = DEPLOY / "helm" / "mutual-aid-commons"
README = (DEPLOY / "README.md").read_text()
SIX = {"web", "worker", "beat", "postgres", "redis", "caddy"}


def documented(name: str) -> bool:
    return f"`{name}`" in README or re.search(rf"`[^`]*\b{re.escape(name)}\b[^`]*`", README)


# --- Dockerfile ----------------------------------------------------------------------------
def stages(text: str) -> list[str]:
    return re.split(r"^FROM .*$", text, flags=re.M)[1:]


def test_the_dockerfile_is_multi_stage_slim_and_non_root():
    text = (DEPLOY / "Dockerfile").read_text()
    froms = re.findall(r"^FROM (\S+)", text, flags=re.M)
    assert len(froms) >= 2
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim", text, flags=re.M)
    runtime = stages(text)[-1]
    users = re.findall(r"^USER (\S+)", runtime, flags=re.M)
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert "collectstatic" in runtime
    assert re.search(r"^HEALTHCHECK .*healthcheck\.py\", \"web\"", runtime, flags=re.M | re.S)
    assert re.search(r'^CMD \["gunicorn", "--config", "/app/deploy/gunicorn.conf.py"', runtime,
                     flags=re.M)
    # Wheels are built in the first stage and never left in the runtime's layers.
    assert "pip wheel" in stages(text)[0]
    assert "--mount=type=bind,from=wheels" in runtime


def test_the_image_leaves_out_what_it_does_not_run():
    rules = (REPO / ".dockerignore").read_text().split()
    assert rules[rules.index("*")] == "*"  # an allow-list
    for kept in ("!core/", "!tenants/", "!billing/", "!platform/", "!pyproject.toml",
                 "!deploy/gunicorn.conf.py", "!deploy/healthcheck.py"):
        assert kept in rules
    assert not any(rule.startswith(("!tests", "!.venv", "!.var", "!loadtests")) for rule in rules)


def test_gunicorn_takes_its_workers_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("GUNICORN_THREADS", "3")
    monkeypatch.setenv("PORT", "9123")
    config: dict = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), config)
    assert (config["workers"], config["threads"], config["bind"]) == (5, 3, "0.0.0.0:9123")
    assert config["worker_class"] == "gthread"
    assert callable(config["child_exit"])  # drops a dead worker's live metrics


# --- compose -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_has_the_six_services_each_with_a_health_check(compose):
    services = compose["services"]
    assert SIX <= set(services)
    for name in SIX:
        check = services[name]["healthcheck"]
        assert check.get("test") and not check.get("disable"), name


def test_compose_runs_one_beat_and_the_migrations_before_the_app(compose):
    services = compose["services"]
    assert "beat" in services["beat"]["command"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "migrate_fleet" in " ".join(services["migrate"]["command"])
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == "service_healthy"
    assert services["caddy"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["caddy"]["volumes"]


def test_compose_keeps_pgbouncer_optional_and_uses_the_shipped_config(compose):
    pgbouncer = compose["services"]["pgbouncer"]
    assert pgbouncer["profiles"] == ["pgbouncer"]
    assert pgbouncer["build"]["context"] == "pgbouncer"
    assert (DEPLOY / "pgbouncer" / "Dockerfile").exists()


def test_every_required_compose_variable_is_in_the_example_env_file():
    required = set(re.findall(r"\$\{(\w+):\?", (DEPLOY / "compose.yaml").read_text()))
    example = dict(line.split("=", 1) for line in (DEPLOY / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    assert required == {"POSTGRES_PASSWORD", "PLATFORM_DOMAIN", "ACME_EMAIL"}
    assert required <= set(example)
    # ...and what production refuses to start without, that compose does not build itself.
    assert {"SECRET_KEY", "VETTING_CREDENTIALS_KEY"} <= set(example)


# --- Caddy ---------------------------------------------------------------------------------
def test_caddy_asks_the_platform_before_on_demand_certificates():
    text = (DEPLOY / "Caddyfile").read_text()
    ask = re.search(r"on_demand_tls\s*\{\s*ask (http://127\.0\.0\.1:(\d+))(/\S+)", text)
    assert ask
    base, port, path = ask.groups()
    # The path is the platform host's view; the loopback listener passes the platform's Host.
    assert resolve(path, urlconf="mutualaid.urls_public").url_name == "tls_allowed"
    listener = re.search(rf"^{re.escape(base)} \{{(.*?)^\}}", text, flags=re.M | re.S).group(1)
    assert "bind 127.0.0.1" in listener
    assert "header_up Host {$PLATFORM_DOMAIN}" in listener
    # Group subdomains and custom domains both get certificates on demand.
    for site in (r"\*\.\{\$PLATFORM_DOMAIN\}", r"https://"):
        block = re.search(rf"^{site} \{{(.*?)^\}}", text, flags=re.M | re.S).group(1)
        assert re.search(r"tls \{\s*on_demand\s*\}", block)


# --- Helm (without helm) -------------------------------------------------------------------
@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load((CHART / "values.yaml").read_text())


def templates() -> dict[str, str]:
    return {p.name: p.read_text() for p in (CHART / "templates").iterdir()}


def test_chart_metadata():
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2" and chart["name"] == "mutual-aid-commons"
    assert chart["type"] == "application" and chart["version"] and chart["appVersion"]


def test_every_value_a_template_uses_is_in_values_yaml(values):
    used = set()
    for text in templates().values():
        used |= set(re.findall(r"\.Values((?:\.\w+)+)", text))
    assert used
    missing = []
    for path in used:
        node = values
        for key in path.strip(".").split("."):
            if not isinstance(node, dict) or key not in node:
                missing.append(path)
                break
            node = node[key]
    assert not missing, missing


def test_beat_is_single_and_never_overlaps():
    beat = templates()["beat.yaml"]
    assert re.search(r"^  replicas: 1$", beat, flags=re.M)
    assert re.search(r"strategy:\s*\n\s*type: Recreate", beat)
    assert "autoscaling" not in beat


def test_the_migration_job_is_a_pre_upgrade_hook_running_migrate_fleet():
    job = templates()["migrate-job.yaml"]
    assert "kind: Job" in job
    assert "helm.sh/hook: pre-install,pre-upgrade" in job
    assert "migrate --shared" in job and "migrate_fleet" in job
    assert job.index("migrate --shared") < job.index("migrate_fleet")
    # What the Job reads exists before it: hooks of a lower weight.
    for name in ("configmap.yaml", "secret.yaml"):
        text = templates()[name]
        assert "helm.sh/hook: pre-install,pre-upgrade" in text
        assert int(re.search(r'hook-weight: "(-?\d+)"', text).group(1)) < 0


def test_web_probes_health_and_readiness():
    web = templates()["web.yaml"]
    assert re.search(r"livenessProbe:\s*\n\s*httpGet: \{path: /healthz", web)
    assert re.search(r"readinessProbe:\s*\n\s*httpGet: \{path: /readyz", web)
    assert "kind: HorizontalPodAutoscaler" in web
    assert "kind: HorizontalPodAutoscaler" in templates()["worker.yaml"]


def test_the_chart_uses_the_pgbouncer_config_of_deploy_pgbouncer():
    link = CHART / "files" / "pgbouncer.ini"
    assert link.resolve() == (DEPLOY / "pgbouncer" / "pgbouncer.ini").resolve()
    # The line the chart points at the configured server is still there to replace.
    assert "host=postgres port=5432" in link.read_text()
    assert '"host=postgres port=5432"' in templates()["pgbouncer.yaml"]


# --- README ------------------------------------------------------------------------------
def settings_variables() -> set[str]:
    text = (REPO / "platform" / "mutualaid" / "settings.py").read_text()
    names = set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", text))
    names |= set(re.findall(r"os\.environ(?:\.get)?[\(\[]\s*\"([A-Z][A-Z0-9_]*)\"", text))
    names |= set(re.findall(r"os\.getenv\(\s*\"([A-Z][A-Z0-9_]*)\"", text))
    return names


def test_every_variable_settings_reads_is_documented():
    names = settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "EMAIL_BACKEND", "TRUSTED_PROXY_COUNT"} <= names
    missing = sorted(n for n in names if not documented(n))
    assert not missing, f"add these to deploy/README.md, Settings: {missing}"


def test_every_variable_the_deploy_files_read_is_documented():
    texts = [(DEPLOY / name).read_text() for name in
             ("gunicorn.conf.py", "healthcheck.py", "compose.yaml", "Caddyfile")]
    names = set()
    for text in texts:
        names |= set(re.findall(r"os\.environ\.get\(\s*[\"']([A-Z][A-Z0-9_]*)", text))
        names |= set(re.findall(r"\{\$([A-Z][A-Z0-9_]*)", text))  # Caddy's {$VAR}
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))  # compose's ${VAR}
    assert {"WEB_CONCURRENCY", "POSTGRES_PASSWORD", "ACME_EMAIL", "UPSTREAM"} <= names
    missing = sorted(n for n in names if not documented(n))
    assert not missing, missing


BLOCKS = {"resources", "config", "secrets", "podSecurityContext", "securityContext",
          "nodeSelector", "tolerations", "affinity", "annotations", "podAnnotations",
          "imagePullSecrets", "extraHosts", "tls", "env", "fleetArgs"}


def value_paths(node: dict, prefix: str = "") -> list[str]:
    paths = []
    for key, child in node.items():
        path = f"{prefix}{key}"
        if isinstance(child, dict) and key not in BLOCKS:
            paths += value_paths(child, path + ".")
        else:
            paths.append(path)
    return paths


def test_every_values_key_is_documented(values):
    paths = value_paths(values)
    assert "web.autoscaling.maxReplicas" in paths and "pgbouncer.userlistSecret" in paths
    missing = [p for p in paths if f"`{p}`" not in README]
    assert not missing, missing
    # The secret keys of values.yaml are settings, documented as such.
    assert not [k for k in values["secrets"] if not documented(k)]
    assert not [k for k in values["config"] if not documented(k)]
