"""The template schema: every tenant migration runs on it, every new group is copied from it."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from core.tenancy import blueprint, pool


def migrate_template(*targets: str, verbosity: int = 0) -> None:
    """Migrate the template schema (to the latest state, or to `targets`: app_label
    [migration_name] as for `migrate`) and recapture the blueprint."""
    schema = settings.TEMPLATE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {blueprint.quote(schema)}")
    call_command(
        "migrate_schemas", *targets, schema_name=schema, tenant=True, interactive=False,
        verbosity=verbosity,
    )
    connection.set_schema_to_public()
    blueprint.refresh()
    # Pooled schemas were built at the previous state: rebuild them at this one.
    pool.drain()
    pool.fill()
