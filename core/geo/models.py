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
