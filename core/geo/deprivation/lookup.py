"""Where a point stands in the loaded deprivation datasets: one indexed query.

The point's 16 h3 ancestors (see partition.cell_path) against the cells' unique index on
(cell, dataset); a dataset stores exactly one of them wherever it has land. Where several
datasets cover the point, the newest year wins (then the latest loaded).
"""

from __future__ import annotations

from core.geo.deprivation.partition import cell_path
from core.geo.models import DeprivationArea, DeprivationCell

NEWEST_FIRST = ("-dataset__year", "-dataset_id")


def decile_at(lat: float | None, lng: float | None) -> int | None:
    """The deprivation decile (1 = most deprived tenth) of the area holding the point;
    None where no dataset covers it, or for no point."""
    if lat is None or lng is None:
        return None
    return (DeprivationCell.objects.filter(cell__in=cell_path(lat, lng))
            .order_by(*NEWEST_FIRST).values_list("area__decile", flat=True).first())


def area_at(lat: float, lng: float) -> DeprivationArea | None:
    """The area itself (code, name, score, rank, dataset), for pages and checks."""
    cell = (DeprivationCell.objects.filter(cell__in=cell_path(lat, lng))
            .select_related("area__dataset").order_by(*NEWEST_FIRST).first())
    return cell.area if cell else None


def deciles_at(points: list[tuple[float, float]]) -> list[int | None]:
    """`decile_at` for many points in one query (re-scoring a group's requests)."""
    paths = [cell_path(lat, lng) for lat, lng in points]
    wanted = {cell for path in paths for cell in path}
    best: dict[int, tuple[tuple[int, int], int]] = {}  # cell -> ((year, dataset), decile)
    for cell, year, dataset, decile in DeprivationCell.objects.filter(cell__in=wanted).values_list(
            "cell", "dataset__year", "dataset_id", "area__decile"):
        if cell not in best or (year, dataset) > best[cell][0]:
            best[cell] = ((year, dataset), decile)
    found = []
    for path in paths:
        hits = [best[cell] for cell in path if cell in best]
        found.append(max(hits)[1] if hits else None)
    return found
