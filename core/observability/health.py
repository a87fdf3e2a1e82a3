"""Liveness (/healthz) and readiness (/readyz), answered before host routing (see middleware).

Liveness touches nothing: a process that can answer is alive, and restarting it because the
database is away would not help. Readiness checks what a request needs: the database, Redis
(when REDIS_URL is set), and that the code's migrations are applied to the public schema and
to the template new groups are built from (and that its blueprint was captured after them).
Each check is a query or two; the migration graph is read from disk once per process.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def liveness(request) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readiness(request) -> JsonResponse:
    checks = {"database": check_database, "redis": check_redis, "migrations": check_migrations}
    results = {}
    for name, check in checks.items():
        try:
            detail = check()
            results[name] = {"ok": True, **({"detail": detail} if detail else {})}
        except Exception as exc:  # each check's failure is reported, never a 500
            logger.warning("readiness check %s failed: %r", name, exc)
            results[name] = {"ok": False, "error": str(exc) if isinstance(exc, NotReady)
                             else f"{type(exc).__name__}"}
    ok = all(r["ok"] for r in results.values())
    failing = [name for name, r in results.items() if not r["ok"]]
    return JsonResponse({"status": "ok" if ok else "fail", "failing": failing, "checks": results},
                        status=200 if ok else 503)


class NotReady(Exception):
    """A check's own finding (its message is safe to show)."""


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis() -> str | None:
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return None


def check_migrations() -> None:
    from django_tenants.utils import get_public_schema_name

    from core.tenancy.blueprint import current_fingerprint, migration_fingerprint

    public, tenant = _leaf_migrations()
    missing = _missing(get_public_schema_name(), public)
    missing += _missing(settings.TEMPLATE_SCHEMA, tenant)
    if missing:
        raise NotReady("unapplied: " + ", ".join(missing))
    # Groups are built from the blueprint: it must have been captured at the template's state.
    if current_fingerprint() != migration_fingerprint(settings.TEMPLATE_SCHEMA):
        raise NotReady("the template's blueprint predates its migrations: run migrate")


def _missing(schema: str, leaves: frozenset[tuple[str, str]]) -> list[str]:
    # Schema-qualified: the connection may still be on the previous request's group.
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        applied = set(cursor.fetchall())
    return sorted(f"{schema}: {app}.{name}" for app, name in leaves - applied)


@lru_cache(maxsize=1)
def _leaf_migrations() -> tuple[frozenset, frozenset]:
    """The latest migration of each app, for the public schema's apps and the groups'."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    labels = {config.name: config.label for config in apps.get_app_configs()}

    def leaves(app_names):
        wanted = {labels[name] for name in app_names if name in labels}
        return frozenset(node for node in graph.leaf_nodes() if node[0] in wanted)

    return leaves(settings.SHARED_APPS), leaves(settings.TENANT_APPS)
