"""Volunteers claiming requests: each hard rule refuses kindly and changes nothing."""

import uuid
from datetime import time

import pytest

from core.accounts.models import User
from core.geo.cells import cell_for
from tenants.matching.services import claim_request, unclaim_request
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import TransitionRefused, advance, submit_request
from tenants.volunteers.models import VolunteerProfile
from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

pytestmark = pytest.mark.django_db
HOME = (51.5010, -0.1416)  # volunteer's home
NEAR = (51.5033, -0.1196)  # ~1.5 km away
FAR = (51.5200, -0.0300)  # ~8 km away


def volunteer(email="vera@example.org", *, types=("shopping",), radius=3.0, vetting=0,
              active=True, cap=3) -> VolunteerProfile:
    profile = register_volunteer(registration=Registration(
        name="Vera", email=email, password="plenty-of-tea-42", request_type_codes=list(types),
        radius_km=radius, max_per_week=cap, availability=[(0, time(9), time(17))],
        location=(*HOME, cell_for(*HOME)),
    ))
    VolunteerProfile.objects.filter(pk=profile.pk).update(vetting_level=vetting)
    if active:
        move_volunteer(profile_id=profile.pk, move="approve",
                       actor=User.objects.get(role="coordinator"))
    return VolunteerProfile.objects.get(pk=profile.pk)


def open_request(code="shopping", where=NEAR) -> HelpRequest:
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code=code), "description": "Help please",
                "person_name": "Rosa", "person_phone": "0", "lat": where[0], "lng": where[1],
                "cell": cell_for(*where)},
        submission_key=uuid.uuid4(), channel="phone",
    )
    return advance(request_id=request.pk, step="open", actor=None)


def test_an_eligible_volunteer_claims_and_can_give_it_back(in_alpha):
    vera = volunteer()
    request = open_request()
    claimed = claim_request(request_id=request.pk, volunteer_user=vera.user)
    assert (claimed.status, claimed.volunteer) == ("claimed", vera.user)
    back = unclaim_request(request_id=request.pk, volunteer_user=vera.user)
    assert (back.status, back.volunteer) == ("open", None)


REFUSALS = [
    ("childcare without enhanced vetting",
     dict(types=("childcare",), vetting=1), dict(code="childcare"), "needs a check"),
    ("outside their radius", dict(), dict(where=FAR), "further away"),
    ("type not on their list", dict(types=("dog_walking",)), dict(), "not on your list"),
    ("not approved yet", dict(active=False), dict(), "not active yet"),
]


@pytest.mark.parametrize("case,who,what,message", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_claims_that_break_a_rule_are_refused(in_alpha, case, who, what, message):
    vera = volunteer(**who)
    request = open_request(**what)
    with pytest.raises(TransitionRefused) as refused:
        claim_request(request_id=request.pk, volunteer_user=vera.user)
    assert message in str(refused.value.message)
    request.refresh_from_db()
    assert (request.status, request.volunteer) == ("open", None)
    assert request.events.filter(to_status="claimed").count() == 0


def test_remote_help_ignores_distance(in_alpha):
    vera = volunteer(types=("befriending",), vetting=1)
    request = open_request("befriending", where=FAR)
    assert claim_request(request_id=request.pk, volunteer_user=vera.user).status == "claimed"


def test_a_second_claim_is_refused_kindly(in_alpha):
    vera, other = volunteer(), volunteer("otto@example.org")
    request = open_request()
    claim_request(request_id=request.pk, volunteer_user=vera.user)
    with pytest.raises(TransitionRefused) as refused:
        claim_request(request_id=request.pk, volunteer_user=other.user)
    assert "Someone else has just taken this request" in str(refused.value.message)
    assert HelpRequest.objects.get(pk=request.pk).volunteer == vera.user


def test_the_weekly_cap_holds(in_alpha):
    vera = volunteer(cap=2)
    for _ in range(2):
        claim_request(request_id=open_request().pk, volunteer_user=vera.user)
    with pytest.raises(TransitionRefused) as refused:
        claim_request(request_id=open_request().pk, volunteer_user=vera.user)
    assert "limit of tasks" in str(refused.value.message)


def test_only_the_claimer_can_give_it_back(in_alpha):
    vera, other = volunteer(), volunteer("otto@example.org")
    request = open_request()
    claim_request(request_id=request.pk, volunteer_user=vera.user)
    with pytest.raises(TransitionRefused):
        unclaim_request(request_id=request.pk, volunteer_user=other.user)
    assert HelpRequest.objects.get(pk=request.pk).status == "claimed"
