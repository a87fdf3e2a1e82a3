"""The fleet's open data: the public WeeklyCount table added up across groups, every figure
under k hidden, and the figures that would give one away hidden too
(core.privacy.suppression). Reads that one table only; never a group's schema.

What is published, for the last OPEN_DATA_WEEKS whole weeks, as a tree of sums (so that
subtracting shown figures from a shown total never narrows a small one, which crossing
totals could: suppression.publish):
- the total, and requests by week: every week listed, hidden ones saying why;
- requests by week and kind of help: only those published (a group's own kinds have names of
  its choosing, so a hidden one is left out rather than named);
- requests by week, kind and area cell: only those published.
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
class KindWeek:
    week: date
    type_code: str
    requests: int


@dataclass(frozen=True)
class OpenData:
    first_week: date  # Mondays
    last_week: date
    k: int
    total: Figure
    weeks: list[tuple[date, Figure]]  # every week, oldest first
    kinds: list[KindWeek]  # published ones, by week then kind
    combinations: list[Combination]  # published ones, by week, kind, area
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
    cells = {("cell", week, code, area): n
             for week, code, area, n in sorted(rows, key=lambda r: (r[0], r[1], r[2]))}
    weeks = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    values: dict[tuple, int] = {("total",): sum(cells.values())}
    values.update({("week", w): 0 for w in weeks})
    kinds: dict[tuple, list[tuple]] = {}
    for key, n in cells.items():
        _cell, week, code, _area = key
        values[("week", week)] += n
        values[("kind", week, code)] = values.get(("kind", week, code), 0) + n
        kinds.setdefault(("kind", week, code), []).append(key)
    values.update(cells)
    sums = [(("total",), [("week", w) for w in weeks]),
            *((("week", w), [kind for kind in kinds if kind[1] == w]) for w in weeks),
            *kinds.items()]
    # Kinds and combinations not published are left out, not labelled; weeks are all listed.
    shown = publish(values, sums, unlisted=[*kinds, *cells])
    return OpenData(
        first_week=first, last_week=last, k=min_count(), total=shown[("total",)],
        weeks=[(w, shown[("week", w)]) for w in weeks],
        kinds=[KindWeek(*key[1:], shown[key].value) for key in kinds if shown[key].shown],
        combinations=[Combination(*key[1:], shown[key].value) for key in cells
                      if shown[key].shown],
        updated_at=WeeklyCount.objects.aggregate(at=Max("collected_at"))["at"])


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
