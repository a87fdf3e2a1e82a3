"""Volunteer registration on the group's site."""

import pytest
from django.core.management import call_command
from django.db import connection

from core.geo.models import PostcodeCentroid
from core.tenancy.models import Group
from core.testing.people import PASSWORD
from tenants.requests.models import RequestType
from tenants.volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db


def in_group(slug, fn):
    connection.set_tenant(Group.objects.get(schema_name=slug))
    try:
        return fn()
    finally:
        connection.set_schema_to_public()


def join_data(**overrides):
    data = {
        "name": "Vera", "email": "vera@example.org", "password": PASSWORD,
        "request_types": in_group("alpha", lambda: [
            str(RequestType.objects.get(code=c).pk) for c in ("shopping", "dog_walking")]),
        "languages": "en, es", "postcode": "ZZ9 9ZZ", "radius_km": "2.5", "travel": "bike",
        "max_per_week": "4", "days": ["0", "5"],
    }
    data.update(overrides)
    return data


def test_joining_makes_an_applied_volunteer_located_at_their_postcode(client, alpha):
    call_command("load_postcodes", country="GB", sample=True, verbosity=0)
    known = PostcodeCentroid.objects.filter(country="GB").order_by("postcode").first()
    response = client.post("/volunteer/join/", join_data(postcode=known.postcode),
                           HTTP_HOST=alpha.host)
    assert response.status_code == 302 and response["Location"] == "/volunteer/welcome/"
    welcome = client.get("/volunteer/welcome/", HTTP_HOST=alpha.host)
    assert "coordinator will review" in welcome.content.decode()
    profile = in_group("alpha", lambda: VolunteerProfile.objects.select_related("user").get())
    assert (profile.status, profile.user.role, profile.languages) == ("applied", "volunteer",
                                                                      ["en", "es"])
    assert (profile.lat, profile.lng, profile.cell) == (known.lat, known.lng, known.h3_cell)
    assert in_group("alpha", lambda: sorted(profile.request_types.values_list("code", flat=True))
                    ) == ["dog_walking", "shopping"]


def test_an_unknown_postcode_still_registers_and_says_so(client, alpha):
    assert client.post("/volunteer/join/", join_data(), HTTP_HOST=alpha.host).status_code == 302
    welcome = client.get("/volunteer/welcome/", HTTP_HOST=alpha.host)
    assert "could not find your postcode" in welcome.content.decode()


BAD = [
    ("email taken", {"email": "coordinator@alpha.example.org"}, "email", "already has an account"),
    ("no help chosen", {"request_types": []}, "request_types", "required"),
    ("weak password", {"password": "password123"}, "password", "too common"),
    ("radius too big", {"radius_km": "500"}, "radius_km", "less than or equal to 100"),
    ("odd language", {"languages": "english!!"}, "languages", "short language codes"),
    ("no postcode", {"postcode": ""}, "postcode", "required"),
]


@pytest.mark.parametrize("case,overrides,field,message", BAD, ids=[b[0] for b in BAD])
def test_bad_registrations_are_refused_and_create_nothing(client, alpha, case, overrides, field,
                                                         message):
    response = client.post("/volunteer/join/", join_data(**overrides), HTTP_HOST=alpha.host)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in e for e in errors.get(field, [])), errors
    assert in_group("alpha", lambda: VolunteerProfile.objects.count()) == 0


def test_coordinators_approve_pause_and_resume_volunteers(client, alpha):
    client.post("/volunteer/join/", join_data(), HTTP_HOST=alpha.host)
    client.logout()
    client.post("/accounts/login/", {"login": alpha.coordinator_email, "password": PASSWORD},
                HTTP_HOST=alpha.host)
    profile_id = in_group("alpha", lambda: VolunteerProfile.objects.get().pk)
    roster = client.get("/volunteers/", HTTP_HOST=alpha.host).content.decode()
    assert "Vera" in roster and f"/volunteers/{profile_id}/approve/" in roster
    for move, status in (("approve", "active"), ("pause", "paused"), ("resume", "active")):
        client.post(f"/volunteers/{profile_id}/{move}/", HTTP_HOST=alpha.host)
        assert in_group("alpha", lambda: VolunteerProfile.objects.get().status) == status
    refused = client.post(f"/volunteers/{profile_id}/approve/", HTTP_HOST=alpha.host, follow=True)
    assert "that change is not possible" in refused.content.decode()
    assert client.post(f"/volunteers/{profile_id}/delete/",
                       HTTP_HOST=alpha.host).status_code == 404


def test_volunteers_cannot_manage_the_roster(client, alpha):
    client.post("/accounts/login/", {"login": alpha.volunteer_email, "password": PASSWORD},
                HTTP_HOST=alpha.host)
    assert client.get("/volunteers/", HTTP_HOST=alpha.host).status_code == 403
