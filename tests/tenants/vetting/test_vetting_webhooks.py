"""Providers' result webhooks at /vetting/webhooks/<provider>/ on the group's host: verified
with that group's credentials, applied once, and refused without changing anything."""

import json

import pytest
from django.db import connection

from core.audit.models import AuditEntry
from core.tenancy.models import Group
from tenants.vetting.models import ProcessedEvent, VettingCheck
from tenants.vetting.services import request_check, save_provider_account
from tenants.volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(people, make_volunteer, accounts):
    vera = make_volunteer()
    return request_check(profile_id=vera.pk, level="enhanced", provider="checkr",
                         actor=people.coordinator)


def post(client, host, provider, headers, body):
    return client.post(f"/vetting/webhooks/{provider}/", data=body,
                       content_type="application/json",
                       **{k: v for k, v in client_kwargs(headers).items() if k != "CONTENT_TYPE"},
                       HTTP_HOST=host)


def client_kwargs(headers):
    from core.testing.vetting_providers import FakeProviders

    return FakeProviders.client_headers(headers)


def state(check):
    check.refresh_from_db()
    level = VolunteerProfile.objects.get(pk=check.profile_id).vetting_level
    return check.state, level


def test_a_signed_result_is_applied_once(client, alpha, pending, accounts):
    report = accounts.checkr_finish(pending.provider_reference)
    headers, body = accounts.checkr_event("report.completed", report, event_id="evt-1")
    answer = post(client, alpha.host, "checkr", headers, body)
    assert (answer.status_code, answer.json()) == (200, {"result": "applied"})
    assert state(pending) == ("clear", 2)
    audited = AuditEntry.objects.filter(action="vetting.result").get()
    assert (audited.actor, audited.data["event"], audited.data["to"]) == (None, "evt-1", "clear")
    # The same event again (a provider's retry, or a replay): acknowledged, nothing changes.
    before = AuditEntry.objects.count()
    again = post(client, alpha.host, "checkr", headers, body)
    assert (again.status_code, again.json()) == (200, {"result": "replay"})
    assert (AuditEntry.objects.count(), ProcessedEvent.objects.count()) == (before, 1)


def test_a_bad_signature_is_a_400_and_changes_nothing(client, alpha, pending, accounts):
    report = accounts.checkr_finish(pending.provider_reference)
    headers, body = accounts.checkr_event("report.completed", report, api_key="not-alphas-key")
    before = AuditEntry.objects.count()
    answer = post(client, alpha.host, "checkr", headers, body)
    assert answer.status_code == 400
    tampered = json.loads(accounts.checkr_event("report.completed", report)[1])
    good_headers, _body = accounts.checkr_event("report.completed", report)
    assert post(client, alpha.host, "checkr", good_headers,
                json.dumps(tampered).encode()).status_code == 400  # body changed after signing
    assert post(client, alpha.host, "checkr", {}, body).status_code == 400  # no signature
    assert state(pending) == ("pending", 0)
    assert (AuditEntry.objects.count(), ProcessedEvent.objects.count()) == (before, 0)


def test_events_out_of_order_or_for_nobody_are_ignored(client, alpha, pending, accounts):
    report = accounts.checkr_finish(pending.provider_reference)
    post(client, alpha.host, "checkr", *accounts.checkr_event("report.completed", report))
    late = {**report, "status": "pending", "result": None}
    answer = post(client, alpha.host, "checkr", *accounts.checkr_event("report.updated", late))
    assert answer.json() == {"result": "ignored"}
    stranger = {**report, "candidate_id": "someone-else"}
    answer = post(client, alpha.host, "checkr",
                  *accounts.checkr_event("report.completed", stranger))
    assert answer.json() == {"result": "ignored"}
    assert state(pending) == ("clear", 2)


def test_a_dbs_webhook_clears_the_check(client, alpha, people, make_volunteer, accounts):
    from datetime import date

    vera = make_volunteer()
    check = request_check(profile_id=vera.pk, level="enhanced", provider="sanctionssearch",
                          actor=people.coordinator, date_of_birth=date(1988, 5, 4),
                          phone="+447700900123")
    summary = accounts.dbs_disclose(int(check.provider_reference))
    answer = post(client, alpha.host, "sanctionssearch", *accounts.dbs_event(summary))
    assert answer.json() == {"result": "applied"}
    assert state(check) == ("clear", 2)
    assert VettingCheck.objects.get(pk=check.pk).certificate_number == "001234567890"


def test_providers_without_webhooks_or_accounts_are_not_found(client, alpha, people, accounts):
    headers, body = accounts.checkr_event("report.completed", {"candidate_id": "x"})
    assert post(client, alpha.host, "manual", headers, body).status_code == 404
    assert post(client, alpha.host, "nobody", headers, body).status_code == 404
    assert client.get("/vetting/webhooks/checkr/", HTTP_HOST=alpha.host).status_code == 405


def test_another_groups_credentials_do_not_verify_here(client, alpha, beta, pending, accounts):
    """Beta has its own Checkr key: an event signed with it is refused on alpha's host."""
    connection.set_tenant(Group.objects.get(schema_name="beta"))
    from core.accounts.models import User

    save_provider_account(provider="checkr", actor=User.objects.get(role="admin"),
                          values={"api_key": "betas-key", "package_basic": "b",
                                  "package_enhanced": "e"})
    report = accounts.checkr_finish(pending.provider_reference)
    headers, body = accounts.checkr_event("report.completed", report, api_key="betas-key")
    assert post(client, beta.host, "checkr", headers, body).json() == {"result": "ignored"}
    assert post(client, alpha.host, "checkr", headers, body).status_code == 400
    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    assert state(pending) == ("pending", 0)


def test_old_event_ids_are_forgotten(client, alpha, pending, accounts):
    from datetime import timedelta

    from tenants.vetting import selectors
    from tenants.vetting.services import forget_old_events

    report = accounts.checkr_finish(pending.provider_reference)
    post(client, alpha.host, "checkr", *accounts.checkr_event("report.completed", report))
    today = selectors.group_today()
    assert forget_old_events(today=today) == 0
    assert forget_old_events(today=today + timedelta(days=92)) == 1
