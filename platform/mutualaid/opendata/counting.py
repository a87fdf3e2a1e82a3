"""A group's requests by ISO week, kind of help and coarse area, counted in its own schema
by its open data task, and written to the public WeeklyCount table (one write per group).

Area: the request's area cell (core.geo.cells.SEARCH_RESOLUTION, kept after its personal
data is erased) coarsened to COUNTING_RESOLUTION. Resolution 5 cells are about 250 km² (edge
about 8.5 km): larger than the patch a mutual aid group covers (a neighbourhood, a town, a
borough), so a cell never outlines a group's area or its streets; in towns one cell holds
several groups, whose counts add up. Resolution 6 (about 36 km²) would tile a single group's
area into a few cells and draw its outline. Figures published from these rows hold at least
k requests after adding up across groups (selectors.py).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import h3
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, DateField
from django.db.models.functions import TruncWeek
from django.utils import timezone

from mutualaid.opendata.models import WeeklyCount
from tenants.requests.models import HelpRequest

COUNTING_RESOLUTION = 5

Key = tuple[date, str, str]  # (week's Monday, type code, area cell or "")


def window(*, zone: ZoneInfo, now: datetime | None = None,
           weeks: int | None = None) -> tuple[datetime, datetime]:
    """[start, end): the last `weeks` whole weeks before this one, Monday to Sunday in
    `zone`. This week is left out until it is over (its figures would keep changing)."""
    weeks = settings.OPEN_DATA_WEEKS if weeks is None else weeks
    today = timezone.localtime(now or timezone.now(), zone).date()
    monday = today - timedelta(days=today.weekday())
    return (datetime.combine(monday - timedelta(weeks=weeks), time(), tzinfo=zone),
            datetime.combine(monday, time(), tzinfo=zone))


def count(*, now: datetime | None = None) -> Counter[Key]:
    """The active group's requests received in the window, by week, kind and area."""
    zone = ZoneInfo(connection.tenant.timezone)
    start, end = window(zone=zone, now=now)
    rows = (HelpRequest.objects.filter(created_at__gte=start, created_at__lt=end)
            .annotate(week=TruncWeek("created_at", tzinfo=zone, output_field=DateField()))
            .values_list("week", "type__code", "area_cell")
            .annotate(n=Count("pk")).order_by())
    counts: Counter[Key] = Counter()
    for week, code, cell, n in rows:  # a few dozen area cells a group: rolled up here
        counts[(week, code, coarse(cell))] += n
    return counts


def coarse(cell: str) -> str:
    if not cell:
        return ""
    if h3.get_resolution(cell) <= COUNTING_RESOLUTION:
        return cell
    return h3.cell_to_parent(cell, COUNTING_RESOLUTION)


@transaction.atomic
def replace(*, group_id: int, counts: Counter[Key], now: datetime | None = None) -> int:
    """The group's rows, replaced by these in one transaction (readers see the old set or
    the new one). Run in the group's schema: the public table is next on the search path."""
    now = now or timezone.now()
    WeeklyCount.objects.filter(group_id=group_id).delete()
    rows = WeeklyCount.objects.bulk_create(
        WeeklyCount(group_id=group_id, week=week, type_code=code, area=area, requests=n,
                    collected_at=now)
        for (week, code, area), n in counts.items() if n > 0)
    return len(rows)
