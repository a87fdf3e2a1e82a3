"""A group's entry in the platform's directory, set by its admins on the group's host."""

from __future__ import annotations

from django.db import transaction

from core.audit.services import record
from core.tenancy import routing
from core.tenancy.models import Group


@transaction.atomic
def set_listing(*, group: Group, listed: bool, description: str, area: str, actor) -> Group:
    """List the group in the directory (or not) with its short description and area. The
    audit row goes to the group's own log (the caller runs in the group's schema)."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    values = {"listed_in_directory": listed,
              "directory_description": " ".join(description.split())[:280],
              "directory_area": " ".join(area.split())[:100]}
    changed = sorted(k for k, v in values.items() if getattr(group, k) != v)
    for key, value in values.items():
        setattr(group, key, value)
    group.save(update_fields=list(values))
    record(actor=actor, action="group.directory", target=group, fields=changed,
           data={"listed": listed})
    hosts = list(group.domains.values_list("domain", flat=True))
    transaction.on_commit(lambda: routing.forget(*hosts))  # routing caches the group row
    return group
