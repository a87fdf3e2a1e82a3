"""Writes to the shared geography tables: loading postcode centroids from open data.

Idempotent by design: rows are upserted on (country, postcode), so a re-run of the same
file changes nothing and a newer edition of the file updates what moved. Each batch is
its own transaction, so a 2.7-million-row load that stops half way keeps what it wrote and
can simply be run again. A bad row is counted and skipped; it never stops the load.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from core.geo.cells import cell_for
from core.geo.models import PostcodeCentroid
from core.geo.postcodes import normalise, normalise_country
from core.geo.selectors import centroid_count
from core.geo.sources import RawRow

BAD_POSTCODE = "postcode not valid"
BAD_COORDINATES = "latitude/longitude missing or out of range"
MAX_EXAMPLES = 5  # bad rows quoted in the report; the rest are only counted


@dataclass
class LoadReport:
    country: str
    rows: int = 0  # data rows read
    loaded: int = 0  # rows written (inserted or updated); a repeat in one batch counts once
    created: int = 0  # postcodes the table did not have before
    bad: Counter[str] = field(default_factory=Counter)  # reason -> rows skipped
    examples: list[str] = field(default_factory=list)

    @property
    def bad_total(self) -> int:
        return sum(self.bad.values())

    def summary(self) -> str:
        return (
            f"{self.country}: {self.rows} rows read, {self.loaded} loaded "
            f"({self.created} new), {self.bad_total} bad rows skipped."
        )

    def skip(self, row: RawRow, reason: str) -> None:
        self.bad[reason] += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(
                f"line {row.line}: {reason} ({row.postcode!r}, {row.lat!r}, {row.lng!r})"
            )


def load_centroids(
    *,
    country: str,
    rows: Iterable[RawRow],
    batch_size: int = 5000,
    progress: Callable[[LoadReport], None] | None = None,
) -> LoadReport:
    """Upsert every good row as a centroid of `country`; count the bad ones."""
    code = normalise_country(country)
    if code is None:
        raise ValueError(f"not an ISO 3166 alpha-2 country code: {country!r}")
    report = LoadReport(country=code)
    before = centroid_count(country=code)
    batch: dict[str, PostcodeCentroid] = {}
    for row in rows:
        report.rows += 1
        centroid = _centroid(code, row, report)
        if centroid is not None:
            batch[centroid.postcode] = centroid  # a repeated postcode: the last row wins
        if len(batch) >= batch_size:
            _write(batch, report, progress)
            batch = {}
    if batch:
        _write(batch, report, progress)
    report.created = centroid_count(country=code) - before
    return report


def _centroid(country: str, row: RawRow, report: LoadReport) -> PostcodeCentroid | None:
    postcode = normalise(country, row.postcode)
    if postcode is None:
        report.skip(row, BAD_POSTCODE)
        return None
    lat, lng = _coordinate(row.lat, 90), _coordinate(row.lng, 180)
    # ONSPD gives postcodes without a grid reference lat 99.999999: out of range, skipped.
    if lat is None or lng is None:
        report.skip(row, BAD_COORDINATES)
        return None
    return PostcodeCentroid(
        country=country, postcode=postcode, lat=lat, lng=lng, h3_cell=cell_for(lat, lng)
    )


def _coordinate(text: str, limit: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


def _write(
    batch: dict[str, PostcodeCentroid],
    report: LoadReport,
    progress: Callable[[LoadReport], None] | None,
) -> None:
    with transaction.atomic():
        PostcodeCentroid.objects.bulk_create(
            list(batch.values()),
            update_conflicts=True,
            unique_fields=["country", "postcode"],
            update_fields=["lat", "lng", "h3_cell"],
        )
    report.loaded += len(batch)
    if progress is not None:
        progress(report)
