"""The daily sweep: lapsed checks expire and lower the volunteer's level (so the hard rules
follow), and volunteers are reminded once, N days before."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail

from core.audit.models import AuditEntry
from core.geo.cells import cell_for
from tenants.matching.eligibility import refusal
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import advance, submit_request
from tenants.vetting import selectors
from tenants.vetting.models import VettingCheck
from tenants.vetting.services import (
    expire_lapsed, record_verification, request_check, send_expiry_reminders,
)
from tenants.vetting.tasks import daily_sweep
from tenants.volunteers.models import VolunteerProfile

HOME = (51.5010, -0.1416)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cleared(people, make_volunteer):
    """Vera, with an enhanced check clear until `days` from today."""
    def make(days: int, email="vera@example.org", name="Vera Lopez"):
        vera = make_volunteer(email, name=name)
        check = request_check(profile_id=vera.pk, level="enhanced", provider="manual",
                              actor=people.coordinator)
        record_verification(check_id=check.pk, outcome="clear", certificate_number="0012",
                            expires_on=selectors.group_today() + timedelta(days=max(days, 1)),
                            actor=people.coordinator)
        if days < 1:  # a check recorded long ago: its day has come (or gone)
            VettingCheck.objects.filter(pk=check.pk).update(
                expires_on=selectors.group_today() + timedelta(days=days))
        return VolunteerProfile.objects.get(pk=vera.pk), VettingCheck.objects.get(pk=check.pk)
    return make


def childcare_request() -> HelpRequest:
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code="childcare"), "description": "Pick-up",
                "person_name": "Rosa", "person_phone": "0", "lat": HOME[0], "lng": HOME[1],
                "cell": cell_for(*HOME)},
        submission_key=uuid.uuid4(), channel="phone")
    return advance(request_id=request.pk, step="open", actor=None)


def test_an_expired_check_lowers_the_level_and_the_rules_follow(cleared):
    vera, check = cleared(-1)
    request = childcare_request()
    assert refusal(vera, request) is None  # the sweep has not run yet: still counted as 2
    assert expire_lapsed(today=selectors.group_today()) == 1
    vera.refresh_from_db()
    check.refresh_from_db()
    assert (check.state, vera.vetting_level) == ("expired", 0)
    assert "needs a check" in str(refusal(vera, request))
    assert AuditEntry.objects.filter(action="vetting.expire").count() == 1
    # The effective level never counts an expired day, even before the sweep runs.
    assert selectors.effective_level(vera.pk, selectors.group_today()) == 0


def test_a_check_is_valid_through_its_last_day(cleared):
    vera, check = cleared(0)
    assert expire_lapsed(today=selectors.group_today()) == 0
    assert VettingCheck.objects.get(pk=check.pk).state == "clear"
    assert expire_lapsed(today=selectors.group_today() + timedelta(days=1)) == 1


def test_reminders_go_once_n_days_before(cleared, people, settings,
                                         django_capture_on_commit_callbacks):
    settings.VETTING_REMINDER_DAYS = 30
    soon_vera, soon = cleared(20)
    cleared(45, email="later@example.org", name="Lena Later")
    today = selectors.group_today()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_expiry_reminders(today=today) == 1
    to = sorted(tuple(m.to) for m in mail.outbox)
    assert to == sorted([(soon_vera.user.email,), (people.admin.email,),
                         (people.coordinator.email,)])
    volunteer_mail = next(m for m in mail.outbox if m.to == [soon_vera.user.email])
    assert "runs out" in volunteer_mail.subject
    staff_mail = next(m for m in mail.outbox if m.to == [people.coordinator.email])
    assert "Vera Lopez" in staff_mail.body and "Lena Later" not in staff_mail.body
    assert VettingCheck.objects.get(pk=soon.pk).reminded_on == today
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_expiry_reminders(today=today + timedelta(days=1)) == 0
    assert mail.outbox == []


def test_the_daily_task_runs_in_the_group(cleared, django_capture_on_commit_callbacks):
    """In-process here (no broker); tests/tenants/vetting/test_vetting_worker.py runs it on a
    real worker."""
    vera, _check = cleared(-3)
    cleared(5, email="soon@example.org", name="Sam Soon")
    with django_capture_on_commit_callbacks(execute=True):
        result = daily_sweep.delay().get()
    assert result == {"expired": 1, "reminded": 1}
    assert VolunteerProfile.objects.get(pk=vera.pk).vetting_level == 0
    assert [m.to for m in mail.outbox if m.to == ["soon@example.org"]] == [["soon@example.org"]]
