"""`make bench-provision`: how fast a signup makes a live group, at 1,000 and 10,000 groups.

For each fleet size it signs 200 groups up end to end through the signup service (form
validation, password hashing, Group, Domain, schema, admin, login token, commit), as in
production: the warm schema pool is topped up by a real Celery worker over Redis. In the
same run, on the same fleet, it measures the alternatives:
- baseline: django-tenants' default, the schema created by running the migrations in it
  (TenantMixin.create_schema without a base schema), the password hashed inline as
  create_user() does;
- baseline_in_our_pipeline: create-by-migrate swapped into our signup (hash overlapped);
- build: our blueprint DDL replay with no pool (what a signup does when the pool is empty);
- clone_fn: django-tenants' clone_schema() SQL function plus faked migrations
  (its TENANT_BASE_SCHEMA path).
Signups are paced (BENCH_PAUSE_S apart, the same for every variant). It prints one JSON
line per fleet size; ratio = baseline p95 / our p95.

Each fleet size lives in its own database (`mutualaid_bench_<N>` on the embedded server, or
BENCH_DATABASE_URL for a single size), seeded once and reused by later runs; groups made by
the measurements are dropped. Each size runs in its own process.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "200"))
BASELINE_SAMPLES = int(os.environ.get("BENCH_BASELINE_SAMPLES", "20"))
# Signups arrive apart, not back to back (even a busy day brings a few a minute): the pause
# lets the worker top the warm pool up between them, as it would in production.
PAUSE_S = float(os.environ.get("BENCH_PAUSE_S", "0.15"))


def setup_django(size: int) -> str:
    from core.local_services import embedded_database_url

    url = os.environ.get("BENCH_DATABASE_URL") or embedded_database_url(f"mutualaid_bench_{size}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.settings")
    import django

    django.setup()
    return url


def signup_form_data(slug: str) -> dict:
    return {
        "group_name": f"Bench {slug}", "slug": slug, "admin_name": "Bea Bench",
        "email": f"admin@{slug}.example.org", "password": "bench-password-42",
        "country": "GB", "timezone": "Europe/London", "default_language": "en",
        "map_center_lat": "51.5", "map_center_lng": "-0.12",
    }


def timed_signups(prefix: str, count: int, schema_step=None, serial_hash=False) -> list[float]:
    """Sign `count` groups up through the signup service; ms for each."""
    from core.tenancy import provisioning
    from mutualaid.signup import services

    steps, hash_soon = provisioning.STEPS, services.hash_password_soon
    if schema_step is not None:
        provisioning.STEPS = [schema_step if s is provisioning.create_schema else s for s in steps]
    if serial_hash:
        services.hash_password_soon = _hash_inline
    times = []
    try:
        for i in range(count):
            started = time.perf_counter()
            signup = services.sign_up_group(data=signup_form_data(f"{prefix}-{i:04d}"))
            times.append((time.perf_counter() - started) * 1000)
            if not signup.ok:
                raise RuntimeError(signup.form.errors.as_json())
            time.sleep(PAUSE_S)
    finally:
        provisioning.STEPS, services.hash_password_soon = steps, hash_soon
    return times


def _hash_inline(password: str) -> Future:
    from django.contrib.auth.hashers import make_password

    done: Future = Future()
    done.set_result(make_password(password))
    return done


def create_by_migrate(p) -> None:
    """django-tenants' default: CREATE SCHEMA, then run every migration in it."""
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{p.spec.slug}"')
    call_command("migrate_schemas", tenant=True, schema_name=p.spec.slug, interactive=False,
                 verbosity=0)
    connection.set_schema_to_public()


def build_without_pool(p) -> None:
    from core.tenancy import blueprint

    blueprint.build(p.spec.slug)


def clone_function(p) -> None:
    """django-tenants' TENANT_BASE_SCHEMA path: clone_schema() in SQL, then fake migrations."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.clone import CloneSchema

    CloneSchema().clone_schema(settings.TEMPLATE_SCHEMA, p.spec.slug, "DATA")
    call_command("migrate_schemas", tenant=True, fake=True, schema_name=p.spec.slug,
                 interactive=False, verbosity=0)
    connection.set_schema_to_public()


def drop_bench_groups() -> None:
    from core.tenancy.fleet import drop_groups
    from core.tenancy.models import Group

    drop_groups(Group.objects.filter(schema_name__startswith="bench-"))


def pct(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def main() -> None:
    """Run each fleet size in its own process (settings bind one database per process)."""
    for size in SIZES:
        subprocess.run([sys.executable, __file__, str(size)], check=True)


def bench(size: int) -> None:
    url = setup_django(size)
    from celery import current_app
    from django.core.management import call_command

    from core.local_services import point_celery_at, start_celery_worker, start_redis
    from core.local_services import wait_for_worker
    from core.tenancy import pool
    from core.tenancy.fleet import seed_fleet
    from core.tenancy.models import Group
    from core.tenancy.template import migrate_template

    # The public schema and the template only: migrating thousands of fleet schemas one by one
    # is the fleet-migration problem, not what this benchmark measures.
    call_command("migrate", shared=True, interactive=False, verbosity=0)
    migrate_template()
    drop_bench_groups()
    redis_proc, redis_url = (None, os.environ["REDIS_URL"]) if os.environ.get("REDIS_URL") \
        else start_redis()
    worker = start_celery_worker(database_url=url, redis_url=redis_url)
    point_celery_at(current_app, redis_url)
    try:
        wait_for_worker(current_app, worker)
        seeded = seed_fleet(size, progress=lambda d, t: d % 1000 < 50 and print(
            f"  seeding {d}/{t}", file=sys.stderr, flush=True))
        print(f"fleet: {json.dumps(seeded)}", file=sys.stderr, flush=True)
        groups = Group.objects.count()
        pool.fill()
        ours = timed_signups("bench-ours", SAMPLES)
        build = timed_signups("bench-build", SAMPLES // 4, build_without_pool)
        baseline = timed_signups("bench-migrate", BASELINE_SAMPLES, create_by_migrate,
                                 serial_hash=True)
        in_pipeline = timed_signups("bench-migrate2", BASELINE_SAMPLES, create_by_migrate)
        cloned = timed_signups("bench-clone", max(5, BASELINE_SAMPLES // 2), clone_function)
        drop_bench_groups()
        print(json.dumps({
            "bench": "provision",
            "groups": groups,
            "samples": len(ours),
            "p50_ms": pct(ours, 50),
            "p95_ms": pct(ours, 95),
            "baseline_p50_ms": pct(baseline, 50),
            "baseline_p95_ms": pct(baseline, 95),
            "ratio": round(pct(baseline, 95) / pct(ours, 95), 1),
            "baseline_in_our_pipeline_p95_ms": pct(in_pipeline, 95),
            "build_p95_ms": pct(build, 95),
            "clone_fn_p95_ms": pct(cloned, 95),
            "seed_seconds": round(seeded["seconds"], 1),
            "seeded_now": seeded["created"],
        }), flush=True)
    finally:
        worker.terminate()
        worker.wait(30)
        worker.log.unlink(missing_ok=True)
        if redis_proc:
            redis_proc.terminate()


if __name__ == "__main__":
    bench(int(sys.argv[1])) if len(sys.argv) > 1 else main()
