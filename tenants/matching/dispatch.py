"""Coordinators' dispatch: the queue, ranked suggestions with reasons, auto-assign plans.

Suggestions and plans use the same hard rules as self-service claims (eligibility.py) and
the optimal assignment engine (assignment.py); confirming a plan re-checks every pair, since
the world may have moved between preview and confirm.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.geo.cells import SEARCH_RESOLUTION, cells_within, distance_km

from tenants.matching import assignment as engine
from tenants.matching.assignment import RequestSlot, VolunteerSlot, auto_assign
from tenants.matching.eligibility import refusal, start_of_week
from tenants.matching.selectors import DEGREES_PER_KM, SLACK_KM, km_from
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


def queue():
    """Requests waiting for a volunteer: most urgent first, then oldest."""
    return (HelpRequest.objects.filter(status__in=QUEUE_STATUSES).select_related("type")
            .order_by("-urgency", "created_at"))


@dataclass(frozen=True)
class Suggestion:
    profile: VolunteerProfile
    km: float | None
    reasons: list[str]


def weekly_load(user_ids: list[int] | None = None) -> dict[int, int]:
    """user id -> requests claimed or assigned since Monday (for `user_ids` only, if given)."""
    events = RequestEvent.objects.filter(to_status__in=["claimed", "assigned"],
                                         at__gte=start_of_week(), request__volunteer__isnull=False)
    if user_ids is not None:
        events = events.filter(request__volunteer__in=user_ids)
    rows = events.values("request__volunteer").annotate(n=Count("request", distinct=True))
    return {row["request__volunteer"]: row["n"] for row in rows}


# Suggestions read volunteers near the request from the cells within the longest radius any
# active volunteer has. Past this many km the disk holds too many cells to look up: volunteers
# who travel further are found by their radius instead (there are few of them).
CELL_SEARCH_MAX_KM = 20.0
# Tasks this week are counted for the first candidates in order, this many, then twice as many
# each round, until nobody further down the list could enter the top `limit`.
LOAD_BATCH = 25
# Without distances (remote help, a place unknown) candidates are read by id, a page at a time.
PAGE = 200


class _Candidate(NamedTuple):  # hundreds per suggestion: a tuple is cheap to make
    pk: int
    user_id: int
    km: float | None  # None: remote help, or a place unknown
    cap: int

    @property
    def key(self) -> float:
        return self.km if self.km is not None else 0


def suggestions(request: HelpRequest, *, limit: int = 5) -> list[Suggestion]:
    """Volunteers who may take `request`, nearest (then least busy) first, with reasons.

    Ties (the same distance and load) go to the lowest profile id."""
    ranked = _rank(_candidates(request), limit)
    profiles = (VolunteerProfile.objects.select_related("user").prefetch_related("availability")
                .in_bulk([c.pk for c, _busy in ranked]))
    return [Suggestion(profiles[c.pk], c.km, _reasons(profiles[c.pk], request, c.km, busy))
            for c, busy in ranked if c.pk in profiles]


def _candidates(request: HelpRequest) -> Iterator[_Candidate]:
    """Active volunteers who do this kind of help with the vetting it needs and, for in-person
    help, live within their own radius of it (or did not say where they live): in the order
    suggestions rank them before weekly loads, (km, or 0 without one; id)."""
    eligible = VolunteerProfile.objects.filter(
        status=VolunteerProfile.Status.ACTIVE, request_types=request.type,
        vetting_level__gte=request.type.vetting_level,
    )
    if request.type.mode != RequestType.Mode.IN_PERSON or None in (request.lat, request.lng):
        # No distances: everyone is 0 km away, so by id, only as far as the ranking reads.
        last = 0
        while True:
            page = list(eligible.filter(pk__gt=last).order_by("pk")
                        .values_list("pk", "user_id", "max_per_week")[:PAGE])
            yield from (_Candidate(pk, user_id, None, cap) for pk, user_id, cap in page)
            if len(page) < PAGE:
                return
            last = page[-1][0]
    reach = VolunteerProfile.objects.filter(status=VolunteerProfile.Status.ACTIVE).aggregate(
        reach=Max("radius_km"))["reach"]
    if reach is None:
        return
    # "" is a volunteer whose place is unknown: suggested without a distance, as always.
    near = Q(area_cell__in=cells_within(request.lat, request.lng,
                                        min(reach, CELL_SEARCH_MAX_KM), SEARCH_RESOLUTION) | {""})
    if reach > CELL_SEARCH_MAX_KM:
        near |= Q(radius_km__gt=CELL_SEARCH_MAX_KM)
    # Most travel a few km: the database drops whoever is out of their own reach, first by
    # latitude (cheap: no distance is shorter than its north-south part), then by distance.
    reach_deg = (F("radius_km") + SLACK_KM) * DEGREES_PER_KM
    eligible = eligible.filter(near).alias(km=km_from(request.lat, request.lng)).filter(
        Q(lat__isnull=True) | Q(lng__isnull=True)
        | (Q(lat__gte=request.lat - reach_deg) & Q(lat__lte=request.lat + reach_deg)
           & Q(km__lte=F("radius_km") + SLACK_KM)))
    found = []
    here = (request.lat, request.lng)
    for pk, user_id, lat, lng, radius, cap in eligible.values_list(
            "pk", "user_id", "lat", "lng", "radius_km", "max_per_week"):
        km = None
        if lat is not None and lng is not None:
            km = distance_km((lat, lng), here)
            if km > radius:
                continue
        found.append(_Candidate(pk, user_id, km, cap))
    found.sort(key=lambda c: (c.key, c.pk))
    yield from found


def _rank(candidates: Iterator[_Candidate], limit: int) -> list[tuple[_Candidate, int]]:
    """The first `limit` candidates under their weekly cap by (km, tasks this week, id), with
    their tasks this week. `candidates` come by (km, id)."""
    if limit <= 0:
        return []
    kept: list[tuple[float, int, int, _Candidate]] = []
    batch = list(islice(candidates, LOAD_BATCH))
    size = LOAD_BATCH
    while batch:
        busy_of = weekly_load([c.user_id for c in batch])
        for c in batch:
            busy = busy_of.get(c.user_id, 0)
            if busy < c.cap:
                kept.append((c.key, busy, c.pk, c))
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
    return [(c, busy) for _km, busy, _pk, c in kept[:limit]]


def _reasons(profile, request, km, busy) -> list[str]:
    reasons = [_("%(km).1f km away") % {"km": km}] if km is not None else [_("remote help")]
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
    """The optimal assignment of the whole queue: (pairs to confirm, unassigned with why)."""
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
        remote=request.type.mode == RequestType.Mode.REMOTE,
    )


def _volunteer_slot(profile: VolunteerProfile, busy: int) -> VolunteerSlot:
    return VolunteerSlot(
        id=profile.user_id, lat=profile.lat if profile.lat is not None else 0.0,
        lng=profile.lng if profile.lng is not None else 0.0,
        type_codes=frozenset(t.code for t in profile.request_types.all()),
        vetting_level=profile.vetting_level,
        radius_km=profile.radius_km if profile.lat is not None else 0.0,
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
def assign(*, request_id: int, user_id: int, actor) -> HelpRequest:
    """A coordinator gives a request to a volunteer, if the hard rules allow it."""
    profile = VolunteerProfile.objects.select_for_update().select_related("user").get(
        user_id=user_id)
    request = HelpRequest.objects.select_for_update().select_related("type").get(pk=request_id)
    if request.status not in QUEUE_STATUSES:
        raise TransitionRefused(_("This request is no longer waiting for a volunteer."))
    reason = refusal(profile, request)
    if reason:
        raise TransitionRefused(reason)
    assigned = advance(request_id=request_id, step="assign", actor=actor, volunteer=profile.user)
    transaction.on_commit(lambda: _notify(request_id), robust=True)
    return assigned


def _notify(request_id: int) -> None:
    from tenants.matching.tasks import notify_assigned

    notify_assigned.delay(request_id)
