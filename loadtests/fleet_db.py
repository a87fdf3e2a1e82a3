"""The 10,000-group fleet database that bench-migrate and bench-connections share.

It lives in its own database (`mutualaid_bench_fleet` on the embedded server, or
BENCH_FLEET_DATABASE_URL), is seeded once (core/tenancy/fleet.py) and reused. The probe app
(core/testing/migration_probe) is installed in it: MUTUALAID_TESTING is set, as the
migration benchmark ships a throwaway migration to that app.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]

GROUPS = int(os.environ.get("BENCH_FLEET_GROUPS", "10000"))


def setup_django() -> str:
    from core.local_services import embedded_database_url

    url = os.environ.get("BENCH_FLEET_DATABASE_URL") or embedded_database_url(
        "mutualaid_bench_fleet")
    os.environ["DATABASE_URL"] = url
    os.environ["MUTUALAID_TESTING"] = "1"  # the migration probe app
    os.environ.setdefault("SCHEMA_POOL_SIZE", "10")  # production's default, not the tests'
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.settings")
    import django

    django.setup()
    return url


def prepare(groups: int = GROUPS) -> dict:
    """The fleet at the code's migrations with `groups` groups (unmeasured set-up)."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from core.tenancy.fleet import seed_fleet

    started = time.perf_counter()
    rebuilt = False
    try:
        # Brings the public schema, the template and the groups there already up to date.
        call_command("migrate_fleet", stdout=sys.stderr, stderr=sys.stderr)
    except CommandError as exc:
        if "--slow" not in str(exc):
            raise
        # A new data migration: the slow path would take hours over 10,000 groups; a new
        # database and a new fleet take about ten minutes.
        print(f"{exc}\nso: a new fleet database", file=sys.stderr, flush=True)
        _recreate_database()
        call_command("migrate_fleet", stdout=sys.stderr, stderr=sys.stderr)
        rebuilt = True
    # Small batches: each group's ~150 relations hold locks until its batch commits.
    seeded = seed_fleet(groups, batch_size=10, progress=lambda d, t: d % 1000 < 10 and print(
        f"  seeding {d}/{t}", file=sys.stderr, flush=True))
    print(f"fleet: {json.dumps(seeded)}", file=sys.stderr, flush=True)
    return {"seeded_now": seeded["created"], "rebuilt": rebuilt,
            "prepare_s": round(time.perf_counter() - started, 1)}


def _recreate_database() -> None:
    import psycopg
    from django.db import connection, connections

    connections.close_all()
    params = connection.get_connection_params()
    name = params["dbname"]
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def fleet_schemas() -> list[str]:
    from core.tenancy.models import Group

    return list(Group.objects.order_by("pk").values_list("schema_name", flat=True))
