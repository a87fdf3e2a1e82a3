"""A group's usage figures, counted in its own schema by its usage task and written to the
public GroupUsage row: fleet pages read that one table and never open group schemas."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.tenancy import blueprint
from mutualaid.console.models import GroupUsage
from tenants.documents.models import Document
from tenants.requests.models import HelpRequest
from tenants.volunteers.models import VolunteerProfile


def measure(*, now=None) -> dict:
    """The active group's figures. Run in the group's schema."""
    now = now or timezone.now()
    week_ago = now - timedelta(days=7)
    requests = HelpRequest.objects.aggregate(
        total=Count("pk"), week=Count("pk", filter=Q(created_at__gte=week_ago)))
    return {
        "requests_week": requests["week"],
        "requests_total": requests["total"],
        "volunteers_week": HelpRequest.objects.filter(
            volunteer__isnull=False, events__at__gte=week_ago,
        ).values("volunteer").distinct().count(),
        "volunteers_total": VolunteerProfile.objects.filter(
            status=VolunteerProfile.Status.ACTIVE).count(),
        "members": User.objects.filter(is_active=True).count(),
        "storage_bytes": _schema_bytes() + (
            Document.objects.aggregate(total=Sum("size"))["total"] or 0),
        "last_activity_at": _last_activity(),
        "schema_fingerprint": blueprint.migration_fingerprint(connection.schema_name),
    }


def _schema_bytes() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'm')", [connection.schema_name])
        return int(cursor.fetchone()[0])


def _last_activity():
    """The latest change (every change is audited) or sign-in."""
    times = [AuditEntry.objects.aggregate(at=Max("at"))["at"],
             User.objects.aggregate(at=Max("last_login"))["at"]]
    return max((t for t in times if t is not None), default=None)


def save(*, group_id: int, figures: dict, now=None) -> GroupUsage:
    """Write the group's row in the public table (on the search path after the group's)."""
    usage, _ = GroupUsage.objects.update_or_create(
        group_id=group_id, defaults={**figures, "collected_at": now or timezone.now()})
    return usage
