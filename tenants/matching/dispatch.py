"""Coordinators' dispatch: the queue, ranked suggestions with reasons, auto-assign plans.

Suggestions and plans use the same hard rules as self-service claims (eligibility.py) and
the optimal assignment engine (assignment.py); confirming a plan re-checks every pair, since
the world may have moved between preview and confirm.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from core.geo.cells import distance_km
from django.utils.translation import gettext_lazy

from tenants.matching import assignment as engine
from tenants.matching.assignment import RequestSlot, VolunteerSlot, auto_assign
from tenants.matching.eligibility import refusal, start_of_week
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


def weekly_load() -> dict[int, int]:
    """user id -> requests claimed or assigned since Monday."""
    rows = (RequestEvent.objects.filter(to_status__in=["claimed", "assigned"],
                                        at__gte=start_of_week(), request__volunteer__isnull=False)
            .values("request__volunteer").annotate(n=Count("request", distinct=True)))
    return {row["request__volunteer"]: row["n"] for row in rows}


def suggestions(request: HelpRequest, *, limit: int = 5) -> list[Suggestion]:
    """Volunteers who may take `request`, nearest (then least busy) first, with reasons."""
    load = weekly_load()
    candidates = (VolunteerProfile.objects.filter(
        status=VolunteerProfile.Status.ACTIVE, request_types=request.type,
        vetting_level__gte=request.type.vetting_level,
    ).select_related("user").prefetch_related("availability"))
    found = []
    for profile in candidates:
        km = _km(profile, request)
        in_person = request.type.mode == RequestType.Mode.IN_PERSON
        if in_person and km is not None and km > profile.radius_km:
            continue
        busy = load.get(profile.user_id, 0)
        if busy >= profile.max_per_week:
            continue
        found.append(Suggestion(profile, km if in_person else None,
                                _reasons(profile, request, km if in_person else None, busy)))
    found.sort(key=lambda s: (s.km if s.km is not None else 0, load.get(s.profile.user_id, 0)))
    return found[:limit]


def _km(profile, request) -> float | None:
    if None in (profile.lat, profile.lng, request.lat, request.lng):
        return None
    return distance_km((profile.lat, profile.lng), (request.lat, request.lng))


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
