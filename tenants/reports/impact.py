"""The group's public impact page: the dashboard's headline figures (figures.headline) and
a map by area, fit for anyone to see.

- Counts under k read "fewer than k"; figures that would give one away by subtraction
  (received = open + done + could not help + cancelled; received = the areas on the map +
  those off it) are not shown either (core.privacy.suppression.publish).
- Areas are disjoint cells coarsened until each holds k (core.privacy.suppression.areas);
  requests whose region never reaches k, or without a known place, are not drawn.
- Medians are shown only when at least k requests were completed in the period.
- Nothing about a person: no name, address, postcode, point, or free text leaves here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import h3
from django.core.cache import cache

from core.geo.cells import PUBLIC_RESOLUTION
from core.privacy.anonymity import min_count
from core.privacy.suppression import Figure, areas, publish
from tenants.reports import figures
from tenants.reports.figures import Period

CACHE_SECONDS = 600
HEADLINE = ("received", "open", "done", "could_not_help", "cancelled")
OFF_THE_MAP = "off_the_map"


@dataclass(frozen=True)
class Area:
    cell: str
    requests: int


@dataclass(frozen=True)
class Impact:
    period: Period
    k: int
    figures: dict[str, Figure]  # HEADLINE's, as published
    median_to_assign: timedelta | None  # None: not enough requests to say
    median_to_complete: timedelta | None
    areas: list[Area]  # drawn on the map, the busiest first


def impact(*, weeks: int) -> Impact:
    """The active group's impact over the last `weeks` weeks, cached a few minutes (cache
    keys carry the group's schema)."""
    return cache.get_or_set(f"impact:{weeks}:{min_count()}", lambda: _impact(weeks),
                            CACHE_SECONDS)


def _impact(weeks: int) -> Impact:
    k = min_count()
    period = Period.last_weeks(weeks)
    headline = figures.headline(period)
    by_cell: dict[str, int] = {}
    for row in figures.by_area(period):
        if row.key:
            cell = _public_cell(row.key)
            by_cell[cell] = by_cell.get(cell, 0) + row.received
    drawn = areas(by_cell, k)
    values: dict = {name: getattr(headline, name) for name in HEADLINE}
    values.update({("area", cell): n for cell, n in drawn.items()})
    values[OFF_THE_MAP] = headline.received - sum(drawn.values())
    shown = publish(values, [
        ("received", ["open", "done", "could_not_help", "cancelled"]),
        ("received", [*(("area", cell) for cell in drawn), OFF_THE_MAP]),
    ], withheld=[OFF_THE_MAP], unlisted=[("area", cell) for cell in drawn], k=k)
    timed = headline.done >= k  # every completed request was claimed or assigned first
    return Impact(
        period=period, k=k, figures={name: shown[name] for name in HEADLINE},
        median_to_assign=headline.median_to_assign if timed else None,
        median_to_complete=headline.median_to_complete if timed else None,
        areas=sorted((Area(cell, shown[("area", cell)].value) for cell in drawn
                      if shown[("area", cell)].shown), key=lambda a: (-a.requests, a.cell)),
    )


def _public_cell(cell: str) -> str:
    """An area cell at PUBLIC_RESOLUTION (where core.privacy's areas start)."""
    resolution = h3.get_resolution(cell)
    if resolution > PUBLIC_RESOLUTION:
        return h3.cell_to_parent(cell, PUBLIC_RESOLUTION)
    return cell
