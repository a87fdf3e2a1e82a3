"""The group directory's reads: only groups whose admins listed them, and only active ones.
Public-schema queries only; a partial index holds the listed groups' country and map centre,
so "near here" reads a box around the place, widened until it holds enough groups."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from django_countries import countries

from core.geo.cells import distance_km
from core.tenancy.models import Group

BOXES_KM = (25, 100, 400)  # then the whole country


@dataclass(frozen=True)
class Listing:
    name: str
    slug: str
    area: str
    description: str
    languages: list[str]  # names, in the page's language
    lat: float
    lng: float
    km: float | None  # from the searched place; None without a search


def listed() -> QuerySet[Group]:
    return Group.objects.filter(listed_in_directory=True, status=Group.Status.ACTIVE)


def countries_listed() -> list[tuple[str, str]]:
    """Countries with at least one listed group, the busiest first."""
    found = (listed().order_by().values_list("country").annotate(n=Count("pk"))
             .order_by("-n", "country"))
    names = dict(countries)
    return [(code, names.get(code, code)) for code, _n in found]


def nearest(*, country: str, lat: float, lng: float, limit: int = 20) -> list[Listing]:
    """The `limit` listed groups of `country` nearest to (lat, lng), from their map centres.
    Distances are worked out on (id, lat, lng) tuples; only the nearest are read in full."""
    points = _of_country(country).values_list("pk", "map_center_lat", "map_center_lng")
    for km in BOXES_KM:
        boxed = list(_within_box(points, lat, lng, km))
        if len(boxed) >= limit:
            break
    else:
        boxed = list(points)
    distances = {pk: distance_km((lat, lng), (glat, glng)) for pk, glat, glng in boxed}
    closest = sorted(distances, key=distances.get)[:limit]
    groups = _of_country(country).filter(pk__in=closest)
    rows = [_listing(group, km=distances[group.pk]) for group in groups]
    return sorted(rows, key=lambda row: (row.km, row.name))


def in_country(*, country: str, limit: int = 200) -> list[Listing]:
    """Listed groups of `country` by name, for browsing the map without a search."""
    return [_listing(g, km=None) for g in _of_country(country).order_by("name")[:limit]]


def _of_country(country: str) -> QuerySet[Group]:
    return listed().filter(country=country).only(
        "schema_name", "name", "directory_area", "directory_description", "enabled_languages",
        "map_center_lat", "map_center_lng")


def _within_box(groups: QuerySet, lat: float, lng: float, km: float) -> QuerySet:
    dlat = km / 111.0
    dlng = km / max(111.0 * math.cos(math.radians(lat)), 1.0)
    return groups.filter(map_center_lat__range=(lat - dlat, lat + dlat),
                         map_center_lng__range=(lng - dlng, lng + dlng))


def _listing(group: Group, *, km: float | None) -> Listing:
    names = dict(settings.LANGUAGES)
    return Listing(
        name=group.name, slug=group.schema_name, area=group.directory_area,
        description=group.directory_description,
        languages=[str(names.get(code, code)) for code in group.enabled_languages],
        lat=group.map_center_lat, lng=group.map_center_lng,
        km=round(km, 1) if km is not None else None)
