"""`make loadtest GROUPS=N USERS=M DURATION=S`: Locust against a production-like stack.

1. Redis (a private redis-server), then the load test's database on the embedded PostgreSQL
   (`mutualaid_loadtest`, or LOADTEST_DATABASE_URL / --database-url) brought to the code's
   migrations (`migrate_fleet`), with N fleet groups and D busy ones (loadtest_data.py), made
   once and reused; static files collected.
2. gunicorn (deploy/gunicorn.conf.py) and a Celery worker on production settings
   (loadtest_stack.py).
3. Locust, headless (locustfile.py), M users: a warm-up (unmeasured), then the scenario at
   one group and the same spread over the fleet, S seconds each, in alternating rounds
   (ROUNDS, 2: one, spread, one, spread). What the load test added is removed after each
   round (visitors' requests, signups' groups).
4. Everything stopped, also after an error; the report (loadtest_report.py) written to
   loadtests/results/<date>-loadtest-<label>.json and printed as one JSON line.

Knobs (arguments, or the environment make passes): --groups/GROUPS (200), --users/USERS
(20), --duration/DURATION (60), --data-groups/DATA_GROUPS (busy groups: GROUPS/20, at most
300), --workers/WORKERS and --threads/THREADS (gunicorn's: 2 and 4, production's defaults),
--label/LABEL (`<groups>g-<users>u`), --warmup/WARMUP (seconds, min(15, DURATION)),
--rounds/ROUNDS (2); LOADTEST_WAIT and LOADTEST_SIGNUP_EVERY (locustfile.py);
LOADTEST_RESEED=1 makes the database afresh; LOADTEST_REDIS_URL: a Redis to use instead of
starting one; --prepare-only: migrate and seed, then stop.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(REPO / "platform"), str(HERE)]

import loadtest_report  # noqa: E402
import loadtest_stack  # noqa: E402


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[loadtest {time.monotonic() - STARTED:5.0f} s] {message}", file=sys.stderr,
          flush=True)


def arguments(argv=None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=int(env("GROUPS") or 200))
    parser.add_argument("--users", type=int, default=int(env("USERS") or 20))
    parser.add_argument("--duration", type=int, default=int(env("DURATION") or 60))
    parser.add_argument("--data-groups", type=int, default=int(env("DATA_GROUPS") or 0) or None)
    parser.add_argument("--workers", type=int, default=int(env("WORKERS") or 2))
    parser.add_argument("--threads", type=int, default=int(env("THREADS") or 4))
    parser.add_argument("--warmup", type=int, default=int(env("WARMUP") or 0) or None)
    parser.add_argument("--rounds", type=int, default=int(env("ROUNDS") or 2))
    parser.add_argument("--label", default=env("LABEL") or "")
    parser.add_argument("--database-url", default=env("LOADTEST_DATABASE_URL") or "")
    parser.add_argument("--no-migrate", action="store_true",
                        help="the database is migrated already (the smoke test's)")
    parser.add_argument("--prepare-only", action="store_true",
                        help="migrate and seed, then stop (the run after starts at once)")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--run-dir", type=Path, default=None,
                        help="where Locust's stats and the logs go (default .var/loadtest/...)")
    args = parser.parse_args(argv)
    if args.data_groups is None:  # a few hundred at 10,000 groups; 1 in 20 of a small fleet
        args.data_groups = max(1, min(300, args.groups // 20))
    args.data_groups = min(args.groups, args.data_groups)
    args.warmup = min(15, args.duration) if args.warmup is None else args.warmup
    args.label = args.label or f"{args.groups}g-{args.users}u"
    return args


def main(argv=None) -> int:
    args = arguments(argv)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = args.run_dir or loadtest_stack.VAR / "runs" / f"{stamp}-{args.label}"
    run_dir.mkdir(parents=True, exist_ok=True)
    meta = {"label": args.label, "date": datetime.date.today().isoformat(),
            "groups": args.groups, "data_groups": args.data_groups, "users": args.users,
            "duration_s": args.duration, "rounds": args.rounds, "warmup_s": args.warmup,
            "machine": machine()}
    with ExitStack() as stack:
        redis_url = os.environ.get("LOADTEST_REDIS_URL", "")
        if not redis_url:
            redis, redis_url = loadtest_stack.start_redis()
            stack.callback(_stop_redis, redis)
        database_url = args.database_url or _embedded_database()
        env = loadtest_stack.environment(database_url=database_url, redis_url=redis_url)
        os.environ.update(env)
        import django

        django.setup()
        from django.conf import settings

        if not args.no_migrate:
            migrate()
        meta["seeding"] = seed(args)
        if args.prepare_only:
            return 0
        collect_static()
        log("starting gunicorn and a Celery worker")
        manifest = write_manifest(args, run_dir, settings.PLATFORM_DOMAIN)
        stack.callback(_cleanup_signups, meta)  # also after an error
        with loadtest_stack.Stack(env=env, workers=args.workers, threads=args.threads,
                                 logs=run_dir) as servers:
            manifest["port"] = servers.port
            (run_dir / "manifest.json").write_text(json.dumps(manifest))
            meta["stack"] = {"gunicorn": version("gunicorn"), "locust": version("locust"),
                             "gunicorn_workers": args.workers, "threads": args.threads,
                             "celery": "1 worker, solo pool", "settings": "production",
                             "dashboard": bool(manifest["dashboard"])}
            meta["one_group"] = manifest["data_groups"][0]
            runs = [("warmup", "one", args.warmup)] if args.warmup else []
            # Alternating rounds, so a neighbour's load on a shared machine falls on both.
            per_round = meta["round_s"] = max(1, round(args.duration / args.rounds))
            runs += [(f"{scenario}-{n}", scenario, per_round)
                     for n in range(1, args.rounds + 1) for scenario in ("one", "spread")]
            cleanup = meta.setdefault("cleanup", {})
            for name, scenario, seconds in runs:
                locust(run_dir, name, scenario, args.users, seconds)
                cleanup[name] = clean_up(run_dir / name)
        meta["machine"]["loadavg_after"] = os.getloadavg()
        (run_dir / "meta.json").write_text(json.dumps(meta))
    report = loadtest_report.build(run_dir)
    path = loadtest_report.save(report, args.results)
    log(f"report: {path}; Locust's stats and the servers' logs: {run_dir}")
    print(loadtest_report.one_line(report), flush=True)
    return 0 if report["failures"] == 0 else 1


def machine() -> dict:
    return {"cpus": os.cpu_count(), "loadavg_before": os.getloadavg()}


def _embedded_database() -> str:
    from core.local_services import embedded_database_url

    return embedded_database_url("mutualaid_loadtest")


def _stop_redis(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(10)


def migrate() -> None:
    """The database at the code's migrations; a new one when a data migration would need
    the slow path over the whole fleet (or LOADTEST_RESEED=1): seeding again is quicker."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    if os.environ.get("LOADTEST_RESEED") == "1":
        _recreate_database()
    try:
        call_command("migrate_fleet", stdout=sys.stderr, stderr=sys.stderr)
    except CommandError as exc:
        if "--slow" not in str(exc):
            raise
        log(f"{exc}\nso: a new load-test database")
        _recreate_database()
        call_command("migrate_fleet", stdout=sys.stderr, stderr=sys.stderr)


def _recreate_database() -> None:
    import psycopg
    from django.db import connection, connections

    connections.close_all()
    params = connection.get_connection_params()
    name = params["dbname"]
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def seed(args) -> dict:
    import loadtest_data

    log(f"seeding (where missing): {args.groups} groups, {args.data_groups} busy")
    done = loadtest_data.prepare(groups=args.groups, data_groups=args.data_groups, log=log)
    log(f"seeded: {json.dumps(done)}")
    return done


def collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def write_manifest(args, run_dir: Path, domain: str) -> dict:
    import loadtest_data
    from django.urls import NoReverseMatch, reverse

    from core.geo.models import PostcodeCentroid

    try:  # the coordinators' dashboard, once it exists
        dashboard = reverse("reports_dashboard", urlconf="mutualaid.urls_group")
    except NoReverseMatch:
        dashboard = None
    postcodes = list(PostcodeCentroid.objects.filter(
        country="GB", lat__range=(51.3, 51.7), lng__range=(-0.4, 0.2),
    ).order_by("postcode").values_list("postcode", flat=True)[:50])
    return {**loadtest_data.manifest(groups=args.groups, data_groups=args.data_groups,
                                     port=0, domain=domain),
            "dashboard": dashboard, "postcodes": postcodes or [""]}


def locust(run_dir: Path, name: str, scenario: str, users: int, seconds: float) -> None:
    folder = run_dir / name
    folder.mkdir(exist_ok=True)
    log(f"locust: {name}, {users} users, {seconds:g} s")
    command = [
        sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
        "--users", str(users), "--spawn-rate", str(max(1.0, users / 10)),
        "--run-time", f"{round(seconds)}s", "--stop-timeout", "15", "--only-summary",
        "--csv", str(folder / "stats"), "--json-file", str(folder / "stats"),
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]
    env = {**os.environ, "LOADTEST_MANIFEST": str(run_dir / "manifest.json"),
           "LOADTEST_SCENARIO": scenario, "LOADTEST_POSTED_FILE": str(folder / "posted.json")}
    with open(folder / "locust.log", "wb") as out:
        done = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                              timeout=seconds + 120)
    if done.returncode != 0:
        raise RuntimeError(f"locust exited with {done.returncode}: see {folder / 'locust.log'}")


def clean_up(folder: Path) -> dict:
    import loadtest_data

    posted = folder / "posted.json"
    groups = set(json.loads(posted.read_text())) if posted.exists() else set()
    return loadtest_data.remove_load_test_traces(groups)


def _cleanup_signups(meta: dict) -> None:
    import loadtest_data

    meta.setdefault("cleanup", {})["end"] = loadtest_data.remove_load_test_traces(set())


if __name__ == "__main__":
    code = main()
    log("done")
    sys.exit(code)
