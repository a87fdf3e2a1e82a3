"""The production-like stack `make loadtest` runs on this machine, from the repo alone.

- PostgreSQL: the embedded server (core/local_services.py), the load test's own database
  (`mutualaid_loadtest`), or LOADTEST_DATABASE_URL;
- Redis: a private redis-server on a free port (cache, sessions' neighbours, Celery broker);
- gunicorn with production's configuration (deploy/gunicorn.conf.py: gthread workers,
  WEB_CONCURRENCY processes of GUNICORN_THREADS threads), bound to a free loopback port;
  DEBUG off, static files by WhiteNoise from collectstatic's output, as in production;
- a Celery worker (the schema pool topped up after signups, geocoding, notifications).

`environment()` is the production settings' environment (loadtests/loadtest_settings.py says
what differs on loopback); every process started here gets it. `Stack` stops everything it
started on exit, also after an error.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / ".var" / "loadtest"


def environment(*, database_url: str, redis_url: str) -> dict[str, str]:
    return {
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "loadtests.loadtest_settings",
        "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PLATFORM_DOMAIN": "localhost",
        "SECRET_KEY": "load-test-only-secret-key-not-for-production-use",
        "VETTING_CREDENTIALS_KEY": "load-test-only-vetting-key",
        # No S3 or mail server on this machine: files on disk, mail kept in memory (built
        # in full, as for a provider).
        "DOCUMENTS_BACKEND": "local",
        "DOCUMENTS_ROOT": str(VAR / "documents"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "STATIC_ROOT": str(VAR / "static"),
        # As behind production's one proxy: the client's address is the last entry of
        # X-Forwarded-For (each Locust user sends its own), for sign-in and signup limits.
        "TRUSTED_PROXY_COUNT": "1",
    }


def start_redis() -> tuple[subprocess.Popen, str]:
    from core.local_services import start_redis as start

    return start()


class Stack:
    """gunicorn and a Celery worker on `env`; `with Stack(...) as stack:` stops both."""

    def __init__(self, *, env: dict[str, str], workers: int, threads: int, logs: Path):
        self.env = {
            **env, "WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads),
            "GUNICORN_LOG_LEVEL": "warning",
            # Metrics as under gunicorn in production: one file per process, a fresh folder.
            "PROMETHEUS_MULTIPROC_DIR": str(VAR / "prometheus"),
        }
        self.logs = logs
        self.port = _free_port()
        self._exit = ExitStack()

    def __enter__(self) -> Stack:
        try:
            self._start()
        except BaseException:
            self._exit.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._exit.close()

    def _start(self) -> None:
        from core.local_services import start_celery_worker

        metrics = Path(self.env["PROMETHEUS_MULTIPROC_DIR"])
        shutil.rmtree(metrics, ignore_errors=True)
        metrics.mkdir(parents=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        worker = start_celery_worker(database_url=self.env["DATABASE_URL"],
                                     redis_url=self.env["REDIS_URL"], **self.env)
        self._exit.callback(_keep_log, worker.log, self.logs / "celery.log")
        self._exit.callback(_stop, worker, "celery worker")
        self.gunicorn = self._start_gunicorn()
        self._exit.callback(_stop, self.gunicorn, "gunicorn")
        self._wait_until_serving()

    def _start_gunicorn(self) -> subprocess.Popen:
        command = [
            sys.executable, "-m", "gunicorn", "--config", str(REPO / "deploy" / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{self.port}", "--chdir", str(REPO / "platform"),
            "mutualaid.wsgi:application",
        ]
        log = open(self.logs / "gunicorn.log", "ab")
        self._exit.callback(log.close)
        return subprocess.Popen(command, cwd=REPO / "platform", env={**os.environ, **self.env},
                                stdout=log, stderr=subprocess.STDOUT)

    def _wait_until_serving(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/healthz"
        while time.monotonic() < deadline:
            if self.gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.logs / 'gunicorn.log'}")
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)  # not listening yet
        raise RuntimeError(f"gunicorn did not answer {url} within {timeout} s")



def _keep_log(temporary: Path, kept: Path) -> None:
    """The worker's log (a temporary file) next to gunicorn's."""
    if temporary.exists():
        shutil.move(temporary, kept)


def _stop(proc: subprocess.Popen, name: str, grace: float = 20) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of its workers
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        print(f"{name} did not stop within {grace} s: killed", file=sys.stderr)
        proc.kill()
        proc.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
