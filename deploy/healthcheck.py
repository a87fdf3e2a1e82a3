"""Container health checks, one per kind of process: `python deploy/healthcheck.py KIND`.

- `web`: GET /healthz on this container's gunicorn (liveness; core/observability/health.py).
- `worker`: this container's Celery worker answers a ping through the broker.
- `beat`: Celery beat wrote its schedule file recently (it syncs it every few minutes while
  its loop runs; a beat stuck or unable to reach the broker stops writing it).

Exit status 0 healthy, 1 not (the reason on stderr). Stdlib only for `web` and `beat`.
"""

from __future__ import annotations

import glob
import os
import socket
import sys
import time
import urllib.request

# Where compose and the chart run beat with `--schedule`.
BEAT_SCHEDULE = "/run/beat/celerybeat-schedule"
# Beat wakes at least every 5 minutes (max_interval) and syncs its file when 3 have passed.
BEAT_MAX_AGE = 15 * 60


def web() -> str | None:
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
    with urllib.request.urlopen(url, timeout=4) as response:
        return None if response.status == 200 else f"/healthz answered {response.status}"


def worker() -> str | None:
    import django

    django.setup()
    from mutualaid.celery import app

    node = f"celery@{socket.gethostname()}"
    replies = app.control.ping(destination=[node], timeout=5)
    return None if replies else f"{node} did not answer a ping"


def beat() -> str | None:
    files = glob.glob(BEAT_SCHEDULE + "*")  # dbm may add a suffix (.db, .dat)
    if not files:
        return f"no schedule file at {BEAT_SCHEDULE}"
    age = time.time() - max(os.path.getmtime(f) for f in files)
    return None if age < BEAT_MAX_AGE else f"schedule file last written {age:.0f} s ago"


CHECKS = {"web": web, "worker": worker, "beat": beat}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in CHECKS:
        print(f"usage: healthcheck.py {{{','.join(CHECKS)}}}", file=sys.stderr)
        return 2
    try:
        problem = CHECKS[argv[1]]()
    except Exception as exc:  # any failure to check is unhealthy, said in one line
        problem = f"{type(exc).__name__}: {exc}"
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
