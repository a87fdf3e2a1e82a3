"""What a volunteer may see and take: open requests near them that they are allowed to do.

Only volunteer-level fields leave here (type, timing, urgency, the description, roughly how
far, a coarse area): never the person's name, contact or exact place before a claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.geo.cells import SEARCH_RESOLUTION, cells_within, distance_km, fuzzed_cell
from tenants.requests.models import HelpRequest, RequestType
from tenants.volunteers.models import VolunteerProfile


@dataclass(frozen=True)
class NearbyRequest:
    id: int
    type: RequestType
    description: str
    urgency: int
    urgency_label: str
    wanted_from: date | None
    wanted_until: date | None
    km: float | None  # None for remote help
    area: str  # a coarse cell, never a point


def nearby_open_requests(*, profile: VolunteerProfile, km: float | None = None,
                         type_code: str = "", day: date | None = None,
                         order: str = "distance") -> list[NearbyRequest]:
    if profile.status != VolunteerProfile.Status.ACTIVE:
        return []
    radius = min(km or profile.radius_km, profile.radius_km)
    types = profile.request_types.filter(active=True, vetting_level__lte=profile.vetting_level)
    if type_code:
        types = types.filter(code=type_code)
    candidates = HelpRequest.objects.filter(status=HelpRequest.Status.OPEN, type__in=types)
    if day:
        candidates = candidates.exclude(wanted_from__gt=day).exclude(wanted_until__lt=day)
    found = [_remote(r) for r in candidates.filter(type__mode=RequestType.Mode.REMOTE)
             .select_related("type")]
    if profile.lat is not None:
        area = cells_within(profile.lat, profile.lng, radius, SEARCH_RESOLUTION)
        for request in (candidates.filter(type__mode=RequestType.Mode.IN_PERSON,
                                          area_cell__in=area).select_related("type")):
            distance = distance_km((profile.lat, profile.lng), (request.lat, request.lng))
            if distance <= radius:
                found.append(_in_person(request, distance))
    if order == "urgency":
        return sorted(found, key=lambda r: (-r.urgency, r.km or 0))
    return sorted(found, key=lambda r: (r.km or 0, -r.urgency))


def _remote(request: HelpRequest) -> NearbyRequest:
    return _row(request, None, "")


def _in_person(request: HelpRequest, distance: float) -> NearbyRequest:
    # Rounded up to the half kilometre: a distance is a place, given enough of them.
    return _row(request, max(0.5, round(distance * 2 + 0.5) / 2),
                fuzzed_cell(request.lat, request.lng).cell)


def _row(request: HelpRequest, km: float | None, area: str) -> NearbyRequest:
    return NearbyRequest(
        id=request.pk, type=request.type, description=request.description,
        urgency=request.urgency, urgency_label=request.get_urgency_display(),
        wanted_from=request.wanted_from, wanted_until=request.wanted_until, km=km, area=area,
    )


def my_tasks(*, user) -> list[HelpRequest]:
    """The volunteer's live requests, with the details they need while the request is live."""
    from tenants.requests.models import LIVE_STATUSES

    return list(HelpRequest.objects.filter(volunteer=user, status__in=LIVE_STATUSES)
                .select_related("type").order_by("wanted_from", "created_at"))
