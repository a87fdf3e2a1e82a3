"""Reads of the shared geography tables. Reference data only: no group, no viewer."""

from __future__ import annotations

from core.geo.models import PostcodeCentroid


def find_centroid(*, country: str, postcode: str) -> PostcodeCentroid | None:
    """The centroid of an already normalised postcode (see `postcodes.normalise`), or None."""
    return PostcodeCentroid.objects.filter(country=country, postcode=postcode).first()


def centroid_count(*, country: str) -> int:
    return PostcodeCentroid.objects.filter(country=country).count()
