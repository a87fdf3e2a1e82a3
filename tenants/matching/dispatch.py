"""Coordinators' dispatch: the queue, ranked suggestions with reasons, auto-assign plans.

Suggestions and plans use the same hard rules as self-service claims (eligibility.py) and
the optimal assignment engine (assignment.py); confirming a plan re-checks every pair, since
the world may have moved between preview and confirm.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from math import asin, cos, inf, radians
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit.services import record
from core.geo.cells import SEARCH_RESOLUTION, cells_within, distance_km

from tenants.matching import assignment as engine
from tenants.matching import priority
from tenants.matching.assignment import RequestSlot, VolunteerSlot, auto_assign
from tenants.matching.eligibility import refusal, start_of_week
from tenants.matching.selectors import DEGREES_PER_KM, EARTH_RADIUS_KM, SLACK_KM
from tenants.requests.models import HelpRequest, RequestEvent, RequestType
from tenants.requests.services import TransitionRefused, advance
from tenants.volunteers.models import VolunteerProfile

QUEUE_STATUSES = (HelpRequest.Status.NEW, HelpRequest.Status.OPEN)
WHY_UNASSIGNED = {
    engine.NO_VOLUNTEER_FOR_TYPE: gettext_lazy("no active volunteer does this kind of help"),
    engine.NO_VOLUNTEER_VETTED: gettext_lazy("no volunteer has the check this help needs"),
    engine.OUT_OF_EVERY_RADIUS: gettext_lazy("too far from every volunteer"),
    engine.NO_ONE_AVAILABLE_THAT_DAY: gettext_lazy("nobody is free that day"),
    engine.EVERYONE_AT_CAPACITY: gettext_lazy("everyone who could is at their weekly limit"),
    engine.NO_LOCATION: gettext_lazy("its location is unknown"),
}


def queue(*, weights: priority.Weights | None = None, now: datetime | None = None):
    """Requests waiting for a volunteer, highest priority first (urgency, waiting time and the
    area's deprivation, weighed as the group chose: priority.py), then oldest, then by id.
    Each row carries its `priority` and the terms `priority.explain` puts into words."""
    waiting = HelpRequest.objects.filter(status__in=QUEUE_STATUSES).select_related("type")
    return priority.with_priority(waiting, weights=weights or priority.group_weights(),
                                  now=now or timezone.now()).order_by(*priority.ORDER)


@dataclass(frozen=True)
class Suggestion:
    profile: VolunteerProfile
    km: float | None
    reasons: list[str]


def weekly_load() -> dict[int, int]:
    """user id -> requests claimed or assigned since Monday."""
    rows = (_this_week().filter(request__volunteer__isnull=False)
            .values("request__volunteer").annotate(n=Count("request", distinct=True)))
    return {row["request__volunteer"]: row["n"] for row in rows}


def _this_week():
    return RequestEvent.objects.filter(to_status__in=["claimed", "assigned"],
                                       at__gte=start_of_week())


def _with_weekly_load(profiles):
    """The profiles, each with `busy`: its weekly_load() (counted for these alone)."""
    count = (_this_week().filter(request__volunteer=OuterRef("user_id"))
             .values("request__volunteer").annotate(n=Count("request", distinct=True))
             .values("n"))
    return profiles.annotate(busy=Coalesce(Subquery(count), 0))


# Suggestions read volunteers near the request from the cells within the longest radius any
# active volunteer has. Past this many km the disk holds too many cells to look up: volunteers
# who travel further are found by their radius instead (there are few of them).
CELL_SEARCH_MAX_KM = 20.0
# Tasks this week are counted for the first candidates in order, this many (at least; twice
# the number asked for), then twice as many each round, until nobody further down the list
# could enter the top `limit`.
LOAD_BATCH = 10
# Without distances (remote help, a place unknown) candidates are read by id, a page at a time.
PAGE = 200


class _Candidate(NamedTuple):  # hundreds per suggestion: a tuple is cheap to make
    pk: int
    km: float | None  # None: remote help, or a place unknown

    @property
    def key(self) -> float:
        # Without a distance, after everyone with one: they may live anywhere.
        return self.km if self.km is not None else inf


def suggestions(request: HelpRequest, *, limit: int = 5) -> list[Suggestion]:
    """Volunteers who may take `request`, nearest (then least busy) first, with reasons.

    Ties (the same distance and load) go to the lowest profile id."""
    ranked = _rank(_candidates(request), limit)
    profiles = [profile for profile, _km in ranked]
    prefetch_related_objects(profiles, "availability")
    return [Suggestion(profile, km, _reasons(profile, request, km, profile.busy))
            for profile, km in ranked]


def _candidates(request: HelpRequest) -> Iterator[_Candidate]:
    """Active volunteers who do this kind of help with the vetting it needs and, for in-person
    help, live within their own radius of it (or did not say where they live): in the order
    suggestions rank them before weekly loads, (km, or 0 without one; id)."""
    eligible = VolunteerProfile.objects.filter(
        status=VolunteerProfile.Status.ACTIVE, request_types=request.type,
        vetting_level__gte=request.type.vetting_level,
    )
    if request.type.mode != RequestType.Mode.IN_PERSON or None in (request.lat, request.lng):
        # No distances: everyone is equally far, so by id, only as far as the ranking reads.
        last = 0
        while True:
            page = list(eligible.filter(pk__gt=last).order_by("pk")
                        .values_list("pk", flat=True)[:PAGE])
            yield from (_Candidate(pk, None) for pk in page)
            if len(page) < PAGE:
                return
            last = page[-1]
    reach = VolunteerProfile.objects.filter(status=VolunteerProfile.Status.ACTIVE).aggregate(
        reach=Max("radius_km"))["reach"]
    if reach is None:
        return
    # "" is a volunteer whose place is unknown: suggested without a distance, as always.
    near = Q(area_cell__in=cells_within(request.lat, request.lng,
                                        min(reach, CELL_SEARCH_MAX_KM), SEARCH_RESOLUTION) | {""})
    if reach > CELL_SEARCH_MAX_KM:
        near |= Q(radius_km__gt=CELL_SEARCH_MAX_KM)
    eligible = eligible.filter(near).filter(
        Q(lat__isnull=True) | Q(lng__isnull=True)
        | _within_own_box(request.lat, request.lng, reach))
    found = []
    here = (request.lat, request.lng)
    for pk, lat, lng, radius in eligible.values_list("pk", "lat", "lng", "radius_km"):
        km = None
        if lat is not None and lng is not None:
            km = distance_km((lat, lng), here)
            if km > radius:
                continue
        found.append(_Candidate(pk, km))
    found.sort(key=lambda c: (c.key, c.pk))
    yield from found


def _within_own_box(lat: float, lng: float, reach: float) -> Q:
    """Volunteers whose box around their own radius holds (lat, lng): most travel a few km, so
    the database drops most of those in the cells before Python measures exactly.

    No distance is shorter than its north-south part, so a volunteer within r km is within
    r * DEGREES_PER_KM degrees of latitude. East-west, a point within r km of (lat, lng) is
    within asin(sin(r/R) / cos(lat)) radians of longitude (the bounding coordinates of a
    spherical cap); asin(u)/u grows with u and sin(r/R) <= r/R, so for every r up to `reach`
    that is at most r/R * k / cos(lat), with k = asin(u)/u at u = (reach/R) / cos(lat)."""
    dlat = (F("radius_km") + SLACK_KM) * DEGREES_PER_KM
    box = Q(lat__gte=lat - dlat) & Q(lat__lte=lat + dlat)
    widest = (reach + SLACK_KM) * DEGREES_PER_KM  # the largest dlat
    top = (reach + SLACK_KM) / EARTH_RADIUS_KM / cos(radians(lat))
    if abs(lat) + widest >= 90 or top >= 1:
        return box  # a pole within reach: every longitude is
    stretch = asin(top) / top / cos(radians(lat)) * (1 + 1e-9)  # dlng / dlat, at most
    if abs(lng) + widest * stretch >= 180:
        return box  # across the antimeridian: not one range of longitudes
    return box & Q(lng__gte=lng - dlat * stretch) & Q(lng__lte=lng + dlat * stretch)


def _rank(candidates: Iterator[_Candidate], limit: int
          ) -> list[tuple[VolunteerProfile, float | None]]:
    """The first `limit` candidates under their weekly cap by (km, tasks this week, id), as
    (profile with its user and `busy`, km). `candidates` come by (km, id)."""
    if limit <= 0:
        return []
    kept: list[tuple[float, int, int, VolunteerProfile, float | None]] = []
    size = max(LOAD_BATCH, 2 * limit)
    batch = list(islice(candidates, size))
    while batch:
        # The batch's profiles and their tasks this week, in one query.
        profiles = _with_weekly_load(VolunteerProfile.objects.select_related("user")).in_bulk(
            [c.pk for c in batch])
        for c in batch:
            profile = profiles.get(c.pk)
            if profile is not None and profile.busy < profile.max_per_week:
                kept.append((c.key, profile.busy, c.pk, profile, c.km))
        kept.sort(key=lambda k: k[:3])
        following = next(candidates, None)
        if following is None:
            break
        if len(kept) >= limit:
            # Whoever comes later is at least as far as `following`, and has a higher id if
            # as far: they cannot pass the last one in, if that one is nearer, or as near and
            # with no tasks this week.
            last_km, last_busy = kept[limit - 1][:2]
            if following.key > last_km or (following.key == last_km and last_busy == 0):
                break
        size *= 2
        batch = [following, *islice(candidates, size - 1)]
    return [(profile, km) for _key, _busy, _pk, profile, km in kept[:limit]]


def _reasons(profile, request, km, busy) -> list[str]:
    if km is not None:
        reasons = [_("%(km).1f km away") % {"km": km}]
    elif request.type.mode == RequestType.Mode.IN_PERSON:
        reasons = [_("distance unknown")]
    else:
        reasons = [_("remote help")]
    if request.language and request.language in profile.languages:
        reasons.append(_("speaks %(language)s") % {"language": request.language})
    if request.wanted_from and any(w.weekday == request.wanted_from.weekday()
                                   for w in profile.availability.all()):
        reasons.append(_("usually free that day"))
    reasons.append(_("%(count)d of %(cap)d tasks this week") % {"count": busy,
                                                                "cap": profile.max_per_week})
    return reasons


@dataclass(frozen=True)
class PlannedPair:
    request_id: int
    user_id: int
    km: float


def plan_auto_assign() -> tuple[list[PlannedPair], list[tuple[int, str]]]:
    """The optimal assignment of the whole queue: (pairs to confirm, unassigned with why).
    When not everyone can be helped, higher-priority requests win (assignment.py)."""
    requests = list(queue().exclude(lat__isnull=True, type__mode=RequestType.Mode.IN_PERSON))
    load = weekly_load()
    volunteers = [
        _volunteer_slot(p, load.get(p.user_id, 0))
        for p in VolunteerProfile.objects.filter(status=VolunteerProfile.Status.ACTIVE)
        .prefetch_related("request_types", "availability")
    ]
    result = auto_assign([_request_slot(r) for r in requests],
                         [v for v in volunteers if v.remaining_capacity > 0])
    return ([PlannedPair(r, u, round(km, 2)) for r, u, km in result.pairs],
            [(r, WHY_UNASSIGNED.get(why, why)) for r, why in result.unassigned])


def _request_slot(request: HelpRequest) -> RequestSlot:
    return RequestSlot(
        id=request.pk, lat=request.lat or 0.0, lng=request.lng or 0.0,
        type_code=request.type.code, vetting_needed=request.type.vetting_level,
        day=request.wanted_from, language=request.language or None,
        remote=request.type.mode == RequestType.Mode.REMOTE, priority=request.priority,
    )


def _volunteer_slot(profile: VolunteerProfile, busy: int) -> VolunteerSlot:
    return VolunteerSlot(
        id=profile.user_id, lat=profile.lat, lng=profile.lng,  # None: in-person help ruled out
        type_codes=frozenset(t.code for t in profile.request_types.all()),
        vetting_level=profile.vetting_level,
        radius_km=profile.radius_km,
        available_days=frozenset(w.weekday for w in profile.availability.all()),
        languages=frozenset(profile.languages), remaining_capacity=profile.max_per_week - busy,
        tasks_this_week=busy,
    )


def confirm_plan(*, pairs: list[PlannedPair], actor) -> tuple[int, int]:
    """Assign each planned pair that still holds; returns (assigned, skipped)."""
    assigned = skipped = 0
    for pair in pairs:
        try:
            assign(request_id=pair.request_id, user_id=pair.user_id, actor=actor)
            assigned += 1
        except (TransitionRefused, HelpRequest.DoesNotExist, VolunteerProfile.DoesNotExist):
            skipped += 1
    return assigned, skipped


@transaction.atomic
def assign(*, request_id: int, user_id: int, actor, override_reason: str = "") -> HelpRequest:
    """A coordinator gives a request to a volunteer, if the hard rules allow it. With
    `override_reason`, an admin may give it to someone without the check it needs (audited);
    anyone else giving a reason is refused."""
    override_reason = override_reason.strip()
    if override_reason and not getattr(actor, "is_group_admin", False):
        raise TransitionRefused(_("Only an admin can override the vetting a request needs."))
    profile = VolunteerProfile.objects.select_for_update().select_related("user").get(
        user_id=user_id)
    request = HelpRequest.objects.select_for_update().select_related("type").get(pk=request_id)
    if request.status not in QUEUE_STATUSES:
        raise TransitionRefused(_("This request is no longer waiting for a volunteer."))
    waived = bool(override_reason) and profile.vetting_level < request.type.vetting_level
    reason = refusal(profile, request, vetting_waived=waived)
    if reason:
        raise TransitionRefused(reason)
    if waived:
        record(actor=actor, action="vetting.override", target=request, reason=override_reason,
               data={"volunteer": user_id, "has": profile.vetting_level,
                     "needs": request.type.vetting_level})
    assigned = advance(request_id=request_id, step="assign", actor=actor, volunteer=profile.user)
    transaction.on_commit(lambda: _notify(request_id), robust=True)
    return assigned


def unvetted_candidates(request: HelpRequest, *, limit: int = 20) -> list[VolunteerProfile]:
    """Active volunteers who do this kind of help but lack the check it needs: whom an admin
    could give it to with an override."""
    return list(VolunteerProfile.objects.filter(
        status=VolunteerProfile.Status.ACTIVE, request_types=request.type,
        vetting_level__lt=request.type.vetting_level,
    ).select_related("user").order_by("user__name")[:limit])


def _notify(request_id: int) -> None:
    from tenants.matching.tasks import notify_assigned

    notify_assigned.delay(request_id)
