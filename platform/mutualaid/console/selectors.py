"""Reads for the operator console. Every one is a few queries on public tables (groups,
domains, GroupUsage, the audit log): no page opens a group's schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncWeek
from django.utils import timezone

from core.audit.models import AuditEntry
from core.tenancy.models import Domain, Group
from mutualaid.console import schema_state
from mutualaid.console.models import GroupExport, GroupUsage, TaskFailure

ACTIVITY_WINDOWS = {"week": 7, "month": 30}


@dataclass(frozen=True)
class FleetQuery:
    q: str = ""
    status: str = ""
    plan: str = ""
    country: str = ""
    signed_up_from: date | None = None
    signed_up_to: date | None = None
    activity: str = ""  # "week", "month" (active within), "quiet" (not in 30 days), "never"
    schema: str = ""  # "current", "behind", "unknown"


def fleet(query: FleetQuery, *, now: datetime | None = None) -> QuerySet:
    """The groups matching `query`, newest first, as rows for the fleet list."""
    now = now or timezone.now()
    groups = Group.objects.annotate(plan=KeyTextTransform("plan", "entitlements"))
    if term := query.q.strip():
        groups = groups.filter(
            Q(name__icontains=term) | Q(schema_name__icontains=term)
            | Exists(Domain.objects.filter(tenant=OuterRef("pk"), domain__icontains=term)))
    if query.status:
        groups = groups.filter(status=query.status)
    if query.plan:
        groups = groups.filter(plan=query.plan)
    if query.country:
        groups = groups.filter(country=query.country)
    if query.signed_up_from:
        groups = groups.filter(created_at__date__gte=query.signed_up_from)
    if query.signed_up_to:
        groups = groups.filter(created_at__date__lte=query.signed_up_to)
    if query.activity in ACTIVITY_WINDOWS:
        since = now - timedelta(days=ACTIVITY_WINDOWS[query.activity])
        groups = groups.filter(usage__last_activity_at__gte=since)
    elif query.activity == "quiet":
        groups = groups.filter(Q(usage__last_activity_at__lt=now - timedelta(days=30))
                               | Q(usage__last_activity_at__isnull=True))
    elif query.activity == "never":
        groups = groups.filter(usage__last_activity_at__isnull=True)
    if query.schema:
        groups = groups.filter(schema_state.filter_for(query.schema))
    return groups.order_by("-created_at", "-pk").values(
        "pk", "name", "schema_name", "status", "country", "created_at", "plan", "closes_at",
        "usage__last_activity_at", "usage__requests_week", "usage__volunteers_week",
        "usage__schema_fingerprint")


def plans() -> list[str]:
    """The plans groups are on now (from their entitlement snapshots)."""
    found = (Group.objects.annotate(plan=KeyTextTransform("plan", "entitlements"))
             .exclude(plan=None).values_list("plan", flat=True).distinct().order_by("plan"))
    return list(found)


def countries() -> list[str]:
    """The countries groups are in (a short list: a select of every country is slow to draw)."""
    return list(Group.objects.order_by("country").values_list("country", flat=True).distinct())


@dataclass(frozen=True)
class Totals:
    groups: int
    active_groups: int  # any change or sign-in in the last 7 days
    suspended: int
    closing: int
    requests_week: int
    volunteers_week: int


def fleet_totals(*, now: datetime | None = None) -> Totals:
    week_ago = (now or timezone.now()) - timedelta(days=7)
    counts = Group.objects.aggregate(
        groups=Count("pk"), suspended=Count("pk", filter=Q(status=Group.Status.SUSPENDED)),
        closing=Count("pk", filter=Q(status=Group.Status.CLOSING)))
    usage = GroupUsage.objects.aggregate(
        active=Count("pk", filter=Q(last_activity_at__gte=week_ago)),
        requests=Sum("requests_week"), volunteers=Sum("volunteers_week"))
    return Totals(groups=counts["groups"], active_groups=usage["active"],
                  suspended=counts["suspended"], closing=counts["closing"],
                  requests_week=usage["requests"] or 0, volunteers_week=usage["volunteers"] or 0)


def signups_by_week(*, weeks: int = 12, now: datetime | None = None) -> list[tuple[date, int]]:
    """New groups in each of the last `weeks` weeks (Monday first), oldest first."""
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    counts = dict(
        Group.objects.filter(created_at__date__gte=first)
        .annotate(week=TruncWeek("created_at")).order_by()
        .values_list("week").annotate(n=Count("pk")).values_list("week", "n"))
    counts = {week.date() if isinstance(week, datetime) else week: n for week, n in counts.items()}
    return [(first + timedelta(weeks=i), counts.get(first + timedelta(weeks=i), 0))
            for i in range(weeks)]


@dataclass
class GroupPage:
    group: Group
    usage: GroupUsage | None
    domains: list[Domain]
    billing: dict
    schema: str  # schema_state's "current", "behind" or "unknown"
    recent_errors: int
    exports: list[GroupExport]
    history: list[AuditEntry] = field(default_factory=list)


def group_page(*, group: Group, now: datetime | None = None) -> GroupPage:
    now = now or timezone.now()
    usage = GroupUsage.objects.filter(group=group).first()
    return GroupPage(
        group=group, usage=usage, domains=list(group.domains.order_by("-is_primary", "domain")),
        billing=billing_state(group),
        schema=schema_state.states_of([(group.pk, usage.schema_fingerprint if usage else "")])[
            group.pk],
        recent_errors=TaskFailure.objects.filter(
            schema_name=group.schema_name, at__gte=now - timedelta(days=7)).count(),
        exports=list(GroupExport.objects.filter(schema_name=group.schema_name)[:10]),
        history=list(AuditEntry.objects.filter(target_type="tenancy.group",
                                               target_id=str(group.pk))[:20]),
    )


def billing_state(group: Group) -> dict:
    """What billing last wrote into the group's entitlement snapshot (read, never Stripe)."""
    snap = group.entitlements or {}
    return {
        "plan": snap.get("plan", "free"),
        "state": snap.get("state", ""),
        "read_only": bool(snap.get("read_only")),
        "past_due": bool(snap.get("past_due")),
        "limits": snap.get("limits") or {},
        "dates": {k: v for k, v in snap.items() if k.endswith(("_ends", "_at", "_until"))},
    }
