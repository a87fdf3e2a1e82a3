"""Volunteers find nearby requests, claim them, and see personal details only while live."""

import uuid
from datetime import time

import pytest

from core.accounts.models import User
from core.geo.cells import cell_for
from core.testing.people import PASSWORD
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import advance, submit_request
from tenants.volunteers.models import VolunteerProfile
from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

pytestmark = pytest.mark.django_db
HOME = (51.5010, -0.1416)
PLACES = {"near": (51.5033, -0.1196), "middle": (51.5200, -0.1000), "far": (51.5600, 0.0500)}


def make_volunteer(**overrides):
    values = dict(name="Vera", email="vera@example.org", password=PASSWORD,
                  request_type_codes=["shopping", "befriending", "childcare"], radius_km=4.0,
                  availability=[(0, time(9), time(17))], location=(*HOME, cell_for(*HOME)))
    values.update(overrides)
    profile = register_volunteer(registration=Registration(**values))
    VolunteerProfile.objects.filter(pk=profile.pk).update(vetting_level=1)
    move_volunteer(profile_id=profile.pk, move="approve",
                   actor=User.objects.get(role="coordinator"))
    return profile


def open_request(code="shopping", where="near", urgency=1, name="Rosa Secret"):
    lat, lng = PLACES[where]
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code=code), "description": f"{code} help",
                "person_name": name, "person_phone": "07700 900999", "address": "1 Hidden Road",
                "lat": lat, "lng": lng, "cell": cell_for(lat, lng), "urgency": urgency},
        submission_key=uuid.uuid4(), channel="phone")
    return advance(request_id=request.pk, step="open", actor=None)


@pytest.fixture
def vera_client(client, in_alpha):
    make_volunteer()
    client.post("/accounts/login/", {"login": "vera@example.org", "password": PASSWORD},
                HTTP_HOST=in_alpha.host)
    return client


def test_nearby_lists_what_the_volunteer_may_do_within_their_radius(vera_client, in_alpha):
    near = open_request(where="near")
    middle = open_request(where="middle", urgency=3)
    open_request(where="far")  # outside 4 km
    open_request(code="childcare")  # needs enhanced vetting; Vera has basic
    open_request(code="dog_walking")  # not on Vera's list
    remote = open_request(code="befriending", where="far")  # remote: distance does not matter
    response = vera_client.get("/volunteer/nearby/", HTTP_HOST=in_alpha.host)
    rows = response.context["rows"]
    assert [r.id for r in rows] == [remote.pk, near.pk, middle.pk]
    assert [r.km for r in rows] == [None, 2.0, 4.0]  # rounded up to the half km
    urgent_first = vera_client.get("/volunteer/nearby/?order=urgency", HTTP_HOST=in_alpha.host)
    assert urgent_first.context["rows"][0].id == middle.pk
    within_2 = vera_client.get("/volunteer/nearby/?km=2", HTTP_HOST=in_alpha.host)
    assert [r.id for r in within_2.context["rows"]] == [remote.pk, near.pk]


def test_nearby_never_shows_who_or_exactly_where(vera_client, in_alpha):
    request = open_request()
    body = vera_client.get("/volunteer/nearby/", HTTP_HOST=in_alpha.host).content.decode()
    assert f'data-request="{request.pk}"' in body
    for secret in ("Rosa Secret", "07700 900999", "1 Hidden Road", str(request.lat)[:7],
                   request.cell):
        assert secret not in body


def test_details_appear_on_claim_and_go_when_done(vera_client, in_alpha):
    request = open_request()
    response = vera_client.post(f"/volunteer/requests/{request.pk}/claim/",
                                HTTP_HOST=in_alpha.host)
    assert response["Location"] == "/volunteer/tasks/"
    tasks = vera_client.get("/volunteer/tasks/", HTTP_HOST=in_alpha.host).content.decode()
    assert "Rosa Secret" in tasks and "07700 900999" in tasks and "1 Hidden Road" in tasks
    vera_client.post(f"/volunteer/tasks/{request.pk}/complete/", {"note": "All good"},
                     HTTP_HOST=in_alpha.host)
    assert HelpRequest.objects.get(pk=request.pk).status == "done"
    tasks = vera_client.get("/volunteer/tasks/", HTTP_HOST=in_alpha.host).content.decode()
    assert "Rosa Secret" not in tasks


def test_a_taken_request_is_refused_kindly_in_the_page(vera_client, in_alpha):
    request = open_request()
    advance(request_id=request.pk, step="assign", actor=None,
            volunteer=User.objects.get(role="coordinator"))
    response = vera_client.post(f"/volunteer/requests/{request.pk}/claim/", follow=True,
                                HTTP_HOST=in_alpha.host)
    assert "Someone else has just taken this request" in response.content.decode()


def test_someone_elses_task_cannot_be_touched(vera_client, in_alpha):
    request = open_request()
    other = User.objects.get(email="volunteer@alpha.example.org")
    advance(request_id=request.pk, step="assign", actor=None, volunteer=other)
    for step in ("start", "complete", "unclaim"):
        response = vera_client.post(f"/volunteer/tasks/{request.pk}/{step}/",
                                    HTTP_HOST=in_alpha.host)
        assert response.status_code == 403
    assert HelpRequest.objects.get(pk=request.pk).status == "assigned"


def test_people_without_a_volunteer_profile_are_turned_away(client, in_alpha):
    client.post("/accounts/login/", {"login": in_alpha.admin_email, "password": PASSWORD},
                HTTP_HOST=in_alpha.host)
    assert client.get("/volunteer/nearby/", HTTP_HOST=in_alpha.host).status_code == 403


def test_the_map_draws_areas_that_contain_the_request_but_are_not_it(vera_client, in_alpha):
    import json
    import re

    import h3

    request = open_request()
    body = vera_client.get("/volunteer/nearby/", HTTP_HOST=in_alpha.host).content.decode()
    data = json.loads(re.search(r'id="nearby-map-data"[^>]*>(.*?)</script>', body, re.S)[1])
    [area] = data["areas"]
    assert area["id"] == request.pk and len(area["outline"]) == 6
    assert [request.lat, request.lng] not in area["outline"]
    # Alone in its part of town (with Vera), the request is blurred to the coarsest area.
    cell = h3.latlng_to_cell(request.lat, request.lng, 4)
    assert [list(p) for p in h3.cell_to_boundary(cell)] == area["outline"]
    assert 'src="/static/leaflet/leaflet.js"' in body


def test_areas_shrink_where_k_requests_or_homes_share_them(vera_client, in_alpha):
    import h3
    from django.core.cache import cache

    request = open_request()
    for _ in range(4):  # five requests in one cell: k is met
        open_request(code="dog_walking")
    cache.clear()
    [row] = vera_client.get("/volunteer/nearby/", HTTP_HOST=in_alpha.host).context["rows"]
    assert row.area == h3.latlng_to_cell(request.lat, request.lng, 7)


def test_a_long_list_comes_a_page_at_a_time(vera_client, in_alpha, monkeypatch):
    from tenants.matching import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = [open_request(code="befriending", where="far") for _ in range(3)]
    first = vera_client.get("/volunteer/nearby/", HTTP_HOST=in_alpha.host)
    assert [r.id for r in first.context["rows"]] == [r.pk for r in made[:2]]
    assert first.context["more_url"] == "?pages=2"
    second = vera_client.get("/volunteer/nearby/?pages=2", HTTP_HOST=in_alpha.host)
    assert [r.id for r in second.context["rows"]] == [r.pk for r in made]
    assert second.context["more_url"] == ""
    assert vera_client.get("/volunteer/nearby/?pages=-4", HTTP_HOST=in_alpha.host
                           ).status_code == 200
