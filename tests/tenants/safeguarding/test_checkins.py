"""Safe-and-well check-ins: due when a volunteer starts a visit of a kind that needs one,
confirmed from the tasks page, and a missed one alerts the coordinators and admins once."""

import uuid
from datetime import time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.geo.cells import cell_for
from core.testing.people import PASSWORD
from tenants.matching.services import claim_request
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import advance, submit_request
from tenants.safeguarding import services
from tenants.safeguarding.models import CheckIn
from tenants.safeguarding.tasks import alert_missed_checkins
from tenants.volunteers.models import VolunteerProfile
from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

HOME = (51.5010, -0.1416)
NEAR = (51.5033, -0.1196)


def make_volunteer(email="vera@example.org", name="Vera Visitor"):
    profile = register_volunteer(registration=Registration(
        name=name, email=email, password=PASSWORD,
        request_type_codes=["shopping", "dog_walking"], radius_km=4.0,
        availability=[(0, time(9), time(17))], location=(*HOME, cell_for(*HOME))))
    move_volunteer(profile_id=profile.pk, move="approve",
                   actor=User.objects.get(role="coordinator"))
    return VolunteerProfile.objects.get(pk=profile.pk).user


def claimed(user, code="shopping") -> HelpRequest:
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code=code), "description": "help",
                "person_name": "Rosa", "lat": NEAR[0], "lng": NEAR[1], "cell": cell_for(*NEAR)},
        submission_key=uuid.uuid4(), channel="phone")
    advance(request_id=request.pk, step="open", actor=None)
    return claim_request(request_id=request.pk, volunteer_user=user)


def log_in(client, host, email):
    assert client.post("/accounts/login/", {"login": email, "password": PASSWORD},
                       HTTP_HOST=host).status_code == 302
    return client


@pytest.fixture
def vera(in_alpha):
    RequestType.objects.filter(code="shopping").update(checkin_required=True)
    return make_volunteer()


@pytest.mark.django_db
def test_starting_a_visit_that_needs_it_makes_a_check_in_due(client, vera, in_alpha):
    visit, walk = claimed(vera), claimed(vera, code="dog_walking")
    log_in(client, in_alpha.host, vera.email)
    for request in (visit, walk):
        response = client.post(f"/volunteer/tasks/{request.pk}/start/", HTTP_HOST=in_alpha.host)
        assert response.status_code == 302
        assert HelpRequest.objects.get(pk=request.pk).status == "in_progress"
    checkin = CheckIn.objects.get()  # dog walking needs none
    assert (checkin.request, checkin.volunteer, checkin.confirmed_at) == (visit, vera, None)
    assert checkin.due_at - checkin.started_at == timedelta(hours=2)  # the default
    assert AuditEntry.objects.get(action="safeguarding.checkin_due").target_id == str(checkin.pk)
    page = client.get("/volunteer/tasks/", HTTP_HOST=in_alpha.host).content.decode()
    assert f'data-checkin="{checkin.pk}"' in page and "I am safe and well" in page
    assert f"/safeguarding/?request={visit.pk}" in page  # raise a concern about this visit


@pytest.mark.django_db
def test_the_group_sets_how_long_until_it_is_due(client, vera, in_alpha):
    log_in(client, in_alpha.host, in_alpha.admin_email)
    assert client.post("/safeguarding/leads/check-in-time/", {"minutes": "45"},
                       HTTP_HOST=in_alpha.host).status_code == 302
    assert client.post("/safeguarding/leads/check-in-time/", {"minutes": "5"},
                       HTTP_HOST=in_alpha.host).status_code == 400  # under 15 minutes
    started = services.expect_checkin(request=claimed(vera), volunteer=vera)
    assert started.due_at - started.started_at == timedelta(minutes=45)
    # Only an admin sets it.
    client.logout()
    log_in(client, in_alpha.host, in_alpha.coordinator_email)
    assert client.post("/safeguarding/leads/check-in-time/", {"minutes": "60"},
                       HTTP_HOST=in_alpha.host).status_code == 403


@pytest.mark.django_db
def test_the_volunteer_confirms_and_the_button_goes(client, vera, in_alpha):
    checkin = services.expect_checkin(request=claimed(vera), volunteer=vera)
    log_in(client, in_alpha.host, vera.email)
    response = client.post(f"/safeguarding/check-ins/{checkin.pk}/safe/", HTTP_HOST=in_alpha.host)
    assert response["Location"] == "/volunteer/tasks/"
    checkin.refresh_from_db()
    assert checkin.confirmed_at is not None
    page = client.get("/volunteer/tasks/", HTTP_HOST=in_alpha.host).content.decode()
    assert "I am safe and well" not in page
    # Confirmed is confirmed: nothing to alert, and a second click changes nothing.
    client.post(f"/safeguarding/check-ins/{checkin.pk}/safe/", HTTP_HOST=in_alpha.host)
    assert AuditEntry.objects.filter(action="safeguarding.checkin_confirm").count() == 1
    CheckIn.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    assert services.alert_missed_checkins() == 0


@pytest.mark.django_db
def test_someone_elses_check_in_cannot_be_confirmed(client, vera, in_alpha):
    checkin = services.expect_checkin(request=claimed(vera), volunteer=vera)
    make_volunteer("other@example.org", "Otto")
    for email in ("other@example.org", in_alpha.coordinator_email):
        client.logout()
        log_in(client, in_alpha.host, email)
        response = client.post(f"/safeguarding/check-ins/{checkin.pk}/safe/",
                               HTTP_HOST=in_alpha.host)
        assert response.status_code == 404
    assert CheckIn.objects.get().confirmed_at is None
    assert not AuditEntry.objects.filter(action="safeguarding.checkin_confirm").exists()


@pytest.mark.django_db
def test_a_missed_check_in_alerts_coordinators_and_admins_once(
        vera, in_alpha, django_capture_on_commit_callbacks):
    request = claimed(vera)
    checkin = services.expect_checkin(request=request, volunteer=vera)
    with django_capture_on_commit_callbacks(execute=True):
        assert alert_missed_checkins.apply_async(group=in_alpha.slug).get() == 0  # not due
    CheckIn.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    for _ in range(2):  # the sweep runs every few minutes: the second finds nothing new
        with django_capture_on_commit_callbacks(execute=True):
            alert_missed_checkins.apply_async(group=in_alpha.slug).get()
    staff = sorted(User.objects.filter(role__in=["admin", "coordinator"])
                   .values_list("email", flat=True))
    assert sorted(m.to[0] for m in mail.outbox) == staff
    assert all("Vera Visitor" in m.body and f"/dispatch/{request.pk}/" in m.body
               and "Rosa" not in m.body for m in mail.outbox)
    assert vera.email not in [m.to[0] for m in mail.outbox]
    audit = AuditEntry.objects.get(action="safeguarding.checkin_missed")
    assert (audit.target_id, audit.actor_label) == (str(checkin.pk), "system")
    assert CheckIn.objects.get().alerted_at is not None
    # Confirming late sends the all-clear to the same people.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_checkin(checkin_id=checkin.pk, actor=vera)
    assert sorted(m.to[0] for m in mail.outbox) == staff
    assert "safe and well" in mail.outbox[0].subject


@pytest.mark.committed
def test_the_sweep_runs_on_a_real_worker(celery_worker):
    from core.tenancy.models import Group
    from core.tenancy.tasks import fan_out
    from core.testing.people import make_session_group
    from django.conf import settings
    from tenants.matching.services import start_task

    make_session_group("gamma")  # committed, dropped after the test
    connection.set_tenant(Group.objects.get(schema_name="gamma"))
    try:
        RequestType.objects.filter(code="shopping").update(checkin_required=True)
        volunteer = User.objects.get(role="volunteer")
        request, _ = submit_request(
            fields={"type": RequestType.objects.get(code="shopping"), "description": "help",
                    "person_name": "Rosa"}, submission_key=uuid.uuid4(), channel="phone")
        advance(request_id=request.pk, step="assign", actor=None, volunteer=volunteer)
        start_task(request_id=request.pk, volunteer_user=volunteer)
        CheckIn.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    finally:
        connection.set_schema_to_public()
    [task_id] = fan_out(alert_missed_checkins, groups=["gamma"])
    assert celery_worker.AsyncResult(task_id).get(timeout=30) == 1
    connection.set_tenant(Group.objects.get(schema_name="gamma"))
    try:
        assert CheckIn.objects.get().alerted_at is not None
        assert AuditEntry.objects.filter(action="safeguarding.checkin_missed").count() == 1
    finally:
        connection.set_schema_to_public()
    # Beat sends the fleet-wide dispatcher, naming this task.
    entry = settings.CELERY_BEAT_SCHEDULE["safeguarding-missed-checkins"]
    assert entry["task"] == "tenancy.dispatch_to_groups"
    assert entry["args"] == ["safeguarding.alert_missed_checkins"]
    assert "safeguarding.alert_missed_checkins" in celery_worker.tasks
