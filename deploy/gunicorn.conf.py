"""gunicorn's configuration for the web process (the image's default command).

Every knob is an environment variable (deploy/README.md): WEB_CONCURRENCY worker processes
of GUNICORN_THREADS threads each. Each thread holds its own database connection, so a pod
or container uses up to WEB_CONCURRENCY x GUNICORN_THREADS of them (mind PostgreSQL's
max_connections, or put PgBouncer in between: deploy/pgbouncer).
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5  # seconds; the reverse proxy keeps connections to us open between requests
# Workers are not replaced by default: a gthread worker that exits drops the requests waiting
# on its kept-alive connections (benoitc/gunicorn#3038; 39 of 8,732 requests failed in the
# load test), and the growth recycling bounded, a connection's catalog caches across many
# group schemas, is bounded by DB_RECYCLE_AFTER_SCHEMAS. N > 0 replaces one after N requests.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# The heartbeat file in memory, not on the (read-only) image filesystem.
worker_tmp_dir = "/dev/shm"
# The app's own loggers write the request log (LOG_FORMAT=json); gunicorn's errors to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Each worker imports the app itself: no database connection or thread made before fork.
preload_app = False


def child_exit(server, worker):
    """prometheus_client's multi-process mode: a dead worker's live gauges are dropped from
    the directory /metrics sums (core/observability/README.md)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
