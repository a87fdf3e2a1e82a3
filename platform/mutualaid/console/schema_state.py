"""Is a group's schema on the latest migrations: "current", "behind" or "unknown" (never
checked)? Always one public-schema query, never one per schema.

Where the states come from:
- HOOK (fleet migrations): when the core.tenancy.fleet_migrations app is installed, its
  `lagging_groups()` (states recorded at provisioning and by migrate_fleet) decides;
- otherwise the migration fingerprint each group's usage task records in GroupUsage,
  compared with the current blueprint's (core.tenancy.blueprint).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db.models import Exists, OuterRef, Q

from core.tenancy import blueprint
from mutualaid.console.models import GroupUsage

STATES = ("current", "behind", "unknown")
FLEET_MIGRATIONS = "core.tenancy.fleet_migrations"


def latest() -> str:
    try:
        return blueprint.current_fingerprint()
    except RuntimeError:  # no blueprint yet (a database never migrated)
        return ""


def _lagging():
    """fleet_migrations' lagging groups (a queryset), or None without that app."""
    if not apps.is_installed(FLEET_MIGRATIONS):
        return None
    from core.tenancy.fleet_migrations.selectors import lagging_groups

    return lagging_groups()


def filter_for(state: str):
    """A filter on Group for one state."""
    lagging = _lagging()
    if lagging is not None:
        unchecked = lagging.filter(migration_state__isnull=True).values("pk")
        if state == "current":
            return ~Q(pk__in=lagging.values("pk"))
        if state == "behind":
            return Q(pk__in=lagging.exclude(pk__in=unchecked).values("pk"))
        return Q(pk__in=unchecked)
    target = latest()
    usage = GroupUsage.objects.filter(group=OuterRef("pk"))
    known = usage.exclude(schema_fingerprint="")
    if state == "unknown":
        return ~Exists(known) if target else Q()
    if not target:
        return Q(pk__in=[])
    if state == "current":
        return Exists(usage.filter(schema_fingerprint=target))
    return Exists(known.exclude(schema_fingerprint=target))


def states_of(groups: Iterable[tuple[int, str]]) -> dict[int, str]:
    """{group id: state} for (group id, fingerprint its usage task recorded) pairs."""
    groups = list(groups)
    lagging = _lagging()
    if lagging is not None:
        behind = dict(lagging.filter(pk__in=[pk for pk, _fp in groups])
                      .values_list("pk", "migration_state__fingerprint"))
        return {pk: "current" if pk not in behind else "behind" if behind[pk] else "unknown"
                for pk, _fp in groups}
    target = latest()
    return {pk: "unknown" if not fp or not target else "current" if fp == target else "behind"
            for pk, fp in groups}
