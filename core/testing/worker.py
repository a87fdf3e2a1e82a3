"""A real Celery worker process for tests, on the test database and a real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

REPO = Path(__file__).resolve().parents[2]


def database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or settings_dict.get("OPTIONS", {}).get("host") or ""
    port = settings_dict.get("PORT") or ""
    if host.startswith("/"):  # a Unix socket directory
        return f"postgresql://{credentials}/{settings_dict['NAME']}?host={quote(host)}"
    return f"postgresql://{credentials}{host}{':' + str(port) if port else ''}/{settings_dict['NAME']}"


@pytest.fixture(scope="session")
def celery_worker(session_groups, redis_server, django_db_blocker):
    """One `celery worker` per run, on this run's database and Redis; the app points at them.
    Tests that use it also need `committed` (the worker only sees committed rows)."""
    from django.db import connection

    from celery import current_app as app  # the project app, made when settings load

    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": redis_server.url,
        "MUTUALAID_TESTING": "1",
        "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mutualaid", "worker", "--pool", "solo",
         "--loglevel", "warning", "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=REPO / "platform", env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=redis_server.url, result_backend=redis_server.url,
                    task_always_eager=False)
    _drop_connections(app)
    try:
        _wait_until_ready(app, proc)
        yield app
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0].decode(errors="replace")
        app.conf.update(saved)
        _drop_connections(app)
        if proc.returncode not in (0, -15):
            print(output)


def _drop_connections(app) -> None:
    """Forget broker and result-backend connections made under the previous settings."""
    import threading

    app._after_fork()  # what Celery itself does to reset its pools in a forked child
    app._local = threading.local()  # the cached result backend


def _wait_until_ready(app, proc, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited: {proc.stdout.read().decode()}")
        replies = app.control.ping(timeout=0.5)
        if replies:
            return
    raise RuntimeError("celery worker did not answer a ping within 60 s")
