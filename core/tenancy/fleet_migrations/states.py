"""Read and record group schemas' migration states."""

from __future__ import annotations

from collections import defaultdict

from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django_tenants.utils import get_public_schema_name

from core.tenancy import blueprint
from core.tenancy.fleet_migrations.models import GroupMigrationState
from core.tenancy.models import Group


def read(schemas: list[str]) -> dict[str, str | Exception]:
    """Each schema's migration fingerprint (or the error reading it), in one query for all.

    A UNION ALL of the schemas' django_migrations, ordered as blueprint.migration_rows()
    orders one schema, so the fingerprints equal the template's when the rows do.
    """
    if not schemas:
        return {}
    sql = " UNION ALL ".join(
        f"SELECT %s::text, app, name FROM {blueprint.quote(s)}.django_migrations" for s in schemas
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"{sql} ORDER BY 1, 2, 3", schemas)
            found = cursor.fetchall()
    except DatabaseError as exc:
        if len(schemas) == 1:
            return {schemas[0]: exc}
        # One schema is broken (missing, no history table): find it, read the rest.
        return {s: state for one in schemas for s, state in read([one]).items()}
    rows = defaultdict(list)
    for schema, app, name in found:
        rows[schema].append((app, name))
    return {s: blueprint.fingerprint_of(rows[s]) for s in schemas}


def record(states: dict[int, str]) -> None:
    """Store {group id: fingerprint} (one statement for the lot)."""
    if not states:
        return
    GroupMigrationState.objects.bulk_create(
        [GroupMigrationState(group_id=pk, fingerprint=fp) for pk, fp in states.items()],
        update_conflicts=True, unique_fields=["group"], update_fields=["fingerprint", "updated_at"],
    )


def upsert_sql(group_id: int, fingerprint: str) -> str:
    """The same as record() for one group, as SQL to run inside a schema's own transaction
    (whatever its search path)."""
    table = f"{blueprint.quote(get_public_schema_name())}.{GroupMigrationState._meta.db_table}"
    return connection.ops.compose_sql(
        f"INSERT INTO {table} (group_id, fingerprint, updated_at) VALUES (%s, %s, now()) "
        "ON CONFLICT (group_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, "
        "updated_at = EXCLUDED.updated_at",
        [group_id, fingerprint],
    )


def behind(target: str):
    """Groups whose recorded state is not `target`, or not recorded at all."""
    return Group.objects.filter(
        Q(migration_state__isnull=True) | ~Q(migration_state__fingerprint=target)
    )


def record_actual(schemas: list[str] | None = None, batch_size: int = 200) -> None:
    """Read and record the state of these groups' schemas (all groups by default)."""
    groups = Group.objects.order_by("pk")
    if schemas is not None:
        groups = groups.filter(schema_name__in=schemas)
    pairs = list(groups.values_list("pk", "schema_name"))
    connection.set_schema_to_public()
    for i in range(0, len(pairs), batch_size):
        batch = pairs[i:i + batch_size]
        found = read([schema for _, schema in batch])
        record({pk: found[s] for pk, s in batch if isinstance(found[s], str)})
