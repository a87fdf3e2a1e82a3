"""The image's processes as the deploy files start them, run for real here: gunicorn with
deploy/gunicorn.conf.py, and deploy/healthcheck.py against it, a Celery worker and beat's
schedule file."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.testing.processes import start_and_wait_for
from django.db import connection

from core.local_services import database_url

REPO = Path(__file__).resolve().parents[2]
HEALTHCHECK = REPO / "deploy" / "healthcheck.py"


def process_env(**extra) -> dict:
    return {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'platform'}", "MUTUALAID_TESTING": "1",
            "DJANGO_SETTINGS_MODULE": "mutualaid.settings",
            "DATABASE_URL": database_url(connection.settings_dict), **extra}


def healthcheck(kind: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(HEALTHCHECK), kind], capture_output=True,
                          text=True, timeout=60, env=process_env(**env))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path):
    port = free_port()
    metrics = tmp_path / "prometheus"
    metrics.mkdir()
    proc = start_and_wait_for(
        [sys.executable, "-m", "gunicorn", "--config", str(REPO / "deploy" / "gunicorn.conf.py"),
         "mutualaid.wsgi:application"], "Listening at", log=tmp_path / "gunicorn.log",
        cwd=REPO, env=process_env(PORT=str(port), WEB_CONCURRENCY="1", GUNICORN_THREADS="2",
                                  PROMETHEUS_MULTIPROC_DIR=str(metrics)),
    )
    try:
        # Bound and listening: the first answer waits for a worker to load Django (slow on a
        # busy machine); what the tests check comes after.
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=180).read()
        yield port, proc, metrics
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)


def test_gunicorn_serves_with_the_shipped_config_and_passes_the_web_check(gunicorn):
    port, proc, metrics = gunicorn
    check = healthcheck("web", PORT=str(port))
    assert check.returncode == 0, check.stderr
    # The worker writes its samples to the multi-process directory, which /metrics (asked by
    # IP, as a scraper reaching a pod does) reads. (One worker: each worker answers its first
    # request slowly, and a check that happened to reach a cold one could time out.)
    for _ in range(6):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    assert 'mutualaid_http_request_duration_seconds_count{method="GET",route="healthz"' in body
    assert list(metrics.glob("histogram_*.db"))
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    down = healthcheck("web", PORT=str(port))
    assert down.returncode == 1 and "URLError" in down.stderr


@pytest.fixture
def beat_check(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("deploy_healthcheck", HEALTHCHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "BEAT_SCHEDULE", str(tmp_path / "celerybeat-schedule"))
    return module


def test_beat_is_healthy_while_it_keeps_writing_its_schedule(beat_check, tmp_path):
    assert "no schedule file" in beat_check.beat()
    schedule = tmp_path / "celerybeat-schedule.db"  # dbm may add a suffix
    schedule.write_bytes(b"x")
    assert beat_check.beat() is None
    stale = time.time() - beat_check.BEAT_MAX_AGE - 60
    os.utime(schedule, (stale, stale))
    assert "last written" in beat_check.beat()
    assert beat_check.main(["healthcheck.py", "beat"]) == 1
    assert beat_check.main(["healthcheck.py", "nonsense"]) == 2


@pytest.mark.committed
def test_the_worker_check_pings_this_hosts_worker(celery_worker, redis_server):
    alive = healthcheck("worker", REDIS_URL=redis_server.url)
    assert alive.returncode == 0, alive.stderr
    # Another broker database: no worker there answers.
    elsewhere = healthcheck("worker", REDIS_URL=redis_server.url.rstrip("/") + "/9")
    assert elsewhere.returncode == 1
    assert "did not answer a ping" in elsewhere.stderr
