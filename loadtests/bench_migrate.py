"""`make bench-migrate`: a migration across a 10,000-group fleet, and a deploy with nothing
to migrate, with `migrate_fleet`; django-tenants' `migrate_schemas` on a 500-group slice as
the baseline, in the same run.

The migration is the probe app's throwaway 0003 (a column with a default and an index;
core/testing/migration_probe/shipping.py), shipped for the run only. Order:
1. baseline: django-tenants' standard executor (what `migrate_schemas --tenant` runs) over
   the last BENCH_BASELINE_GROUPS groups, then the migration is taken back out of them;
2. `manage.py migrate_fleet`, timed end to end (public schema check, template, blueprint,
   warm pool, every group), checked: every group schema has the column and its index;
3. `manage.py migrate_fleet` again: the no-op deploy (recorded states: one query), and
   `migrate_fleet --verify` (every group's history read from its schema: `verify_s`);
4. the migration is taken back out of every schema, so the database can be used again
   (also at the start, if a previous run died half-way).
ratio = baseline seconds per schema / ours per schema. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]
import fleet_db  # noqa: E402

BASELINE_GROUPS = int(os.environ.get("BENCH_BASELINE_GROUPS", "500"))
WORKERS = int(os.environ.get("BENCH_MIGRATE_WORKERS", "4"))


def migrate_schemas(schemas: list[str]) -> None:
    """django-tenants' migrate_schemas over these schemas: its standard executor, with the
    options `migrate_schemas --tenant --noinput --skip-checks` parses to."""
    from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
    from django_tenants.migration_executors import get_executor

    parser = MigrateSchemasCommand().create_parser("manage.py", "migrate_schemas")
    options = vars(parser.parse_args(["--tenant", "--noinput", "--skip-checks", "-v", "0"]))
    get_executor("standard")((), options).run_migrations(tenants=list(schemas))


def schemas_with_flag() -> set[str]:
    from django.db import connection

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_attribute a "
            "ON a.attrelid = t.oid AND a.attnum = ANY (i.indkey) "
            "WHERE t.relname = 'migration_probe_probenote' AND a.attname = 'flag'"
        )
        return {name for (name,) in cursor.fetchall()}


def timed(fn, *args, **kwargs) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - started


def main() -> None:
    fleet_db.setup_django()
    from django.core.management import call_command

    from core.tenancy.fleet_migrations.selectors import lagging_groups
    from core.testing.migration_probe.shipping import ADD_FLAG, shipped, unship

    prepared = fleet_db.prepare()
    schemas = fleet_db.fleet_schemas()
    if schemas_with_flag():
        print("a previous run left the probe migration in: taking it out", file=sys.stderr)
        unship(schemas)
    slice_ = schemas[-BASELINE_GROUPS:]
    with tempfile.TemporaryDirectory() as tmp, shipped(Path(tmp), ADD_FLAG):
        try:
            baseline_s = timed(migrate_schemas, slice_)
            assert set(slice_) <= schemas_with_flag(), "the baseline did not migrate its slice"
            unship(slice_)
            migrate_s = timed(call_command, "migrate_fleet", workers=WORKERS,
                              stdout=sys.stderr, stderr=sys.stderr)
            migrated = schemas_with_flag()
            assert set(schemas) <= migrated, f"{len(set(schemas) - migrated)} groups missed"
            assert lagging_groups().count() == 0
            noop_s = timed(call_command, "migrate_fleet", workers=WORKERS,
                           stdout=sys.stderr, stderr=sys.stderr)
            # The same, reading every group's history from its schema instead of the record.
            verify_s = timed(call_command, "migrate_fleet", verify=True, workers=WORKERS,
                             stdout=sys.stderr, stderr=sys.stderr)
        finally:
            unship(schemas)
    ours_per_schema = migrate_s / len(schemas)
    baseline_per_schema = baseline_s / len(slice_)
    print(json.dumps({
        "bench": "migrate",
        "groups": len(schemas),
        "migrate_s": round(migrate_s, 2),
        "noop_s": round(noop_s, 2),
        "baseline_s_per_schema": round(baseline_per_schema, 4),
        "ratio": round(baseline_per_schema / ours_per_schema, 1),
        "ours_s_per_schema": round(ours_per_schema, 5),
        "verify_s": round(verify_s, 2),
        "baseline_groups": len(slice_),
        "baseline_s": round(baseline_s, 1),
        "workers": WORKERS,
        **prepared,
    }), flush=True)


if __name__ == "__main__":
    main()
