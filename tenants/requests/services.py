"""Writes to requests: intake and every step of a request's life, each with a timeline row.

Life cycle: new -> open -> claimed (by a volunteer) or assigned (by a coordinator) ->
in progress -> done; or cancelled / could not help from any live state. Each change locks
the request row, so two people acting at once are served one after the other and the second
is told kindly what happened.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from core.audit.services import record
from core.errors import Refused
from core.geo.cells import SEARCH_RESOLUTION, cell_for
from core.geo.deprivation.lookup import decile_at, deciles_at
from django.utils.translation import gettext_lazy as _

from tenants.requests.models import HelpRequest, LocationStatus, RequestEvent

S = HelpRequest.Status
OPEN_TO_END = {S.NEW, S.OPEN, S.CLAIMED, S.ASSIGNED, S.IN_PROGRESS}


@dataclass(frozen=True)
class Step:
    to: str
    allowed_from: frozenset[str]
    refusal: str


STEPS = {
    "open": Step(S.OPEN, frozenset({S.NEW}), _("This request has already been opened.")),
    "claim": Step(S.CLAIMED, frozenset({S.OPEN}),
                  _("Someone else has just taken this request. Thank you for offering!")),
    "unclaim": Step(S.OPEN, frozenset({S.CLAIMED}), _("This request is not claimed.")),
    "assign": Step(S.ASSIGNED, frozenset({S.NEW, S.OPEN, S.CLAIMED, S.ASSIGNED}),
                   _("This request can no longer be assigned.")),
    "start": Step(S.IN_PROGRESS, frozenset({S.CLAIMED, S.ASSIGNED}),
                  _("This request cannot be started now.")),
    "complete": Step(S.DONE, frozenset({S.CLAIMED, S.ASSIGNED, S.IN_PROGRESS}),
                     _("This request cannot be marked done now.")),
    "cancel": Step(S.CANCELLED, frozenset(OPEN_TO_END), _("This request is already closed.")),
    "could_not_help": Step(S.COULD_NOT_HELP, frozenset(OPEN_TO_END),
                           _("This request is already closed.")),
}


class TransitionRefused(Refused):
    """The request is not in a state that allows this step; `message` says why, kindly."""


@transaction.atomic
def submit_request(*, fields: dict, submission_key: uuid.UUID, channel: str,
                   logged_by=None) -> tuple[HelpRequest, bool]:
    """Record a request; returns (request, created). The same submission key (a double
    click, a resent form) returns the request it already made, unchanged."""
    if fields.get("lat") is not None and not fields.get("area_cell"):
        fields = {**fields, "area_cell": cell_for(fields["lat"], fields["lng"], SEARCH_RESOLUTION),
                  "location_status": LocationStatus.LOCATED}
    if fields.get("lat") is not None and "deprivation_decile" not in fields:
        fields = {**fields, "deprivation_decile": decile_at(fields["lat"], fields["lng"])}
    existing = HelpRequest.objects.filter(submission_key=submission_key).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            request = HelpRequest.objects.create(
                **fields, submission_key=submission_key, channel=channel, logged_by=logged_by,
                status=S.NEW,
            )
    except IntegrityError as exc:
        if "submission_key" not in _constraint(exc):
            raise
        # The same submission committed a moment ago, from a concurrent click.
        return HelpRequest.objects.get(submission_key=submission_key), False
    RequestEvent.objects.create(request=request, actor=logged_by, to_status=S.NEW)
    record(actor=logged_by, action="request.submit", target=request, data={"channel": channel})
    if request.lat is None:
        transaction.on_commit(lambda: _locate_soon(request.pk), robust=True)
    return request, True


def _locate_soon(request_id: int) -> None:
    from tenants.requests.tasks import locate_request

    locate_request.delay(request_id)


@transaction.atomic
def locate(*, request_id: int, country: str) -> HelpRequest:
    """Geocode a request from its postcode or address. A request that cannot be located is
    kept, marked for a coordinator; nothing is lost."""
    from core.geo.geocoding import geocode

    request = HelpRequest.objects.select_for_update().get(pk=request_id)
    found = geocode(country=country, postcode=request.postcode, address=request.address)
    _place(request, found, actor=None)
    return request


@transaction.atomic
def set_location(*, request_id: int, country: str, postcode: str, address: str,
                 actor) -> HelpRequest:
    """A coordinator corrects where a request is. If the new place cannot be found either,
    nothing changes and the reason is raised as Refused."""
    from core.geo.geocoding import geocode

    found = geocode(country=country, postcode=postcode, address=address)
    if not found.ok:
        raise Refused(_("We could not find that place. Check the postcode or address and "
                        "try again."))
    request = HelpRequest.objects.select_for_update().get(pk=request_id)
    request.postcode, request.address = postcode.strip(), address.strip()
    _place(request, found, actor=actor, also=["postcode", "address"])
    return request


def _place(request: HelpRequest, found, *, actor, also: list[str] = ()) -> None:
    if found.ok:
        request.lat, request.lng, request.cell = found.lat, found.lng, found.h3_cell
        request.area_cell = cell_for(found.lat, found.lng, SEARCH_RESOLUTION)
        request.deprivation_decile = decile_at(found.lat, found.lng)
        request.location_status = LocationStatus.LOCATED
    else:
        request.location_status = LocationStatus.UNKNOWN
    request.save(update_fields=["lat", "lng", "cell", "area_cell", "deprivation_decile",
                                "location_status", "updated_at", *also])
    record(actor=actor, action="request.locate", target=request,
           data={"located": found.ok, "source": getattr(found, "source", "")})


RESCORE_BATCH = 500


def rescore_deprivation() -> int:
    """Look every located request's deprivation decile up again, in the current group (after
    a deprivation dataset is loaded, replaced or removed); returns how many changed."""
    changed = 0
    located = HelpRequest.objects.filter(lat__isnull=False, lng__isnull=False).order_by("pk")
    last = 0
    while batch := list(located.filter(pk__gt=last).only("pk", "lat", "lng",
                                                          "deprivation_decile")[:RESCORE_BATCH]):
        last = batch[-1].pk
        deciles = deciles_at([(r.lat, r.lng) for r in batch])
        stale = [r for r, decile in zip(batch, deciles) if r.deprivation_decile != decile]
        for request, decile in zip(batch, deciles):
            request.deprivation_decile = decile
        with transaction.atomic():
            HelpRequest.objects.bulk_update(stale, ["deprivation_decile"])
        changed += len(stale)
    return changed


def _constraint(exc: IntegrityError) -> str:
    return getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "") or ""


@transaction.atomic
def advance(*, request_id: int, step: str, actor, volunteer=None, note: str = "") -> HelpRequest:
    """Take one step of the life cycle (see STEPS). Raises TransitionRefused."""
    rule = STEPS[step]
    request = HelpRequest.objects.select_for_update().get(pk=request_id)
    if request.status not in rule.allowed_from:
        raise TransitionRefused(rule.refusal)
    previous = request.status
    request.status = rule.to
    if step in ("claim", "assign"):
        request.volunteer = volunteer
    elif step == "unclaim":
        request.volunteer = None
    request.save(update_fields=["status", "volunteer", "updated_at"])
    RequestEvent.objects.create(
        request=request, actor=actor, from_status=previous, to_status=rule.to, note=note[:500]
    )
    record(actor=actor, action=f"request.{step}", target=request,
           data={"from": previous, "to": rule.to, "volunteer": request.volunteer_id})
    return request


# How far ahead a day may be planned.
PLAN_AHEAD_DAYS = 365


@transaction.atomic
def plan_day(*, request_id: int, day, actor, by_requester: bool = False) -> HelpRequest:
    """Set (or, with day=None, clear) the day a request is planned for: a timeline row and an
    audit row. `by_requester`: the person who asked (no account) chooses, allowed only until
    a volunteer has it. Raises Refused, saying why, and changes nothing."""
    from tenants.requests.models import PLANNED

    request = HelpRequest.objects.select_for_update().get(pk=request_id)
    if request.status not in OPEN_TO_END:
        raise Refused(_("This request is closed: its day can no longer change."))
    if by_requester and request.status not in (S.NEW, S.OPEN):
        raise Refused(_("A volunteer is already on it. To change the day, please contact "
                        "the group."))
    if day == request.scheduled_for:
        return request
    if day is not None:
        reason = day_refusal(day, wanted_from=request.wanted_from,
                             wanted_until=request.wanted_until)
        if reason:
            raise Refused(reason)
    previous, request.scheduled_for = request.scheduled_for, day
    request.save(update_fields=["scheduled_for", "updated_at"])
    RequestEvent.objects.create(request=request, actor=actor, to_status=PLANNED, day=day)
    record(actor=actor, action="request.plan", target=request,
           data={"from": previous.isoformat() if previous else None,
                 "to": day.isoformat() if day else None,
                 "by": "requester" if by_requester else "staff"})
    return request


def day_refusal(day, *, wanted_from=None, wanted_until=None) -> str | None:
    """Why `day` cannot be a request's planned day (a kind sentence), or None. Forms that ask
    for a day check it with this too."""
    from datetime import timedelta

    from django.utils.formats import date_format

    from tenants.requests.planning import group_today

    today = group_today()
    if day < today:
        return _("That day has passed. Choose today or a later day.")
    if day > today + timedelta(days=PLAN_AHEAD_DAYS):
        return _("Choose a day within the next year.")
    if wanted_from and day < wanted_from:
        return _("That is before the first day help is wanted (%(day)s).") % {
            "day": date_format(wanted_from, "DATE_FORMAT")}
    if wanted_until and day > wanted_until:
        return _("That is after the last day help is wanted (%(day)s).") % {
            "day": date_format(wanted_until, "DATE_FORMAT")}
    return None
