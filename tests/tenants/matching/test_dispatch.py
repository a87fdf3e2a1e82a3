"""Coordinators: the queue, suggestions with reasons, assigning by hand, auto-assign."""

import uuid
from datetime import time

import pytest
from django.core import mail

from core.accounts.models import User
from core.geo.cells import cell_for, distance_km
from core.testing.people import PASSWORD
from tenants.matching import dispatch
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import advance, submit_request
from tenants.volunteers.models import VolunteerProfile
from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

pytestmark = pytest.mark.django_db
SPOTS = {"a": (51.5010, -0.1416), "b": (51.5033, -0.1196), "c": (51.5200, -0.1000),
         "far": (51.6500, 0.1500)}


def volunteer(email, spot, *, types=("shopping",), vetting=0, cap=3, radius=4.0, lang="en"):
    lat, lng = SPOTS[spot]
    profile = register_volunteer(registration=Registration(
        name=email.split("@")[0].title(), email=email, password=PASSWORD,
        request_type_codes=list(types), radius_km=radius, max_per_week=cap, languages=[lang],
        availability=[(d, time(9), time(17)) for d in range(7)],
        location=(lat, lng, cell_for(lat, lng))))
    VolunteerProfile.objects.filter(pk=profile.pk).update(vetting_level=vetting)
    User.objects.filter(pk=profile.user_id).update(preferred_language=lang)
    move_volunteer(profile_id=profile.pk, move="approve",
                   actor=User.objects.get(role="coordinator"))
    return VolunteerProfile.objects.select_related("user").get(pk=profile.pk)


def request_at(spot, code="shopping", urgency=1):
    lat, lng = SPOTS[spot]
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code=code), "description": "help",
                "person_name": "Rosa", "person_phone": "1", "lat": lat, "lng": lng,
                "cell": cell_for(lat, lng), "urgency": urgency},
        submission_key=uuid.uuid4(), channel="phone")
    return advance(request_id=request.pk, step="open", actor=None)


def test_the_queue_puts_urgent_then_old_first(in_alpha):
    old, urgent, newer = request_at("a"), request_at("b", urgency=3), request_at("c")
    assert [r.pk for r in dispatch.queue()] == [urgent.pk, old.pk, newer.pk]


def test_suggestions_rank_eligible_volunteers_with_reasons(in_alpha):
    near = volunteer("near@example.org", "b", lang="es")
    volunteer("middle@example.org", "c")
    volunteer("far@example.org", "far")  # out of radius
    volunteer("dogs@example.org", "b", types=("dog_walking",))  # wrong type
    request = request_at("a")
    HelpRequest.objects.filter(pk=request.pk).update(language="es")
    request.refresh_from_db()
    found = dispatch.suggestions(request)
    assert [s.profile.user.email for s in found] == ["near@example.org", "middle@example.org"]
    expected_km = distance_km(SPOTS["a"], SPOTS["b"])
    assert found[0].reasons == [f"{expected_km:.1f} km away", "speaks es",
                                "0 of 3 tasks this week"]
    assert near.user == found[0].profile.user


def test_assigning_by_hand_emails_the_volunteer_in_their_language(
        in_alpha, django_capture_on_commit_callbacks):
    vera = volunteer("vera@example.org", "b", lang="es")
    request = request_at("a")
    coordinator = User.objects.get(role="coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.assign(request_id=request.pk, user_id=vera.user_id, actor=coordinator)
    request.refresh_from_db()
    assert (request.status, request.volunteer_id) == ("assigned", vera.user_id)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["vera@example.org"]
    assert "una solicitud para ti" in mail.outbox[0].subject


def test_assigning_someone_who_breaks_a_rule_is_refused(in_alpha):
    from tenants.requests.services import TransitionRefused

    basic = volunteer("basic@example.org", "b", types=("childcare",), vetting=1)
    request = request_at("a", code="childcare")
    with pytest.raises(TransitionRefused):
        dispatch.assign(request_id=request.pk, user_id=basic.user_id,
                        actor=User.objects.get(role="coordinator"))
    assert HelpRequest.objects.get(pk=request.pk).status == "open"


def test_auto_assign_previews_then_confirms_within_every_rule(client, in_alpha):
    one = volunteer("one@example.org", "a", cap=1)
    two = volunteer("two@example.org", "c", types=("shopping", "childcare"), vetting=2)
    r1, r2, r3 = request_at("b"), request_at("b", code="childcare"), request_at("far")
    client.post("/accounts/login/", {"login": in_alpha.coordinator_email, "password": PASSWORD},
                HTTP_HOST=in_alpha.host)
    preview = client.get("/dispatch/auto/", HTTP_HOST=in_alpha.host)
    planned = {req.pk: person.email for req, person, _km in preview.context["pairs"]}
    assert planned == {r1.pk: one.user.email, r2.pk: two.user.email}
    assert [(req.pk, str(why)) for req, why in preview.context["unassigned"]] == [
        (r3.pk, "too far from every volunteer")]
    assert HelpRequest.objects.filter(status="assigned").count() == 0  # only a preview
    client.post("/dispatch/auto/", {"plan": preview.context["plan_id"]}, HTTP_HOST=in_alpha.host)
    assigned = dict(HelpRequest.objects.filter(status="assigned")
                    .values_list("pk", "volunteer__email"))
    assert assigned == planned


def test_dispatch_is_for_coordinators_only(client, in_alpha):
    client.post("/accounts/login/", {"login": in_alpha.volunteer_email, "password": PASSWORD},
                HTTP_HOST=in_alpha.host)
    for path in ("/dispatch/", "/dispatch/auto/"):
        assert client.get(path, HTTP_HOST=in_alpha.host).status_code == 403


def test_coordinators_log_requests_from_other_channels(client, in_alpha):
    client.post("/accounts/login/", {"login": in_alpha.coordinator_email, "password": PASSWORD},
                HTTP_HOST=in_alpha.host)
    data = {"channel": "phone", "type": str(RequestType.objects.get(code="transport").pk),
            "description": "Lift to the hospital on Monday", "person_name": "Eli",
            "person_phone": "020 7946 0000", "urgency": "2", "recurrence": "once",
            "submission_key": str(uuid.uuid4())}
    response = client.post("/dispatch/new/", data, HTTP_HOST=in_alpha.host)
    assert response.status_code == 302
    request = HelpRequest.objects.get(description="Lift to the hospital on Monday")
    coordinator = User.objects.get(email=in_alpha.coordinator_email)
    assert (request.channel, request.status, request.logged_by) == ("phone", "open", coordinator)
    assert list(request.events.values_list("to_status", "actor")) == [
        ("new", coordinator.pk), ("open", coordinator.pk)]
    assert client.post("/dispatch/new/", data | {"channel": "web"},
                       HTTP_HOST=in_alpha.host).status_code == 400  # not a back-office channel


def test_opening_a_request_tells_the_nearest_ring_then_the_next(
        in_alpha, settings, django_capture_on_commit_callbacks):
    from tenants.matching.services import open_request
    from tenants.matching.tasks import notify_ring

    settings.NOTIFY_RING_SIZE = 1
    volunteer("first@example.org", "b", lang="es")
    volunteer("second@example.org", "c")
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code="shopping"), "description": "help",
                "person_name": "Rosa", "person_phone": "1", "lat": SPOTS["a"][0],
                "lng": SPOTS["a"][1], "cell": cell_for(*SPOTS["a"])},
        submission_key=uuid.uuid4(), channel="phone")
    with django_capture_on_commit_callbacks(execute=True):
        open_request(request_id=request.pk, actor=User.objects.get(role="coordinator"))
    assert [m.to for m in mail.outbox] == [["first@example.org"]]
    assert "alguien cerca de ti necesita ayuda" in mail.outbox[0].subject
    # Nobody claimed it within the ring's wait: the worker runs the next ring.
    assert notify_ring.apply_async((request.pk, 1), group="alpha").get() == 1
    assert mail.outbox[-1].to == ["second@example.org"]
    # Once it is taken, later rings stop.
    advance(request_id=request.pk, step="claim", actor=None,
            volunteer=User.objects.get(email="first@example.org"))
    assert notify_ring.apply_async((request.pk, 2), group="alpha").get() == 0


def test_a_plan_still_being_computed_shows_its_progress(client, in_alpha):
    from tenants.matching import plans

    client.post("/accounts/login/", {"login": in_alpha.coordinator_email, "password": PASSWORD},
                HTTP_HOST=in_alpha.host)
    plan_id = uuid.uuid4().hex
    plans.save(plan_id, {"state": plans.SOLVING})
    page = client.get(f"/dispatch/auto/?plan={plan_id}", HTTP_HOST=in_alpha.host)
    assert "Finding the best assignment" in page.content.decode()
    assert 'http-equiv="refresh"' in page.content.decode()
    # Confirming a plan that is not finished (or forged) assigns nothing.
    client.post("/dispatch/auto/", {"plan": plan_id}, HTTP_HOST=in_alpha.host)
    client.post("/dispatch/auto/", {"plan": "not-a-plan"}, HTTP_HOST=in_alpha.host)
    assert HelpRequest.objects.filter(status="assigned").count() == 0


def test_a_volunteer_whose_home_is_unknown_comes_after_those_with_a_distance(in_alpha):
    far = volunteer("far-ish@example.org", "c")
    nowhere = volunteer("nowhere@example.org", "b")
    VolunteerProfile.objects.filter(pk=nowhere.pk).update(lat=None, lng=None, area_cell="")
    found = dispatch.suggestions(request_at("a"))
    assert [s.profile.pk for s in found] == [far.pk, nowhere.pk]
    assert found[1].km is None and found[1].reasons[0] == "distance unknown"
