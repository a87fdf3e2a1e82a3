"""The fleet's open data: the public WeeklyCount table added up across groups, every figure
under k hidden, and the figures that would give one away hidden too
(core.privacy.suppression). Reads that one table only; never a group's schema.

What is published, for the last OPEN_DATA_WEEKS whole weeks:
- the total; requests by week (every week listed; hidden ones say why);
- requests by kind of help (kinds whose figure is hidden are not listed: a group's own kinds
  have names of its choosing);
- requests by week, kind and area cell (only the combinations published).
The total is the sum of the weeks and of the kinds; each week and each kind is the sum of
its combinations: each of those sums is checked, so subtracting shown figures from a shown
total never gives a small one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import h3
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Sum
from django.utils import timezone

from core.privacy.anonymity import min_count
from core.privacy.suppression import Figure, publish
from mutualaid.opendata.counting import COUNTING_RESOLUTION
from mutualaid.opendata.models import WeeklyCount

CACHE_SECONDS = 600


@dataclass(frozen=True)
class Combination:
    week: date
    type_code: str
    area: str  # "" for requests without a known place
    requests: int

    @property
    def centre(self) -> tuple[float, float] | None:
        if not self.area:
            return None
        lat, lng = h3.cell_to_latlng(self.area)
        return round(lat, 4), round(lng, 4)


@dataclass(frozen=True)
class OpenData:
    first_week: date  # Mondays
    last_week: date
    k: int
    total: Figure
    weeks: list[tuple[date, Figure]]  # every week, oldest first
    kinds: list[tuple[str, int]]  # published kinds, most requests first
    combinations: list[Combination]  # published ones
    updated_at: datetime | None
    area_resolution: int = COUNTING_RESOLUTION


def weeks_covered(*, now: datetime | None = None) -> tuple[date, date]:
    """The Mondays of the first and last whole weeks published (UTC's calendar; each group
    counts its weeks in its own time zone)."""
    today = timezone.localdate(now or timezone.now(), UTC)
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=settings.OPEN_DATA_WEEKS), monday - timedelta(weeks=1)


def open_data(*, now: datetime | None = None) -> OpenData:
    """The published figures, cached a few minutes (one aggregate query when cold)."""
    first, last = weeks_covered(now=now)
    return cache.get_or_set(f"opendata:{first.isoformat()}:{min_count()}",
                            lambda: _open_data(first, last), CACHE_SECONDS)


def _open_data(first: date, last: date) -> OpenData:
    rows = (WeeklyCount.objects.filter(week__gte=first, week__lte=last)
            .values_list("week", "type_code", "area").annotate(n=Sum("requests")).order_by())
    cells = {("cell", week, code, area): n for week, code, area, n in rows}
    weeks = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    values: dict[tuple, int] = {("total",): sum(cells.values())}
    values.update({("week", w): 0 for w in weeks})
    by_week: dict[date, list[tuple]] = {w: [] for w in weeks}
    by_kind: dict[str, list[tuple]] = {}
    for key, n in cells.items():
        _cell, week, code, _area = key
        values[("week", week)] += n
        values[("kind", code)] = values.get(("kind", code), 0) + n
        by_week[week].append(key)
        by_kind.setdefault(code, []).append(key)
    values.update(cells)
    sums = [(("total",), [("week", w) for w in weeks]),
            (("total",), [("kind", c) for c in by_kind]),
            *((("week", w), parts) for w, parts in by_week.items()),
            *((("kind", c), parts) for c, parts in by_kind.items())]
    shown = publish(values, sums)
    kinds = sorted(((code, shown[("kind", code)].value) for code in by_kind
                    if shown[("kind", code)].shown), key=lambda kv: (-kv[1], kv[0]))
    combinations = sorted((Combination(*key[1:], shown[key].value) for key in cells
                           if shown[key].shown), key=lambda c: (c.week, c.type_code, c.area))
    updated = WeeklyCount.objects.aggregate(at=Max("collected_at"))["at"]
    return OpenData(first_week=first, last_week=last, k=min_count(), total=shown[("total",)],
                    weeks=[(w, shown[("week", w)]) for w in weeks], kinds=kinds,
                    combinations=combinations, updated_at=updated)


@dataclass(frozen=True)
class Collection:
    """For operators: how fresh the table is."""

    groups: int  # in the fleet
    reporting: int  # with rows (a group with no requests in the window has none)
    newest: datetime | None
    oldest: datetime | None  # the least recently counted group's last count


def collection() -> Collection:
    from core.tenancy.models import Group

    per_group = (WeeklyCount.objects.exclude(group=None).values("group")
                 .annotate(at=Max("collected_at")).order_by())
    times = [row["at"] for row in per_group]
    return Collection(groups=Group.objects.count(), reporting=len(times),
                      newest=max(times, default=None), oldest=min(times, default=None))
