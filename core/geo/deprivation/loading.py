"""Loading a deprivation dataset: areas and their h3 cells, replacing an earlier load whole.

The polygons are turned into cells first (no database work); then one transaction deletes
the dataset's previous rows and writes the new ones, so lookups see the old edition or the
new one, never a mix, and a failure leaves the old one in place. Cells go in through COPY:
the full English IMD is a few million rows.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from django.db import connection, transaction

from core.geo.deprivation.partition import partition
from core.geo.deprivation.sources import AreaInput, DeprivationInputError
from core.geo.models import DeprivationArea, DeprivationCell, DeprivationDataset
from core.geo.postcodes import normalise_country

# Resolution 10 cells are about 0.015 km² (edge ~66 m): a postcode's size. Urban LSOAs are
# a few dozen such cells, so their edges are followed to within a street; coarser (9, edge
# ~174 m) would put whole streets in the neighbouring area. Compaction keeps rural areas
# small. See core/geo/README.md ("Deprivation data") for the figures.
DEFAULT_RESOLUTION = 10
RESOLUTIONS = range(7, 13)
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass
class DeprivationLoadReport:
    dataset: str
    country: str
    year: int
    resolution: int
    areas: int = 0
    rows: int = 0
    missing: int = 0
    unscored_boundaries: int = 0
    cells: int = 0
    filled: int = 0
    placed_by_point: int = 0
    contested: int = 0
    replaced: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"{self.dataset} ({self.country} {self.year}): {self.areas} areas loaded"
            f"{' (replacing the previous load)' if self.replaced else ''} from {self.rows} "
            f"score rows in {self.seconds:.1f} s.",
            f"  {self.cells} h3 cells stored ({self.filled} at resolution {self.resolution} "
            f"before compaction); {self.placed_by_point} areas too small for a cell placed "
            f"by a point.",
        ]
        if self.missing:
            lines.append(f"  {self.missing} rows marked as having no data were skipped.")
        if self.unscored_boundaries:
            lines.append(f"  {self.unscored_boundaries} boundaries without a score row were "
                         f"skipped.")
        if self.contested:
            lines.append(f"  {self.contested} cells lay in two overlapping areas: each went "
                         f"to the area with the lower code.")
        return "\n".join(lines)


def load_deprivation(*, name: str, country: str, year: int, areas: list[AreaInput],
                     title: str = "", source: str = "",
                     resolution: int = DEFAULT_RESOLUTION) -> DeprivationLoadReport:
    """Store `areas` as dataset `name`, replacing any earlier load of it. Raises
    DeprivationInputError (nothing written) for arguments or areas that cannot be loaded."""
    started = time.monotonic()
    code = normalise_country(country)
    problems = []
    if not _NAME.match(name or ""):
        problems.append(f"the dataset name {name!r} must be lower-case letters, digits and "
                        f"hyphens (at most 40), e.g. imd2019")
    if code is None:
        problems.append(f"the country must be an ISO 3166 alpha-2 code, not {country!r}")
    if not 1900 <= year <= 2100:
        problems.append(f"the year {year} is not plausible")
    if resolution not in RESOLUTIONS:
        problems.append(f"the resolution must be {RESOLUTIONS.start} to "
                        f"{RESOLUTIONS.stop - 1}, not {resolution}")
    if not areas:
        problems.append("there are no areas to load")
    if problems:
        raise DeprivationInputError(problems)
    areas = sorted(areas, key=lambda a: a.code)  # the same file gives the same cells
    cells = partition([a.shape for a in areas], resolution)
    report = DeprivationLoadReport(
        dataset=name, country=code, year=year, resolution=resolution, areas=len(areas),
        cells=cells.stored, filled=cells.filled, placed_by_point=len(cells.placed_by_point),
        contested=cells.contested,
    )
    with transaction.atomic():
        report.replaced = _delete(name)
        dataset = DeprivationDataset.objects.create(
            name=name, title=title[:200], country=code, year=year, source=source[:500],
            resolution=resolution)
        rows = DeprivationArea.objects.bulk_create(
            [DeprivationArea(dataset=dataset, code=a.code, name=a.name, decile=a.decile,
                             score=a.score, rank=a.rank) for a in areas],
            batch_size=5000)
        _copy_cells(dataset.pk, [row.pk for row in rows], cells.cells)
    report.seconds = time.monotonic() - started
    return report


def remove_deprivation(*, name: str) -> bool:
    """Delete a dataset with its areas and cells; False if there was none."""
    with transaction.atomic():
        return _delete(name)


def _delete(name: str) -> bool:
    old = DeprivationDataset.objects.select_for_update().filter(name=name).first()
    if old is None:
        return False
    # Cells first, in one statement: the ORM's delete would fetch millions of ids (a
    # post_delete receiver exists) and delete them in batches.
    table = connection.ops.quote_name(DeprivationCell._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE dataset_id = %s", [old.pk])
    DeprivationArea.objects.filter(dataset=old).delete()
    old.delete()
    return True


def _copy_cells(dataset_id: int, area_ids: list[int], cells: list[list[int]]) -> None:
    table = connection.ops.quote_name(DeprivationCell._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} (dataset_id, area_id, cell) FROM STDIN") as copy:
            for area_id, area_cells in zip(area_ids, cells, strict=True):
                for cell in area_cells:
                    copy.write_row((dataset_id, area_id, cell))
