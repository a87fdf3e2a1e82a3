"""What a volunteer may see and take: open requests near them that they are allowed to do.

Only volunteer-level fields leave here (type, timing, urgency, the description, roughly how
far, a coarse area): never the person's name, contact or exact place before a claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import asin, cos, degrees, radians, sin
from typing import NamedTuple

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

from core.geo.cells import PUBLIC_RESOLUTION, SEARCH_RESOLUTION, cell_for, cells_within
from core.geo.cells import distance_km
from tenants.requests.models import HelpRequest, RequestType
from tenants.volunteers.models import VolunteerProfile


class NearbyRequest(NamedTuple):
    # A named tuple, not a dataclass: a list can hold thousands, made in microseconds each.
    id: int
    type: RequestType
    description: str
    urgency: int
    urgency_label: str
    wanted_from: date | None
    wanted_until: date | None
    km: float | None  # None for remote help
    area: str  # a coarse cell, never a point


# The earth's radius core.geo.cells.distance_km (h3) uses.
EARTH_RADIUS_KM = 6371.007180918475
# The database's rounding differs from h3's by far less than this: a row the exact check
# would keep always passes the database's coarser one.
SLACK_KM = 1e-6


def within_box(lat: float, lng: float, km: float) -> Q:
    """Rows whose lat/lng lie in the box around every point within `km` of (lat, lng) (the
    "bounding coordinates" of a spherical cap), plain comparisons an index can check. The
    cells around a point cover a few times the disk; this box, a quarter more than the disk."""
    angle = (km + SLACK_KM) / EARTH_RADIUS_KM
    box = Q(lat__gte=lat - degrees(angle), lat__lte=lat + degrees(angle))
    if abs(lat) + degrees(angle) >= 90:
        return box  # a pole is within reach: every longitude is
    dlng = degrees(asin(min(1.0, sin(angle) / cos(radians(lat)))))
    if abs(lng) + dlng >= 180:
        return box  # across the antimeridian: not one range of longitudes
    return box & Q(lng__gte=lng - dlng, lng__lte=lng + dlng)


def km_from(lat: float, lng: float):
    """The haversine distance from each row's lat/lng to (lat, lng), in km, as a database
    expression: it lets the database drop rows out of reach before the exact check in Python.
    NULL where the row has no place."""
    half_dlat = Radians(F("lat") - Value(lat)) / Value(2.0)
    half_dlng = Radians(F("lng") - Value(lng)) / Value(2.0)
    a = Power(Sin(half_dlat), 2) \
        + Cos(Radians(F("lat"))) * Value(cos(radians(lat))) * Power(Sin(half_dlng), 2)
    return Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(Least(a, Value(1.0))))


# The only columns read: what a volunteer may see, and the point to measure from.
_COLUMNS = ("pk", "type_id", "description", "urgency", "wanted_from", "wanted_until")


@dataclass(frozen=True)
class NearbyQuery:
    """What `nearby_open_requests` asks the database (the benchmark explains it)."""

    types: dict[int, RequestType]  # the kinds of help the volunteer may do, by id
    requests: QuerySet | None  # open requests: remote ones of those kinds, in-person ones near
    radius: float


def nearby_query(*, profile: VolunteerProfile, km: float | None = None, type_code: str = "",
                 day: date | None = None) -> NearbyQuery:
    radius = min(km or profile.radius_km, profile.radius_km)
    types = profile.request_types.filter(active=True, vetting_level__lte=profile.vetting_level)
    if type_code:
        types = types.filter(code=type_code)
    types = {t.pk: t for t in types}
    # Kinds resolved here (a handful of rows), so the request query needs no join.
    remote = [pk for pk, t in types.items() if t.mode == RequestType.Mode.REMOTE]
    in_person = [pk for pk, t in types.items() if t.mode == RequestType.Mode.IN_PERSON]
    wanted = Q(type_id__in=remote) if remote else Q()
    if in_person and profile.lat is not None:
        # The index finds the open requests of these kinds in the cells around and within the
        # box around the disk, before reading any row; Python measures exactly.
        area = cells_within(profile.lat, profile.lng, radius, SEARCH_RESOLUTION)
        wanted |= Q(within_box(profile.lat, profile.lng, radius), area_cell__in=area,
                    type_id__in=in_person)
    if not wanted:
        return NearbyQuery(types=types, requests=None, radius=radius)
    requests = HelpRequest.objects.filter(wanted, status=HelpRequest.Status.OPEN)
    if day:
        requests = requests.exclude(wanted_from__gt=day).exclude(wanted_until__lt=day)
    return NearbyQuery(types=types, requests=requests, radius=radius)


def nearby_open_requests(*, profile: VolunteerProfile, km: float | None = None,
                         type_code: str = "", day: date | None = None,
                         order: str = "distance") -> list[NearbyRequest]:
    if profile.status != VolunteerProfile.Status.ACTIVE:
        return []
    q = nearby_query(profile=profile, km=km, type_code=type_code, day=day)
    if q.requests is None:
        return []
    # Rows come as tuples, not model instances: thousands of them must cost milliseconds.
    labels = {value: str(label) for value, label in HelpRequest.Urgency.choices}
    types, home, found = q.types, (profile.lat, profile.lng), []
    for pk, type_id, description, urgency, wanted_from, wanted_until, lat, lng \
            in q.requests.values_list(*_COLUMNS, "lat", "lng"):
        kind = types[type_id]
        if kind.mode == RequestType.Mode.REMOTE:
            km_away, area = None, ""
        else:
            distance = distance_km(home, (lat, lng))
            if distance > q.radius:
                continue
            # Rounded up to the half kilometre: a distance is a place, given enough of them.
            # The area is fuzzed_cell()'s cell, without drawing its outline.
            km_away = max(0.5, round(distance * 2 + 0.5) / 2)
            area = cell_for(lat, lng, PUBLIC_RESOLUTION)
        found.append(NearbyRequest(pk, kind, description, urgency, labels.get(urgency, urgency),
                                   wanted_from, wanted_until, km_away, area))
    # Remote help sorts as 0 km, in-person help as 0.5 km at least: stable sorts over the
    # query's order (most urgent, then oldest) keep each list as it was when they were two.
    if order == "urgency":
        return sorted(found, key=lambda r: (-r.urgency, r.km or 0))
    return sorted(found, key=lambda r: (r.km or 0, -r.urgency))


def my_tasks(*, user) -> list[HelpRequest]:
    """The volunteer's live requests, with the details they need while the request is live."""
    from tenants.requests.models import LIVE_STATUSES

    return list(HelpRequest.objects.filter(volunteer=user, status__in=LIVE_STATUSES)
                .select_related("type").order_by("wanted_from", "created_at"))
