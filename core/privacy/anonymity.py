"""Areas shown to the public and to volunteers hold at least k requests or households.

A place is shown as an h3 cell, never a point. Where people are many, the cell is small
(PUBLIC_RESOLUTION, a few km²); where they are few, it grows, parent by parent, until it
holds k, or until the coarsest resolution, which is shown even if it holds fewer: a region
that size exposes nobody. Counts under k are not shown at all (`suppress`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import h3
from django.conf import settings

from core.geo.cells import PUBLIC_RESOLUTION

# ~1,770 km² at resolution 4: the largest area a request is ever blurred to.
COARSEST_RESOLUTION = 4


def min_count() -> int:
    return settings.PRIVACY_MIN_COUNT


class Density:
    """How many requests or households each cell holds, at every resolution from
    PUBLIC_RESOLUTION down to COARSEST_RESOLUTION, built from counts at the finest."""

    def __init__(self, counts: Mapping[str, int]):
        self.by_resolution = {PUBLIC_RESOLUTION: Counter(counts)}
        finer = self.by_resolution[PUBLIC_RESOLUTION]
        for resolution in range(PUBLIC_RESOLUTION - 1, COARSEST_RESOLUTION - 1, -1):
            coarser: Counter = Counter()
            for cell, count in finer.items():
                coarser[h3.cell_to_parent(cell, resolution)] += count
            self.by_resolution[resolution] = finer = coarser

    def count(self, cell: str) -> int:
        return self.by_resolution[h3.get_resolution(cell)].get(cell, 0)

    def display_cell(self, cell: str, k: int | None = None) -> str:
        """The smallest cell holding `cell` (a PUBLIC_RESOLUTION cell) and at least k."""
        k = min_count() if k is None else k
        resolution = h3.get_resolution(cell)
        while resolution > COARSEST_RESOLUTION and self.by_resolution[resolution].get(cell, 0) < k:
            resolution -= 1
            cell = h3.cell_to_parent(cell, resolution)
        return cell


def suppress(count: int, k: int | None = None) -> int | None:
    """A count fit to publish, or None for one under k (shown as "fewer than k"); zero is
    published: it tells of nobody."""
    k = min_count() if k is None else k
    return count if count == 0 or count >= k else None
