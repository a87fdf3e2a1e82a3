"""A warm pool of group schemas, built ahead of time from the current blueprint.

Signup renames a pooled schema (a millisecond) instead of building one: the DDL grows with
every table the product adds, the rename does not. A claim locks one pool entry with SKIP
LOCKED inside the signup's transaction, so concurrent signups take different schemas and a
signup that rolls back gives its schema back. When a claim leaves the pool half empty, a
Celery task tops it up in one go (so most signups run with no refill beside them);
migrations empty it, since pooled schemas were built at the old state.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import connection, transaction

from core.tenancy import blueprint
from core.tenancy.models import PooledSchema

POOL_PREFIX = "_pool_"  # slugs never start with "_", so never collide
_FILL_LOCK = 0x4D41_504F  # advisory lock id: one filler at a time


def claim(schema: str) -> str | None:
    """Rename a ready pooled schema to `schema`, in the caller's transaction; returns the
    migration fingerprint it was built at.

    None when none is ready at the current blueprint (the caller builds one instead).
    """
    fingerprint = blueprint.current_fingerprint()
    ready = PooledSchema.objects.filter(fingerprint=fingerprint)
    entry = ready.select_for_update(skip_locked=True).order_by("pk").first()
    if entry is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER SCHEMA {blueprint.quote(entry.name)} RENAME TO {blueprint.quote(schema)}"
        )
    entry.delete()
    if ready.count() <= settings.SCHEMA_POOL_SIZE // 2:
        transaction.on_commit(_refill, robust=True)  # a broker hiccup must not fail a signup
    return fingerprint


def _refill() -> None:
    from core.tenancy.tasks import fill_schema_pool

    fill_schema_pool.delay()


def fill(target: int | None = None) -> int:
    """Build pooled schemas until `target` (SCHEMA_POOL_SIZE) are ready; returns how many
    were built. Returns 0 at once if another filler is running."""
    target = settings.SCHEMA_POOL_SIZE if target is None else target
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_FILL_LOCK])
        if not cursor.fetchone()[0]:
            return 0
    try:
        current = blueprint.current()
        drain(exclude_fingerprint=current.fingerprint)
        ready = PooledSchema.objects.filter(fingerprint=current.fingerprint).count()
        for _ in range(max(0, target - ready)):
            name = f"{POOL_PREFIX}{secrets.token_hex(6)}"
            with transaction.atomic():
                blueprint.build(name, current)
                PooledSchema.objects.create(name=name, fingerprint=current.fingerprint)
        return max(0, target - ready)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_FILL_LOCK])


def drain(*, exclude_fingerprint: str | None = None) -> int:
    """Drop pooled schemas (all, or those not at `exclude_fingerprint`)."""
    stale = PooledSchema.objects.all()
    if exclude_fingerprint:
        stale = stale.exclude(fingerprint=exclude_fingerprint)
    dropped = 0
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            # Skip one a signup is claiming right now: it is renamed, not ours to drop.
            entry = stale.select_for_update(skip_locked=True).filter(pk=pk).first()
            if entry is None:
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {blueprint.quote(entry.name)} CASCADE")
            entry.delete()
        dropped += 1
    return dropped
