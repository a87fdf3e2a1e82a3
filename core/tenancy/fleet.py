"""Bulk provisioning for benchmarks and load tests: many groups from the same blueprint.

Groups are made in batches, one transaction per batch (a failed batch leaves nothing), over
a few parallel connections. Each group gets an admin whose password hash is computed once
for the whole run: hashing is deliberately slow and would otherwise dominate.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, connections, transaction

from core.tenancy import blueprint
from core.tenancy.fleet_migrations.models import GroupMigrationState
from core.tenancy.models import Domain, Group, SchemaBlueprint

FLEET_PREFIX = "fleet-"
FLEET_PASSWORD = "fleet-password-1"


def fleet_slug(number: int) -> str:
    return f"{FLEET_PREFIX}{number:05d}"


def missing_fleet_slugs(total: int) -> list[str]:
    existing = set(
        Group.objects.filter(schema_name__startswith=FLEET_PREFIX)
        .values_list("schema_name", flat=True)
    )
    return [s for s in (fleet_slug(n) for n in range(1, total + 1)) if s not in existing]


def seed_fleet(total: int, *, batch_size: int = 50, workers: int = 2, progress=None) -> dict:
    """Make sure `total` fleet groups exist; returns what was done and how long it took."""
    slugs = missing_fleet_slugs(total)
    started = time.perf_counter()
    password_hash = make_password(FLEET_PASSWORD)
    current = blueprint.current()
    batches = [slugs[i:i + batch_size] for i in range(0, len(slugs), batch_size)]
    done = 0

    def run(batch: list[str]) -> int:
        try:
            _seed_batch(batch, current, password_hash)
            return len(batch)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for count in pool.map(run, batches):
            done += count
            if progress:
                progress(done, len(slugs))
    return {"created": len(slugs), "total": total, "seconds": time.perf_counter() - started}


def _seed_batch(slugs: list[str], current: SchemaBlueprint, password_hash: str) -> None:
    sql = current.sql
    connection.set_schema_to_public()
    with transaction.atomic():
        groups = Group.objects.bulk_create(
            Group(
                schema_name=slug, name=f"Fleet group {slug[len(FLEET_PREFIX):]}", country="GB",
                timezone="Europe/London", map_center_lat=51.5, map_center_lng=-0.12,
            )
            for slug in slugs
        )
        Domain.objects.bulk_create(
            Domain(domain=f"{g.schema_name}.{settings.PLATFORM_DOMAIN}", tenant=g, is_primary=True)
            for g in groups
        )
        GroupMigrationState.objects.bulk_create(
            GroupMigrationState(group=g, fingerprint=current.fingerprint) for g in groups
        )
        script = []
        for slug in slugs:
            q = blueprint.quote(slug)
            script.append(f"CREATE SCHEMA {q}; SET search_path = {q};\n{sql}")
            script.append(
                "INSERT INTO accounts_user (password, is_superuser, email, name, role, "
                "preferred_language, is_active, is_staff, date_joined) VALUES "
                f"('{password_hash}', false, 'admin@{slug}.example.org', 'Fleet admin', "
                "'admin', 'en', true, false, now());"
            )
        try:
            with connection.cursor() as cursor:
                cursor.execute("\n".join(script))
        finally:
            connection.set_schema_to_public()


def drop_groups(queryset) -> int:
    """Remove groups outright: schema, domains, handoffs, row (tests and benchmarks only;
    closing a real group is an audited service with a grace period and an export)."""
    from core.tenancy import routing

    count = 0
    for group in list(queryset):
        hosts = list(group.domains.values_list("domain", flat=True))
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {blueprint.quote(group.schema_name)} CASCADE")
            group.domains.all().delete()
            group.delete()
            transaction.on_commit(lambda hosts=hosts: routing.forget(*hosts))
        count += 1
    return count
