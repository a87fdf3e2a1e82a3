"""A volunteer whose account came first (an accepted invitation) sets up their profile."""

import pytest
from django.db import connection

from core.accounts.models import User
from core.accounts.services import create_member
from core.audit.models import AuditEntry
from core.testing.people import PASSWORD
from tenants.volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(client, in_alpha):
    user = create_member(email="invited@example.org", name="Ivy", role=User.Role.VOLUNTEER,
                         password=PASSWORD)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD},
                HTTP_HOST=in_alpha.host)
    connection.set_tenant(connection.tenant)
    return user


def test_their_pages_send_them_to_set_it_up(client, in_alpha, invited):
    for path in ("/volunteer/nearby/", "/volunteer/tasks/"):
        response = client.get(path, HTTP_HOST=in_alpha.host)
        assert response.status_code == 302 and response["Location"] == "/volunteer/profile/"


def test_setting_it_up_makes_an_applied_profile(client, in_alpha, invited):
    bad = client.post("/volunteer/profile/", {"postcode": "", "radius_km": "500"},
                      HTTP_HOST=in_alpha.host)
    assert bad.status_code == 400 and not VolunteerProfile.objects.filter(user=invited).exists()
    from tenants.requests.models import RequestType

    shopping = RequestType.objects.get(code="shopping")
    done = client.post("/volunteer/profile/", {
        "request_types": [shopping.pk], "languages": "en, es", "postcode": "SW1A 1AA",
        "radius_km": "3", "travel": "walk", "max_per_week": "2", "days": ["0", "2"],
    }, HTTP_HOST=in_alpha.host)
    assert done.status_code == 302
    profile = VolunteerProfile.objects.get(user=invited)
    assert (profile.status, profile.languages, profile.max_per_week) == ("applied", ["en", "es"], 2)
    assert [w.weekday for w in profile.availability.order_by("weekday")] == [0, 2]
    assert AuditEntry.objects.filter(action="volunteer.complete_profile").exists()
    # Only once.
    again = client.get("/volunteer/profile/", HTTP_HOST=in_alpha.host)
    assert again.status_code == 302


def test_coordinators_have_no_volunteer_profile_page(client, in_alpha):
    client.post("/accounts/login/", {"login": in_alpha.coordinator_email, "password": PASSWORD},
                HTTP_HOST=in_alpha.host)
    assert client.get("/volunteer/profile/", HTTP_HOST=in_alpha.host).status_code == 404
