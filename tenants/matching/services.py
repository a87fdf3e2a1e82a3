"""Volunteers taking requests: the life-cycle step, guarded by the hard rules."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.audit.services import record
from core.errors import Refused
from tenants.matching.eligibility import refusal
from tenants.matching.models import PrioritySettings
from tenants.matching.priority import MAX_WEIGHT
from tenants.requests.models import HelpRequest
from tenants.requests.services import TransitionRefused, advance
from tenants.safeguarding.services import expect_checkin
from tenants.volunteers.models import VolunteerProfile


@transaction.atomic
def claim_request(*, request_id: int, volunteer_user) -> HelpRequest:
    """A volunteer claims an open request. Raises TransitionRefused with a kind reason."""
    profile = VolunteerProfile.objects.select_for_update().get(user=volunteer_user)
    # Lock the request before judging it, so the rules see the state the claim will change.
    request = HelpRequest.objects.select_for_update().select_related("type").get(pk=request_id)
    reason = refusal(profile, request)
    if reason:
        raise TransitionRefused(reason)
    return advance(request_id=request.pk, step="claim", actor=volunteer_user,
                   volunteer=volunteer_user)


@transaction.atomic
def unclaim_request(*, request_id: int, volunteer_user) -> HelpRequest:
    request = HelpRequest.objects.select_for_update().get(pk=request_id)
    if request.volunteer_id != volunteer_user.pk:
        raise TransitionRefused(_("This request is not yours to give back."))
    return advance(request_id=request_id, step="unclaim", actor=volunteer_user)


@transaction.atomic
def start_task(*, request_id: int, volunteer_user, note: str = "") -> HelpRequest:
    """A volunteer starts a visit; a kind of help that needs a safe-and-well check-in gets
    one due (tenants.safeguarding), in the same transaction."""
    started = advance(request_id=request_id, step="start", actor=volunteer_user, note=note)
    expect_checkin(request=started, volunteer=volunteer_user)
    return started


@transaction.atomic
def open_request(*, request_id: int, actor) -> HelpRequest:
    """Open a request to volunteers and, once that is committed, tell the nearest ones."""
    opened = advance(request_id=request_id, step="open", actor=actor)
    transaction.on_commit(lambda: _notify(request_id), robust=True)
    return opened


def _notify(request_id: int) -> None:
    from tenants.matching.tasks import notify_ring

    notify_ring.delay(request_id, 0)


WEIGHT_FIELDS = ("urgency_weight", "waiting_weight", "deprivation_weight")


@transaction.atomic
def set_priority_weights(*, urgency: Decimal, waiting: Decimal, deprivation: Decimal,
                         actor) -> PrioritySettings:
    """An admin sets how much urgency, waiting time and the area's deprivation count in the
    queue's order and in auto-assign (tenants/matching/priority.py)."""
    if not getattr(actor, "is_group_admin", False):
        raise Refused(_("Only an admin can do that."))
    chosen = dict(zip(WEIGHT_FIELDS, (urgency, waiting, deprivation)))
    for value in chosen.values():
        if not isinstance(value, Decimal) or not value.is_finite() \
                or not 0 <= value <= MAX_WEIGHT or value != round(value, 2):
            raise Refused(_("Each weight is a number from 0 to %(most)s, with at most two "
                            "decimals.") % {"most": MAX_WEIGHT})
    row, _created = PrioritySettings.objects.select_for_update().get_or_create(pk=1)
    previous = {name: format(getattr(row, name), ".2f") for name in WEIGHT_FIELDS}
    for name, value in chosen.items():
        setattr(row, name, value)
    row.updated_by = actor
    row.save()
    record(actor=actor, action="matching.priority_weights", target=row,
           data={"from": previous, "to": {name: format(v, ".2f") for name, v in chosen.items()}})
    return row
