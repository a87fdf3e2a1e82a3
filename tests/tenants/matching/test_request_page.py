"""A coordinator's page for one request: details, timeline, fixing the location, closing;
and the audit row every change leaves."""

import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from core.audit.models import AuditEntry
from core.audit.selectors import entries_for
from core.geo.models import PostcodeCentroid
from core.testing.people import PASSWORD
from core.tenancy.models import Group
from tenants.requests.models import HelpRequest, LocationStatus, RequestType
from tenants.requests.services import submit_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost_request(in_alpha):
    """A phoned-in request whose postcode could not be found."""
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code="shopping"), "description": "Milk, bread",
                "person_name": "Rosa", "person_phone": "07700 900111", "postcode": "ZZ9 9ZZ",
                "location_status": LocationStatus.UNKNOWN},
        submission_key=uuid.uuid4(), channel="phone")
    return request


def login(client, group, email):
    client.post("/accounts/login/", {"login": email, "password": PASSWORD}, HTTP_HOST=group.host)
    connection.set_tenant(Group.objects.get(schema_name=group.slug))
    return client


def test_coordinators_see_the_request_and_its_timeline(client, in_alpha, lost_request):
    login(client, in_alpha, in_alpha.coordinator_email)
    page = client.get(f"/dispatch/{lost_request.pk}/", HTTP_HOST=in_alpha.host)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Milk, bread" in html and "07700 900111" in html
    assert "Location unknown: a coordinator will set it" in html
    assert '<ol class="timeline">' in html and "<strong>New</strong>" in html


def test_the_page_is_in_spanish_for_spanish_speakers(client, in_alpha, lost_request):
    from core.tenancy import routing

    Group.objects.filter(schema_name="alpha").update(enabled_languages=["en", "es"])
    routing.forget(in_alpha.host)
    login(client, in_alpha, in_alpha.coordinator_email)
    page = client.get(f"/dispatch/{lost_request.pk}/", HTTP_HOST=in_alpha.host,
                      HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Historial" in page and "<strong>Nueva</strong>" in page


def test_volunteers_cannot_open_it(client, in_alpha, lost_request):
    login(client, in_alpha, in_alpha.volunteer_email)
    assert client.get(f"/dispatch/{lost_request.pk}/", HTTP_HOST=in_alpha.host).status_code == 403


def test_a_coordinator_fixes_the_location(client, in_alpha, lost_request):
    call_command("load_postcodes", country="GB", sample=True, verbosity=0)
    known = PostcodeCentroid.objects.filter(country="GB").order_by("postcode").first()
    login(client, in_alpha, in_alpha.coordinator_email)
    response = client.post(f"/dispatch/{lost_request.pk}/location/",
                           {"where-postcode": known.postcode}, HTTP_HOST=in_alpha.host)
    assert response.status_code == 302
    lost_request.refresh_from_db()
    assert lost_request.location_status == LocationStatus.LOCATED
    assert (lost_request.lat, lost_request.lng, lost_request.postcode) == (
        known.lat, known.lng, known.postcode)
    assert lost_request.area_cell
    located = entries_for(lost_request).get(action="request.locate")
    assert located.actor_label == in_alpha.coordinator_email and located.data["located"]


@pytest.mark.parametrize("posted", [{"where-postcode": "XX1 1XX"}, {"where-postcode": ""},
                                    {"where-postcode": "A" * 17}])
def test_a_location_that_cannot_be_found_changes_nothing(client, in_alpha, lost_request, posted):
    login(client, in_alpha, in_alpha.coordinator_email)
    before = HelpRequest.objects.values().get(pk=lost_request.pk)
    audit_before = AuditEntry.objects.exclude(action="reveal").count()
    response = client.post(f"/dispatch/{lost_request.pk}/location/", posted,
                           HTTP_HOST=in_alpha.host)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode() or "error" in response.content.decode()
    assert HelpRequest.objects.values().get(pk=lost_request.pk) == before
    assert AuditEntry.objects.exclude(action="reveal").count() == audit_before


def test_closing_a_request_records_why(client, in_alpha, lost_request):
    login(client, in_alpha, in_alpha.coordinator_email)
    client.post(f"/dispatch/{lost_request.pk}/close/could_not_help/",
                {"close-note": "No volunteer speaks Tigrinya"}, HTTP_HOST=in_alpha.host)
    lost_request.refresh_from_db()
    assert lost_request.status == HelpRequest.Status.COULD_NOT_HELP
    assert lost_request.events.last().note == "No volunteer speaks Tigrinya"
    again = client.post(f"/dispatch/{lost_request.pk}/close/cancel/", {},
                        HTTP_HOST=in_alpha.host, follow=True)
    assert "already closed" in again.content.decode()
    lost_request.refresh_from_db()
    assert lost_request.status == HelpRequest.Status.COULD_NOT_HELP
    assert client.post(f"/dispatch/{lost_request.pk}/close/delete/", {},
                       HTTP_HOST=in_alpha.host).status_code == 404


def test_every_change_leaves_an_audit_row_naming_who(in_alpha, lost_request):
    from core.accounts.models import User
    from tenants.requests.services import advance

    coordinator = User.objects.get(email=in_alpha.coordinator_email)
    advance(request_id=lost_request.pk, step="open", actor=coordinator)
    advance(request_id=lost_request.pk, step="cancel", actor=coordinator, note="Sorted")
    rows = list(entries_for(lost_request).order_by("pk").values_list("action", "actor_label"))
    assert rows == [("request.submit", "system"),
                    ("request.open", in_alpha.coordinator_email),
                    ("request.cancel", in_alpha.coordinator_email)]


def test_admins_can_assign_without_the_check_from_the_page_with_a_reason(client, in_alpha):
    from datetime import time

    from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

    profile = register_volunteer(registration=Registration(
        name="Gran Ma", email="gran@example.org", password=PASSWORD,
        request_type_codes=["childcare"], availability=[(0, time(9), time(17))]))
    move_volunteer(profile_id=profile.pk, move="approve", actor=None)
    childcare, _ = submit_request(
        fields={"type": RequestType.objects.get(code="childcare"), "description": "School run",
                "person_name": "Ola", "person_phone": "1"},
        submission_key=uuid.uuid4(), channel="phone")
    login(client, in_alpha, in_alpha.coordinator_email)
    page = client.get(f"/dispatch/{childcare.pk}/", HTTP_HOST=in_alpha.host)
    assert "Assign anyway" not in page.content.decode()  # coordinators: no override
    client.logout()
    login(client, in_alpha, in_alpha.admin_email)
    page = client.get(f"/dispatch/{childcare.pk}/", HTTP_HOST=in_alpha.host).content.decode()
    assert "Assign anyway" in page and "Gran Ma" in page
    without = client.post(f"/dispatch/{childcare.pk}/assign/",
                          {"volunteer": profile.user_id, "back": "request"},
                          HTTP_HOST=in_alpha.host, follow=True)
    assert "needs a check" in without.content.decode()
    assert HelpRequest.objects.get(pk=childcare.pk).volunteer_id is None
    client.post(f"/dispatch/{childcare.pk}/assign/",
                {"volunteer": profile.user_id, "back": "request",
                 "override_reason": "Their grandmother, known to us"}, HTTP_HOST=in_alpha.host)
    assigned = HelpRequest.objects.get(pk=childcare.pk)
    assert (assigned.status, assigned.volunteer_id) == ("assigned", profile.user_id)
    assert AuditEntry.objects.get(action="vetting.override").reason == \
        "Their grandmother, known to us"
