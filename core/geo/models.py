"""Reference geography shared by every group (public schema).

A postcode centroid is public open data, not personal data: one row per postcode, loaded
by `manage.py load_postcodes`. Group schemas see it through the search path (public last).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.geo.postcodes import MAX_LENGTH


class PostcodeCentroid(models.Model):
    """Where a postcode (UK unit postcode, US ZIP/ZCTA, ...) is, as a point and its h3 cell."""

    country = models.CharField(max_length=2)  # ISO 3166-1 alpha-2, upper case
    postcode = models.CharField(max_length=MAX_LENGTH)  # as `postcodes.normalise` spells it
    lat = models.FloatField()
    lng = models.FloatField()
    h3_cell = models.CharField(max_length=15)  # at cells.STORAGE_RESOLUTION

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country", "postcode"], name="geo_postcode_unique"),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="geo_postcode_latlng_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.postcode}"


class DeprivationDataset(models.Model):
    """One loaded edition of an area deprivation index (e.g. England's IMD 2019 by LSOA).

    Open data, shared by every group. Loaded and replaced whole by `manage.py
    load_deprivation`; where two datasets cover the same place, the newer year wins.
    """

    name = models.SlugField(max_length=40, unique=True)  # e.g. "imd2019", "svi2022"
    title = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2)  # ISO 3166-1 alpha-2, upper case
    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=500, blank=True)  # the file(s) it was loaded from
    resolution = models.PositiveSmallIntegerField()  # the h3 resolution areas were filled at
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class DeprivationArea(models.Model):
    """One small area of a dataset (an LSOA, a census tract) and its deprivation decile."""

    dataset = models.ForeignKey(DeprivationDataset, on_delete=models.CASCADE,
                                related_name="areas")
    code = models.CharField(max_length=20)  # "E01000001", "25025010100"
    name = models.CharField(max_length=200, blank=True)
    decile = models.PositiveSmallIntegerField()  # 1 = the most deprived tenth, 10 = the least
    score = models.FloatField(null=True, blank=True)  # the index's own score, when published
    rank = models.PositiveIntegerField(null=True, blank=True)  # 1 = the most deprived

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "code"], name="geo_deprivation_area_code"),
            models.CheckConstraint(condition=Q(decile__gte=1, decile__lte=10),
                                   name="geo_deprivation_area_decile_range"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.code}"


class DeprivationCell(models.Model):
    """An h3 cell (any resolution, as a 64-bit integer) that lies in one area.

    A dataset's cells never overlap: every point of the covered land has exactly one of its
    ancestors stored, so `cell IN (the point's 16 ancestors)` finds one row. Millions of
    rows for England, written and deleted only by the loader (core.geo.deprivation.loading),
    which deletes a dataset's cells by dataset before its areas. So no foreign-key
    constraints: each would cost a check per row written, and deleting 33,000 areas would
    scan the cells once per area (there is no index on area to spare).
    """

    dataset = models.ForeignKey(DeprivationDataset, on_delete=models.DO_NOTHING,
                                db_index=False, db_constraint=False, related_name="+")
    area = models.ForeignKey(DeprivationArea, on_delete=models.DO_NOTHING, db_index=False,
                             db_constraint=False, related_name="cells")
    cell = models.BigIntegerField()

    class Meta:
        constraints = [
            # Also the lookup's index: `cell` leads.
            models.UniqueConstraint(fields=["cell", "dataset"], name="geo_deprivation_cell_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cell:x}"
