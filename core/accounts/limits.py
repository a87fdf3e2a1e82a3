"""The plan's coordinator limit, in one place: `create_member` checks it, and anything that
adds, invites or promotes a coordinator (tenants/team) calls `ensure_room_for(role)` first."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import get_public_schema_name

from core.accounts.models import User
from core.tenancy.entitlements import ensure_room, measures


@measures("coordinators")
def active_coordinators() -> int:
    return User.objects.filter(role=User.Role.COORDINATOR, is_active=True).count()


def ensure_room_for(role: str, *, adding: int = 1) -> None:
    """Raise core.tenancy.entitlements.LimitReached if the active group's plan has no room
    for `adding` more members with `role`. Only coordinators are limited; operators (the
    public schema) never are."""
    if role != User.Role.COORDINATOR or connection.schema_name == get_public_schema_name():
        return
    ensure_room(connection.tenant, "coordinators", adding=adding)
