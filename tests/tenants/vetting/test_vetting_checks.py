"""Requesting checks and recording them: the state machine, the volunteer's effective level,
and refusals that change nothing."""

from datetime import date, timedelta

import pytest

from core.audit.models import AuditEntry
from core.audit.selectors import entries_for
from core.errors import Refused
from tenants.vetting import selectors
from tenants.vetting.models import VettingCheck
from tenants.vetting.services import record_verification, refresh_check, request_check
from tenants.volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db


def level_of(profile) -> int:
    return VolunteerProfile.objects.get(pk=profile.pk).vetting_level


def later(days=365) -> date:
    return selectors.group_today() + timedelta(days=days)


def test_a_manual_check_recorded_clear_raises_the_level(people, make_volunteer):
    vera = make_volunteer()
    check = request_check(profile_id=vera.pk, level="basic", provider="manual",
                          actor=people.coordinator)
    assert (check.state, level_of(vera)) == ("not_started", 0)
    done = record_verification(check_id=check.pk, outcome="clear", expires_on=later(),
                               actor=people.coordinator, note="passport seen")
    assert (done.state, done.reviewed_by, level_of(vera)) == ("clear", people.coordinator, 1)
    assert [e.action for e in entries_for(done)][::-1] == ["vetting.request", "vetting.verify"]
    assert entries_for(vera).filter(action="vetting.level").get().data == {"from": 0, "to": 1}


def test_the_level_is_the_best_clear_check(people, make_volunteer):
    vera = make_volunteer()
    for level, number in (("enhanced", 2), ("basic", 2)):
        check = request_check(profile_id=vera.pk, level=level, provider="manual",
                              actor=people.coordinator)
        record_verification(check_id=check.pk, outcome="clear", expires_on=later(),
                            certificate_number="001234567890", actor=people.coordinator)
        assert level_of(vera) == number


REFUSED_RECORDS = [
    ("a volunteer may not record", dict(actor="volunteer")),
    ("clear needs an expiry date", dict(expires_on=None)),
    ("clear needs a future expiry date", dict(expires_on=date(2020, 1, 1))),
    ("enhanced needs a certificate number", dict(certificate_number="")),
    ("not an outcome", dict(outcome="expired")),
]


@pytest.mark.parametrize("case,overrides", REFUSED_RECORDS, ids=[c for c, _o in REFUSED_RECORDS])
def test_refused_records_change_nothing(people, make_volunteer, case, overrides):
    vera = make_volunteer()
    check = request_check(profile_id=vera.pk, level="enhanced", provider="manual",
                          actor=people.coordinator)
    before = AuditEntry.objects.count()
    kwargs = {"outcome": "clear", "expires_on": later(), "certificate_number": "0012",
              "actor": people.coordinator, **overrides}
    kwargs["actor"] = getattr(people, kwargs["actor"]) if isinstance(kwargs["actor"], str) \
        else kwargs["actor"]
    with pytest.raises(Refused):
        record_verification(check_id=check.pk, **kwargs)
    check.refresh_from_db()
    assert (check.state, check.certificate_number, check.expires_on) == ("not_started", "", None)
    assert (AuditEntry.objects.count(), level_of(vera)) == (before, 0)


def test_failed_is_final_and_a_second_open_check_is_refused(people, make_volunteer):
    vera = make_volunteer()
    check = request_check(profile_id=vera.pk, level="basic", provider="manual",
                          actor=people.coordinator)
    with pytest.raises(Refused):
        request_check(profile_id=vera.pk, level="basic", provider="manual",
                      actor=people.coordinator)
    record_verification(check_id=check.pk, outcome="failed", actor=people.coordinator)
    with pytest.raises(Refused):
        record_verification(check_id=check.pk, outcome="clear", expires_on=later(),
                            actor=people.coordinator)
    assert VettingCheck.objects.get(pk=check.pk).state == "failed"
    again = request_check(profile_id=vera.pk, level="basic", provider="manual",
                          actor=people.coordinator)
    assert again.state == "not_started"


def test_requests_refused_change_nothing(people, make_volunteer, vetting_providers):
    vera = make_volunteer()
    before = AuditEntry.objects.count()
    for kwargs, why in [
        (dict(provider="manual", actor=people.volunteer), "coordinators"),
        (dict(provider="checkr", actor=people.coordinator), "set up this provider"),
        (dict(provider="nobody", actor=people.coordinator), "not available"),
    ]:
        with pytest.raises(Refused) as refused:
            request_check(profile_id=vera.pk, level="basic", **kwargs)
        assert why in str(refused.value.message)
    assert (VettingCheck.objects.count(), AuditEntry.objects.count()) == (0, before)
    assert vetting_providers.received == []


def test_a_checkr_check_starts_pending_with_the_invitation(people, make_volunteer, accounts):
    vera = make_volunteer()
    check = request_check(profile_id=vera.pk, level="enhanced", provider="checkr",
                          actor=people.coordinator)
    assert check.state == "pending" and check.provider_reference
    assert check.action_url.startswith("https://apply.checkr.com/invite/")
    sent = accounts.received[0][2]
    assert (sent["email"], sent["first_name"], sent["last_name"]) == (
        "vera@example.org", "Vera", "Lopez")
    assert sent["custom_id"] == f"alpha:volunteer:{vera.pk}"


def test_a_provider_error_is_refused_and_nothing_is_written(people, make_volunteer, accounts):
    vera = make_volunteer()
    accounts.checkr_keys.clear()  # Checkr no longer accepts alpha's key
    with pytest.raises(Refused) as refused:
        request_check(profile_id=vera.pk, level="enhanced", provider="checkr",
                      actor=people.coordinator)
    assert "credentials" in str(refused.value.message)
    assert not VettingCheck.objects.exists()


def test_a_dbs_check_polled_until_disclosed(people, make_volunteer, accounts):
    vera = make_volunteer()
    check = request_check(profile_id=vera.pk, level="enhanced", provider="sanctionssearch",
                          actor=people.coordinator, date_of_birth=date(1990, 1, 2),
                          phone="+447700900123")
    assert refresh_check(check_id=check.pk, actor=people.coordinator).state == "pending"
    accounts.dbs_disclose(int(check.provider_reference), certificate_number="009876543210")
    done = refresh_check(check_id=check.pk, actor=people.coordinator)
    assert (done.state, done.certificate_number, level_of(vera)) == ("clear", "009876543210", 2)
    assert done.expires_on > selectors.group_today()
    # Nothing about the date of birth or phone is kept here.
    assert "1990" not in str(list(AuditEntry.objects.values_list("data", flat=True)))


def test_a_provider_result_to_review_is_decided_by_a_coordinator(people, make_volunteer,
                                                                 accounts):
    vera = make_volunteer()
    check = request_check(profile_id=vera.pk, level="enhanced", provider="checkr",
                          actor=people.coordinator)
    with pytest.raises(Refused):  # a provider's pending check is not the coordinator's to record
        record_verification(check_id=check.pk, outcome="clear", expires_on=later(),
                            actor=people.coordinator)
    accounts.checkr_finish(check.provider_reference, result="consider")
    assert refresh_check(check_id=check.pk, actor=people.coordinator).state == "needs_review"
    assert level_of(vera) == 0
    record_verification(check_id=check.pk, outcome="clear", expires_on=later(),
                        actor=people.coordinator, note="old caution, not relevant")
    assert level_of(vera) == 2


def test_a_document_must_be_the_volunteers_own(people, make_volunteer, local_documents):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tenants.documents.services import store_document

    vera, other = make_volunteer(), make_volunteer("other@example.org", name="Otto")
    theirs = store_document(uploaded_file=SimpleUploadedFile("x.pdf", b"%PDF-1.4 x"),
                            kind="certificate", owner=other.user, uploaded_by=people.coordinator)
    check = request_check(profile_id=vera.pk, level="basic", provider="manual",
                          actor=people.coordinator)
    with pytest.raises(Refused):
        record_verification(check_id=check.pk, outcome="clear", expires_on=later(),
                            document_id=theirs.pk, actor=people.coordinator)
    assert VettingCheck.objects.get(pk=check.pk).document is None
