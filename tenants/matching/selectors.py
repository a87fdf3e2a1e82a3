"""What a volunteer may see and take: open requests near them that they are allowed to do.

Only volunteer-level fields leave here (type, timing, urgency, the description, roughly how
far, a coarse area): never the person's name, contact or exact place before a claim.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from math import asin, cos, degrees, radians, sin
from operator import itemgetter
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Count, DateTimeField, F, Func, Q, QuerySet, Value
from django.utils import timezone

from core.privacy.anonymity import Density
from core.privacy.engine import Shown, Viewer, columns, show_many
from core.privacy.levels import Level
from core.geo.cells import PUBLIC_RESOLUTION, SEARCH_RESOLUTION, cell_for, cells_within
from core.geo.cells import distance_km
from tenants.matching.priority import ORDER as PRIORITY_ORDER
from tenants.matching.priority import Weights, group_weights, with_priority
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
# Degrees of latitude per km along a meridian (a little more, for rounding): a point within
# d km of another is within d * DEGREES_PER_KM degrees of its latitude.
DEGREES_PER_KM = degrees(1 / EARTH_RADIUS_KM) * (1 + 1e-9)


def within_box(lat: float, lng: float, km: float) -> Q:
    """Rows whose lat/lng lie in the box around every point within `km` of (lat, lng) (the
    "bounding coordinates" of a spherical cap), plain comparisons an index can check. The
    cells around a point cover a few times the disk; this box, a quarter more than the disk."""
    angle = (km + SLACK_KM) / EARTH_RADIUS_KM
    dlat = (km + SLACK_KM) * DEGREES_PER_KM
    box = Q(lat__gte=lat - dlat, lat__lte=lat + dlat)
    if abs(lat) + dlat >= 90:
        return box  # a pole is within reach: every longitude is
    dlng = degrees(asin(min(1.0, sin(angle) / cos(radians(lat))))) * (1 + 1e-9)
    if abs(lng) + dlng >= 180:
        return box  # across the antimeridian: not one range of longitudes
    return box & Q(lng__gte=lng - dlng, lng__lte=lng + dlng)


# The only columns read: what a volunteer may see.
_COLUMNS = ("pk", "type_id", "description", "urgency", "wanted_from", "wanted_until")
# When a request came in, as UTC wall time: ordered as created_at is, and read several times
# faster than an aware datetime.
_CAME_IN = Func(Value("UTC"), F("created_at"), function="timezone",
                output_field=DateTimeField())


@dataclass(frozen=True)
class NearbyQuery:
    """What `nearby_open_requests` asks the database (the benchmark explains it)."""

    types: dict[int, RequestType]  # the kinds of help the volunteer may do, by id
    remote: QuerySet | None  # rows of open remote requests of those kinds, in order
    in_person: QuerySet | None  # rows of open in-person requests of those kinds, near
    radius: float


def nearby_query(*, profile: VolunteerProfile, km: float | None = None, type_code: str = "",
                 day: date | None = None, weights: Weights | None = None) -> NearbyQuery:
    """With `weights`, each row ends with its priority, and remote help comes highest
    priority first."""
    radius = min(km or profile.radius_km, profile.radius_km)
    types = profile.request_types.filter(active=True, vetting_level__lte=profile.vetting_level)
    if type_code:
        types = types.filter(code=type_code)
    types = {t.pk: t for t in types.order_by()}
    open_ = HelpRequest.objects.filter(status=HelpRequest.Status.OPEN)
    if day:
        open_ = open_.exclude(wanted_from__gt=day).exclude(wanted_until__lt=day)
    last = ()
    if weights is not None:
        open_ = with_priority(open_, weights=weights, now=timezone.now())
        last = ("priority",)
    # Kinds resolved here (a handful of rows), so the request queries need no join.
    remote = [pk for pk, t in types.items() if t.mode == RequestType.Mode.REMOTE]
    in_person = [pk for pk, t in types.items() if t.mode == RequestType.Mode.IN_PERSON]
    near = None
    if in_person and profile.lat is not None:
        # The index finds the open requests of these kinds in the cells around and within the
        # box around the disk, before reading any row; Python measures exactly, and sorts:
        # unordered here, with when each came in.
        area = cells_within(profile.lat, profile.lng, radius, SEARCH_RESOLUTION)
        near = (open_.filter(within_box(profile.lat, profile.lng, radius), area_cell__in=area,
                             type_id__in=in_person)
                .order_by().annotate(came_in=_CAME_IN)
                .values_list(*_COLUMNS, "lat", "lng", "came_in", *last))
    remote_rows = open_.filter(type_id__in=remote) if remote else None
    if remote_rows is not None and weights is not None:
        remote_rows = remote_rows.order_by(*PRIORITY_ORDER)
    return NearbyQuery(  # remote help in the model's order (most urgent, then oldest) or
        types=types, in_person=near, radius=radius,  # by priority
        remote=remote_rows.values_list(*_COLUMNS, *last) if remote_rows is not None else None)


def nearby_open_requests(*, profile: VolunteerProfile, km: float | None = None,
                         type_code: str = "", day: date | None = None,
                         order: str = "distance", limit: int | None = None,
                         policy: bool = True) -> list[NearbyRequest]:
    """Nearest (remote help counts as 0 km) then most urgent, or (order="urgency") most urgent
    then nearest, or (order="priority") highest priority (the group's weights, priority.py)
    then nearest; then the oldest first. At most `limit` rows: a phone shows a page at a time,
    and remote help can be thousands of rows long. The priority orders the list; it is not
    shown (it weighs the area's deprivation decile, which is for coordinators).

    The privacy policy decides what the rows hold: the fields a volunteer may see of an open
    request, and its area blurred until it holds k requests or households. (`policy=False`
    skips both, for the benchmark that measures what they cost; nothing else may use it.)"""
    if profile.status != VolunteerProfile.Status.ACTIVE:
        return []  # what Viewer.of decides: an inactive volunteer is cleared for public only
    by_priority = order == "priority"
    q = nearby_query(profile=profile, km=km, type_code=type_code, day=day,
                     weights=group_weights() if by_priority else None)
    lead: dict[int, float] = {}  # request id -> priority, when ordered by it
    remote = q.remote[:limit] if q.remote is not None else ()
    near_rows = q.in_person if q.in_person is not None else ()
    if by_priority:
        remote, near_rows = _noting(lead, remote), _noting(lead, near_rows)
    seen = columns(HelpRequest, Level.VOLUNTEER) if policy else None
    shows_text = seen is None or "description" in seen
    area_of = area_density().display_cell if policy else _same
    # Rows come as tuples, not model instances: thousands of them must cost milliseconds.
    labels = {value: str(label) for value, label in HelpRequest.Urgency.choices}
    types, make = q.types, NearbyRequest._make
    rows = [make((pk, types[type_id], description if shows_text else "", urgency,
                  labels.get(urgency, urgency), wanted_from, wanted_until, None, ""))
            for pk, type_id, description, urgency, wanted_from, wanted_until in remote]
    near, home, areas = [], (profile.lat, profile.lng), {}
    for pk, type_id, description, urgency, wanted_from, wanted_until, lat, lng, came_in \
            in near_rows:
        distance = distance_km(home, (lat, lng))
        if distance > q.radius:
            continue
        # Rounded up to the half kilometre: a distance is a place, given enough of them.
        km_away = max(0.5, round(distance * 2 + 0.5) / 2)
        near.append(((km_away, -urgency, came_in), (
            pk, types[type_id], description if shows_text else "", urgency,
            labels.get(urgency, urgency), wanted_from, wanted_until, km_away,
            cell_for(lat, lng, PUBLIC_RESOLUTION))))
    if order == "urgency":  # most urgent, then nearest, then oldest
        near.sort(key=lambda entry: (entry[0][1], entry[0][0], entry[0][2]))
    elif by_priority:  # highest priority, then nearest, then oldest
        near.sort(key=lambda entry: (-lead[entry[1][0]], entry[0][0], entry[0][2]))
    else:
        near.sort(key=itemgetter(0))
    # Only rows that can make the page get an area (the first `limit` of each list).
    for _key, row in near[:limit]:
        cell = row[-1]
        area = areas.get(cell) or areas.setdefault(cell, area_of(cell))
        rows.append(make((*row[:-1], area)))
    if order == "urgency":  # stable: the oldest first still
        rows.sort(key=lambda r: (-r.urgency, r.km or 0))
    elif by_priority:
        rows.sort(key=lambda r: (-lead[r.id], r.km or 0))
    return rows[:limit]


def _same(cell: str) -> str:
    return cell


def _noting(lead: dict, rows):
    """The rows without their last column, the priority, which goes into `lead` by id."""
    for row in rows:
        lead[row[0]] = row[-1]
        yield row[:-1]


DENSITY_SECONDS = 600


def area_density() -> Density:
    """Requests and volunteers' homes per area cell in this group, for blurring areas to k
    (core/privacy/anonymity.py). Cached for a few minutes: density changes slowly."""
    density = cache.get("privacy:density")
    if density is None:
        counts: Counter = Counter()
        for model in (HelpRequest, VolunteerProfile):
            counts.update(dict(model.objects.exclude(area_cell="").order_by()
                               .values_list("area_cell").annotate(n=Count("pk"))))
        density = Density(counts)
        cache.set("privacy:density", density, DENSITY_SECONDS)
    return density


# What a volunteer's tasks page shows of a request they are doing.
TASK_FIELDS = ("type", "status", "description", "urgency", "wanted_from", "wanted_until",
               "person_name", "person_phone", "person_email", "address", "postcode",
               "access_notes", "keysafe_code", "language")


def my_tasks(*, user) -> list[Shown]:
    """The volunteer's live requests, with the details they need while the request is live
    (the policy engine shows them, and records that it did)."""
    from tenants.requests.models import LIVE_STATUSES

    live = list(HelpRequest.objects.filter(volunteer=user, status__in=LIVE_STATUSES)
                .select_related("type").order_by("wanted_from", "created_at"))
    return show_many(Viewer.of(user), live, why="volunteer's tasks page", fields=TASK_FIELDS)


def my_past_tasks(*, user, limit: int = 10) -> list[Shown]:
    """What the volunteer finished lately: once a request is done, its person's details are
    no longer theirs to see."""
    done = list(HelpRequest.objects.filter(volunteer=user, status=HelpRequest.Status.DONE)
                .select_related("type").order_by("-updated_at")[:limit])
    return show_many(Viewer.of(user), done, why="volunteer's past tasks", fields=TASK_FIELDS)
