"""`make bench-connections`: a PostgreSQL backend's memory after one worker has served
10,000 group schemas, with connection recycling (DB_RECYCLE_AFTER_SCHEMAS) and without.

Each group's home page is requested once, in turn, through Django's WSGI handler (routing,
middleware, the view's queries on the group's tables, the request signals: what gunicorn
runs). After each response, before it is closed, the memory of the backend serving the
connection is read from /proc/<pid>/status (the embedded server runs on this machine):
RssAnon, the backend's private memory, where its catalog caches live; VmRSS also counts
the shared buffers it has touched. Both runs keep connections for an hour
(DB_CONN_MAX_AGE=3600), so only recycling by schemas closes them. rss_mb: the largest
RssAnon of any backend with recycling; baseline_rss_mb: without, after all the groups.
Uses the fleet database of bench-migrate (loadtests/fleet_db.py). Prints one JSON line.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]
import fleet_db  # noqa: E402

RECYCLE_AFTER = int(os.environ.get("BENCH_RECYCLE_AFTER_SCHEMAS", "500"))


def memory_mb(pid: int) -> dict[str, float]:
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "RssAnon"):
                fields[name] = int(value.split()[0]) / 1024
    return fields


def serve_every_group(hosts: list[str], recycle_after: int) -> dict:
    from django.conf import settings
    from django.core.cache import cache
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    settings.DB_RECYCLE_AFTER_SCHEMAS = recycle_after
    connection.close()
    cache.clear()  # each run routes every host afresh
    handler, peak, backends, last = WSGIHandler(), {"RssAnon": 0.0, "VmRSS": 0.0}, set(), {}
    started = time.perf_counter()
    for host in hosts:
        response = handler(_environ(host), lambda status, headers: None)
        b"".join(response)
        if not str(response.status_code).startswith("2"):
            raise RuntimeError(f"{host}: {response.status_code}")
        if connection.connection is not None:
            pid = connection.connection.info.backend_pid
            backends.add(pid)
            last = memory_mb(pid)
            peak = {k: max(peak[k], last[k]) for k in peak}
        response.close()  # request_finished: where recycling closes a tired connection
    seconds = time.perf_counter() - started
    connection.close()
    return {"peak": peak, "last": last, "backends": len(backends), "seconds": seconds}


def _environ(host: str) -> dict:
    return {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "", "SCRIPT_NAME": "",
        "SERVER_NAME": host, "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host, "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http", "wsgi.version": (1, 0),
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }


def main() -> None:
    os.environ["DB_CONN_MAX_AGE"] = "3600"
    fleet_db.setup_django()
    from django.conf import settings

    prepared = fleet_db.prepare()
    hosts = [f"{s}.{settings.PLATFORM_DOMAIN}" for s in fleet_db.fleet_schemas()]
    serve_every_group(hosts[:50], RECYCLE_AFTER)  # warm Python's own caches first
    baseline = serve_every_group(hosts, 0)
    print(f"without recycling: {json.dumps(baseline)}", file=sys.stderr, flush=True)
    ours = serve_every_group(hosts, RECYCLE_AFTER)
    print(f"with recycling: {json.dumps(ours)}", file=sys.stderr, flush=True)
    print(json.dumps({
        "bench": "connections",
        "schemas": len(hosts),
        "rss_mb": round(ours["peak"]["RssAnon"], 1),
        "baseline_rss_mb": round(baseline["last"]["RssAnon"], 1),
        "ratio": round(baseline["last"]["RssAnon"] / ours["peak"]["RssAnon"], 1),
        "vmrss_mb": round(ours["peak"]["VmRSS"], 1),
        "baseline_vmrss_mb": round(baseline["last"]["VmRSS"], 1),
        "recycle_after_schemas": RECYCLE_AFTER,
        "backends": ours["backends"],
        "requests_per_s": round(len(hosts) / ours["seconds"], 1),
        "baseline_requests_per_s": round(len(hosts) / baseline["seconds"], 1),
        **prepared,
    }), flush=True)


if __name__ == "__main__":
    main()
