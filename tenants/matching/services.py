"""Volunteers taking requests: the life-cycle step, guarded by the hard rules."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tenants.matching.eligibility import refusal
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
