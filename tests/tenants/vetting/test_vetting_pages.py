"""Coordinators' vetting pages: a volunteer's checks, requesting one, recording the outcome;
admins' provider accounts. Thin views over the services, for staff only."""

from datetime import timedelta

import pytest

from core.testing.people import PASSWORD
from core.testing.vetting_providers import CHECKR_CREDENTIALS
from tenants.vetting import selectors
from tenants.vetting.models import ProviderAccount, VettingCheck
from tenants.volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db


def log_in(client, host, email):
    client.post("/accounts/login/", {"login": email, "password": PASSWORD}, HTTP_HOST=host)


def test_a_coordinator_records_a_manual_check(client, alpha, make_volunteer):
    vera = make_volunteer()
    log_in(client, alpha.host, alpha.coordinator_email)
    page = client.get(f"/vetting/volunteers/{vera.pk}/", HTTP_HOST=alpha.host)
    assert page.status_code == 200
    assert b"No checks yet." in page.content and b'<label for="id_level">' in page.content
    answer = client.post(f"/vetting/volunteers/{vera.pk}/",
                         {"level": "enhanced", "provider": "manual"}, HTTP_HOST=alpha.host)
    check = VettingCheck.objects.get()
    assert answer.url == f"/vetting/checks/{check.pk}/verify/"
    form = client.get(answer.url, HTTP_HOST=alpha.host)
    assert b"Record a check for Vera Lopez" in form.content
    assert b'<input type="date" name="expires_on"' in form.content
    until = selectors.group_today() + timedelta(days=700)
    answer = client.post(answer.url, {"outcome": "clear", "certificate_number": "001234567890",
                                      "expires_on": until.isoformat()}, HTTP_HOST=alpha.host)
    assert answer.url == f"/vetting/volunteers/{vera.pk}/"
    check.refresh_from_db()
    assert (check.state, check.expires_on, check.certificate_number) == (
        "clear", until, "001234567890")
    assert VolunteerProfile.objects.get(pk=vera.pk).vetting_level == 2
    page = client.get(answer.url, HTTP_HOST=alpha.host)
    assert b"001234567890" in page.content and b"Valid until" in page.content


def test_a_refused_record_shows_why_and_changes_nothing(client, alpha, people, make_volunteer):
    from tenants.vetting.services import request_check

    vera = make_volunteer()
    check = request_check(profile_id=vera.pk, level="enhanced", provider="manual",
                          actor=people.coordinator)
    log_in(client, alpha.host, alpha.coordinator_email)
    answer = client.post(f"/vetting/checks/{check.pk}/verify/", {"outcome": "clear"},
                         HTTP_HOST=alpha.host)
    assert answer.status_code == 400
    assert b"needs an expiry date" in answer.content
    assert VettingCheck.objects.get(pk=check.pk).state == "not_started"


def test_a_coordinator_requests_a_checkr_check(client, alpha, make_volunteer, accounts):
    vera = make_volunteer()
    log_in(client, alpha.host, alpha.coordinator_email)
    answer = client.post(f"/vetting/volunteers/{vera.pk}/",
                         {"level": "enhanced", "provider": "checkr"}, HTTP_HOST=alpha.host)
    assert answer.status_code == 302
    check = VettingCheck.objects.get()
    assert (check.provider, check.state) == ("checkr", "pending")
    page = client.get(answer.url, HTTP_HOST=alpha.host)
    assert check.action_url.encode() in page.content


def test_vetting_pages_are_for_staff_only(client, alpha, make_volunteer):
    vera = make_volunteer()
    assert client.get(f"/vetting/volunteers/{vera.pk}/",
                      HTTP_HOST=alpha.host).status_code == 302  # to log in
    log_in(client, alpha.host, alpha.volunteer_email)
    for path in (f"/vetting/volunteers/{vera.pk}/", "/vetting/providers/"):
        assert client.get(path, HTTP_HOST=alpha.host).status_code == 403
    answer = client.post(f"/vetting/volunteers/{vera.pk}/",
                         {"level": "basic", "provider": "manual"}, HTTP_HOST=alpha.host)
    assert answer.status_code == 403 and not VettingCheck.objects.exists()


def test_another_groups_volunteer_is_not_found(client, alpha, beta, make_volunteer):
    vera = make_volunteer()
    log_in(client, beta.host, beta.coordinator_email)
    assert client.get(f"/vetting/volunteers/{vera.pk}/", HTTP_HOST=beta.host).status_code == 404


def test_admins_set_up_providers_and_never_see_secrets_again(client, alpha, people):
    log_in(client, alpha.host, alpha.coordinator_email)
    assert client.get("/vetting/providers/", HTTP_HOST=alpha.host).status_code == 403
    client.logout()
    log_in(client, alpha.host, alpha.admin_email)
    values = {f"checkr-{k}": v for k, v in CHECKR_CREDENTIALS.items()}
    answer = client.post("/vetting/providers/", {"provider": "checkr", **values},
                         HTTP_HOST=alpha.host)
    assert answer.status_code == 302
    assert ProviderAccount.objects.get(provider="checkr").credentials == CHECKR_CREDENTIALS
    page = client.get("/vetting/providers/", HTTP_HOST=alpha.host)
    assert CHECKR_CREDENTIALS["api_key"].encode() not in page.content
    assert b"Saved. Leave blank to keep it." in page.content
    assert f"{alpha.host}/vetting/webhooks/checkr/".encode() in page.content


def test_showing_a_volunteers_checks_is_audited(client, alpha, people, make_volunteer):
    from core.audit.models import AuditEntry
    from tenants.vetting.services import request_check

    vera = make_volunteer()
    check = request_check(profile_id=vera.pk, level="basic", provider="manual",
                          actor=people.coordinator)
    log_in(client, alpha.host, alpha.coordinator_email)
    client.get(f"/vetting/volunteers/{vera.pk}/", HTTP_HOST=alpha.host)
    reveal = AuditEntry.objects.filter(action="reveal").get()
    assert (reveal.actor, reveal.target_id, reveal.reason) == (
        people.coordinator, str(check.pk), "volunteer's checks")
    assert "certificate_number" in reveal.fields


def test_a_coordinator_keeps_the_certificate_scan(client, alpha, people, make_volunteer,
                                                  local_documents):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tenants.documents.models import Document
    from tenants.vetting.services import request_check

    vera = make_volunteer()
    check = request_check(profile_id=vera.pk, level="enhanced", provider="manual",
                          actor=people.coordinator)
    log_in(client, alpha.host, alpha.coordinator_email)
    url = f"/vetting/checks/{check.pk}/verify/"
    refused = client.post(url, {"outcome": "clear", "scan": SimpleUploadedFile(
        "dbs.pdf", b"%PDF-1.4 certificate", "application/pdf")}, HTTP_HOST=alpha.host)
    assert refused.status_code == 400
    assert not Document.objects.exists()  # stored, then deleted again with the refusal
    until = (selectors.group_today() + timedelta(days=400)).isoformat()
    client.post(url, {"outcome": "clear", "certificate_number": "001234567890",
                      "expires_on": until, "scan": SimpleUploadedFile(
                          "dbs.pdf", b"%PDF-1.4 certificate", "application/pdf")},
                HTTP_HOST=alpha.host)
    check.refresh_from_db()
    scan = Document.objects.get()
    assert (check.document, scan.kind, scan.owner) == (scan, "certificate", vera.user)
    page = client.get(f"/vetting/volunteers/{vera.pk}/", HTTP_HOST=alpha.host)
    assert f'href="/documents/{scan.pk}/"'.encode() in page.content
