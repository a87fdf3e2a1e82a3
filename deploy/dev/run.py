"""`make run`: migrate, seed the demo group, start the web server, a Celery worker and beat.

Ctrl-C stops everything it started. Running it again reuses the database under `.var/`
(or DATABASE_URL) and the demo group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(REPO / "platform" / "manage.py")]
PORT = os.environ.get("PORT", "8000")


def main() -> int:
    # Stop the children on SIGTERM too, not only on Ctrl-C.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    subprocess.run([*MANAGE, "migrate", "--noinput", "-v", "0"], check=True, env=env)
    subprocess.run([*MANAGE, "seed_demo"], check=True, env=env)
    domain = os.environ.get("PLATFORM_DOMAIN", "localhost")
    processes = [subprocess.Popen([*MANAGE, "runserver", f"0.0.0.0:{PORT}"], env=env)]
    if os.environ.get("REDIS_URL"):
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mutualaid", "worker", "-l", "info",
             "--concurrency", "2"], cwd=REPO / "platform", env=env,
        ))
        # Beat sends the scheduled tasks (settings.CELERY_BEAT_SCHEDULE); one, never more.
        schedule = REPO / ".var" / "celerybeat-schedule"
        schedule.parent.mkdir(exist_ok=True)
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mutualaid", "beat", "-l", "info",
             "--schedule", str(schedule)], cwd=REPO / "platform", env=env,
        ))
        tasks = f"Celery worker and beat on {os.environ['REDIS_URL']}"
    else:
        tasks = "REDIS_URL is not set: background tasks run in-process, synchronously"
    print(
        f"\n  Platform (sign a group up): http://{domain}:{PORT}/\n"
        f"  Demo group:                 http://demo.{domain}:{PORT}/\n"
        f"  Tasks:                      {tasks}\n"
        f"  Ctrl-C stops everything.\n",
        flush=True,
    )
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for p in processes:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in processes:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
