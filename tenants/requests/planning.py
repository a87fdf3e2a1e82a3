"""Days already planned near a place: which days to suggest for a delivery.

A volunteer already going to one street can take a second bag to the next one. So when a
request's day is set, the coming days on which other in-person requests within NEAR_KM are
already planned are suggested, the best first (more stops nearby, then a shorter distance to
the nearest, then the sooner). One query reads the planned requests of the coming days in the
cells around the place, through the partial index `request_planned_idx` (scheduled_for,
area_cell; planned rows only); Python measures the exact distances and ranks the days.

Coordinators see the stops and distances (`planned_days_near`); the person asking sees only
days on which a volunteer is already coming near them (`days_a_volunteer_comes_near`): no
counts, no places, no order that could hint at either.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.geo.cells import SEARCH_RESOLUTION, cells_within, distance_km
from tenants.requests.models import LIVE_STATUSES, HelpRequest, RequestType

# "Nearby": a short walk or ride between two stops.
NEAR_KM = 2.0
# How far ahead to look for planned days, and how many to suggest.
LOOK_AHEAD_DAYS = 28
SUGGESTED_DAYS = 5
# The person asking is shown a few days, in date order.
SHOWN_TO_REQUESTER = 3

S = HelpRequest.Status
# Planned and not closed: someone will go (or is being found to go) that day.
_NOT_CLOSED = (S.NEW, S.OPEN, S.CLAIMED, S.ASSIGNED, S.IN_PROGRESS)


@dataclass(frozen=True)
class PlannedDay:
    day: date
    stops: int  # other requests planned that day within NEAR_KM
    nearest_km: float
    volunteers: tuple[int, ...]  # user ids of the volunteers already going to them


def group_today() -> date:
    """Today where the group is (its time zone), not where the server is."""
    zone = getattr(getattr(connection, "tenant", None), "timezone", "") or settings.TIME_ZONE
    return timezone.localdate(timezone=ZoneInfo(zone))


def planned_days_near(help_request: HelpRequest, *, km: float = NEAR_KM,
                      look_ahead: int = LOOK_AHEAD_DAYS, limit: int = SUGGESTED_DAYS,
                      volunteer_going: bool = False) -> list[PlannedDay]:
    """The best days to plan `help_request` for, from today (or the first day it is wanted)
    up to `look_ahead` days ahead (or the last day it is wanted). Only for in-person help
    whose place is known. `volunteer_going`: count only requests a volunteer already has."""
    if help_request.lat is None or help_request.type.mode != RequestType.Mode.IN_PERSON:
        return []
    today = group_today()
    first = max(today, help_request.wanted_from or today)
    last = today + timedelta(days=look_ahead)
    if help_request.wanted_until:
        last = min(last, help_request.wanted_until)
    if last < first:
        return []
    here = (help_request.lat, help_request.lng)
    rows = (HelpRequest.objects
            .filter(scheduled_for__gte=first, scheduled_for__lte=last,
                    area_cell__in=cells_within(*here, km, SEARCH_RESOLUTION),
                    status__in=LIVE_STATUSES if volunteer_going else _NOT_CLOSED,
                    type__mode=RequestType.Mode.IN_PERSON, lat__isnull=False)
            .exclude(pk=help_request.pk).order_by()
            .values_list("scheduled_for", "lat", "lng", "volunteer_id"))
    by_day: dict[date, list[tuple[float, int | None]]] = defaultdict(list)
    for day, lat, lng, volunteer in rows:
        away = distance_km(here, (lat, lng))
        if away <= km:
            by_day[day].append((away, volunteer))
    days = [PlannedDay(day=day, stops=len(stops), nearest_km=round(min(s[0] for s in stops), 1),
                       volunteers=tuple(sorted({v for _, v in stops if v is not None})))
            for day, stops in by_day.items()]
    days.sort(key=lambda d: (-d.stops, d.nearest_km, d.day))
    return days[:limit]


def days_a_volunteer_comes_near(help_request: HelpRequest) -> list[date]:
    """For the person asking: a few coming days on which a volunteer is already coming near
    them, in date order; nothing about whom, where or how many."""
    days = planned_days_near(help_request, volunteer_going=True, limit=LOOK_AHEAD_DAYS)
    return sorted(d.day for d in days)[:SHOWN_TO_REQUESTER]
