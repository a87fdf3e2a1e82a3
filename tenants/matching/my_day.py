"""A volunteer's day: their tasks for one day as an ordered list of stops, from their home.

The tasks are the live ones (claimed, assigned, in progress) planned for the day, or, not
planned for any day, wanted that day. In-person tasks whose place is known make the route
(core/geo/routes.py: exact for a few stops, nearest neighbour and 2-opt beyond; never longer
than the order they are listed in); remote help and places not yet known are listed apart.
The volunteer is the assignee, so the privacy engine shows them each person's details while
the task is live, and records that it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import Q

from core.geo.routes import best_order, distance_matrix, path_length
from core.privacy.engine import Shown, Viewer, show_many
from tenants.requests.models import LIVE_STATUSES, HelpRequest, RequestType
from tenants.volunteers.models import VolunteerProfile

# What the day shows of each stop (the tasks page's fields, and the place for the route).
DAY_FIELDS = ("type", "status", "description", "urgency", "wanted_from", "wanted_until",
              "scheduled_for", "person_name", "person_phone", "address", "postcode",
              "access_notes", "keysafe_code", "lat", "lng")


@dataclass(frozen=True)
class Stop:
    task: Shown
    leg_km: float  # from the previous stop (or from home, for the first)


@dataclass(frozen=True)
class VolunteerDay:
    day: date
    stops: list[Stop]  # in the order to go
    elsewhere: list[Shown]  # remote help, and places not known yet: not on the route
    total_km: float  # along the route, from home when it is known (the way back not counted)
    listed_km: float  # the same stops in the order they are listed on the tasks page
    from_home: bool
    undated: int  # live tasks with no day at all (on the tasks page)
    next_day: date | None  # the next day after this one with a task planned


def tasks_for_day(*, user, day: date):
    """The volunteer's live tasks for `day`: planned for it, or unplanned and wanted that day
    (a window from wanted_from to wanted_until, or wanted_from alone)."""
    wanted = (Q(scheduled_for__isnull=True, wanted_from__lte=day)
              & (Q(wanted_until__gte=day) | Q(wanted_until__isnull=True, wanted_from=day)))
    return (HelpRequest.objects.filter(volunteer=user, status__in=LIVE_STATUSES)
            .filter(Q(scheduled_for=day) | wanted).select_related("type")
            .order_by("wanted_from", "created_at"))


def volunteer_day(*, user, day: date) -> VolunteerDay:
    tasks = list(tasks_for_day(user=user, day=day))
    shown = show_many(Viewer.of(user), tasks, why="volunteer's day", fields=DAY_FIELDS)
    routable = [s.type.mode == RequestType.Mode.IN_PERSON and s.lat is not None for s in shown]
    on_route = [s for s, ok in zip(shown, routable) if ok]
    elsewhere = [s for s, ok in zip(shown, routable) if not ok]
    profile = VolunteerProfile.objects.filter(user=user).only("lat", "lng").first()
    home = (profile.lat, profile.lng) if profile and profile.lat is not None else None
    order, dist = _route(home, [(s.lat, s.lng) for s in on_route])
    stops = [Stop(task=on_route[node - 1], leg_km=round(float(dist[prev, node]), 1))
             for prev, node in zip(order, order[1:])]
    live = HelpRequest.objects.filter(volunteer=user, status__in=LIVE_STATUSES)
    undated = live.filter(scheduled_for__isnull=True, wanted_from__isnull=True).count()
    next_day = (live.filter(scheduled_for__gt=day).order_by("scheduled_for")
                .values_list("scheduled_for", flat=True).first())
    return VolunteerDay(day=day, stops=stops, elsewhere=elsewhere,
                        total_km=round(path_length(dist, order), 1),
                        listed_km=round(path_length(dist, range(len(order))), 1),
                        from_home=home is not None, undated=undated, next_day=next_day)


def _route(home, places) -> tuple[list[int], np.ndarray]:
    """The visiting order of `places` as nodes 1..n after node 0, and the distances. Node 0
    is home; with no home known, a start 0 km from every place (so the route may begin
    anywhere)."""
    if home is not None:
        dist = distance_matrix([home, *places])
    else:
        dist = np.zeros((len(places) + 1, len(places) + 1))
        dist[1:, 1:] = distance_matrix(places)
    return best_order(dist), dist
