"""Retention: personal data erased on the group's schedule, anonymous counts kept."""

import uuid
from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.testing.people import PASSWORD
from tenants.records.services import apply_retention, set_retention
from tenants.requests.models import HelpRequest, RequestEvent, RequestType
from tenants.requests.services import advance, submit_request
from tenants.volunteers.models import AvailabilityWindow, VolunteerProfile
from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

pytestmark = pytest.mark.django_db


def closed_request(days_ago, step="complete", note="Rosa at no. 4 was fine"):
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code="shopping"), "description": "Milk for Rosa",
                "person_name": "Rosa", "person_phone": "07700 900111", "address": "4 Elm Row",
                "postcode": "SW1A 1AA", "keysafe_code": "1234", "lat": 51.5, "lng": -0.12},
        submission_key=uuid.uuid4(), channel="phone")
    advance(request_id=request.pk, step="open", actor=None)
    advance(request_id=request.pk, step="cancel" if step == "cancel" else "assign", actor=None)
    if step != "cancel":
        advance(request_id=request.pk, step="complete", actor=None, note=note)
    HelpRequest.objects.filter(pk=request.pk).update(
        updated_at=timezone.now() - timedelta(days=days_ago))
    return request.pk


def former_volunteer(email, days_ago):
    profile = register_volunteer(registration=Registration(
        name="Vic Tor", email=email, password=PASSWORD, request_type_codes=["shopping"],
        postcode="SW1A 1AA", availability=[(0, time(9), time(17))], location=(51.5, -0.12, "")))
    move_volunteer(profile_id=profile.pk, move="approve", actor=None)
    move_volunteer(profile_id=profile.pk, move="leave", actor=None)
    VolunteerProfile.objects.filter(pk=profile.pk).update(
        status_changed_at=timezone.now() - timedelta(days=days_ago))
    return profile.pk


def test_due_requests_lose_their_personal_data_and_keep_their_shape(in_alpha):
    due, recent = closed_request(31), closed_request(29)
    counted = HelpRequest.objects.filter(status="done").count()
    run = apply_retention()
    assert run.requests == 1
    erased = HelpRequest.objects.get(pk=due)
    assert (erased.person_name, erased.person_phone, erased.address, erased.postcode,
            erased.keysafe_code, erased.description, erased.lat) == ("", "", "", "", "", "", None)
    assert erased.erased_at is not None
    assert (erased.type.code, erased.status, erased.area_cell) == ("shopping", "done",
                                                                   erased.area_cell)
    assert not RequestEvent.objects.filter(request_id=due).exclude(note="").exists()
    assert HelpRequest.objects.get(pk=recent).person_name == "Rosa"  # not due yet
    assert HelpRequest.objects.filter(status="done").count() == counted  # counts stay
    row = AuditEntry.objects.get(action="retention.requests")
    assert row.target_id == str(due) and row.actor_label == "system"
    assert apply_retention().requests == 0  # nothing twice


def test_live_requests_are_never_erased_however_old(in_alpha):
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code="shopping"), "description": "x",
                "person_name": "Old but open", "person_phone": "1"},
        submission_key=uuid.uuid4(), channel="phone")
    HelpRequest.objects.filter(pk=request.pk).update(
        updated_at=timezone.now() - timedelta(days=900))
    apply_retention()
    assert HelpRequest.objects.get(pk=request.pk).person_name == "Old but open"


def test_former_volunteers_are_erased_on_the_groups_schedule(in_alpha):
    admin = User.objects.get(email=in_alpha.admin_email)
    set_retention(keep_request_days=30, keep_volunteer_days=90, actor=admin)
    connection.tenant.refresh_from_db()
    due, recent = former_volunteer("gone@example.org", 91), former_volunteer("new@example.org", 89)
    assert apply_retention().volunteers == 1
    profile = VolunteerProfile.objects.select_related("user").get(pk=due)
    assert (profile.postcode, profile.lat, profile.languages) == ("", None, [])
    assert not AvailabilityWindow.objects.filter(profile=profile).exists()
    user = profile.user
    assert user.email == f"erased-{user.pk}@erased.invalid" and user.name == ""
    assert not user.is_active and not user.has_usable_password()
    assert VolunteerProfile.objects.get(pk=recent).postcode == "SW1A 1AA"
