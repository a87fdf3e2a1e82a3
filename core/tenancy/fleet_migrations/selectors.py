"""Reads for operators: which groups are not at the latest migration state."""

from __future__ import annotations

from django.db.models import QuerySet

from core.tenancy import blueprint
from core.tenancy.fleet_migrations import states
from core.tenancy.models import Group


def latest_fingerprint() -> str:
    """The state new groups are built at: the template's, as last captured."""
    return blueprint.current_fingerprint()


def lagging_groups() -> QuerySet[Group]:
    """Groups whose schema is not at the latest migration state (as last recorded by
    provisioning or migrate_fleet), or never checked; oldest first. A queryset: count it,
    page it. `migration_state__fingerprint` is where each one stands (None: unchecked)."""
    return states.behind(latest_fingerprint()).order_by("pk")
