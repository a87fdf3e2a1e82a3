"""Writes to a group's own settings. Run inside the group's schema (its audit log)."""

from __future__ import annotations

from django.db import transaction

from core.audit.services import record
from core.tenancy import routing
from core.tenancy.models import Group


@transaction.atomic
def set_staff_two_factor(*, group: Group, required: bool, actor) -> Group:
    """Require (or stop requiring) coordinators and admins to use two-factor login."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    if group.require_staff_2fa == required:
        return group
    group.require_staff_2fa = required
    group.save(update_fields=["require_staff_2fa"])
    record(actor=actor, action="group.require_staff_2fa", target=group,
           data={"required": required})
    # Routing caches the group object per host: drop it so the next request sees the change.
    hosts = list(group.domains.values_list("domain", flat=True))
    transaction.on_commit(lambda: routing.forget(*hosts))
    return group
