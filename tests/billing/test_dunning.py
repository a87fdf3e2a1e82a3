"""A group that stops paying: warned (banner, email), given a grace period, then read-only
(everything visible and exportable, nothing new except the public request form, which
still reaches coordinators), and back to normal the moment it pays. Nothing is deleted."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from billing.services import suspend_overdue
from billing.tasks import daily_sweep
from core.audit.models import AuditEntry
from core.tenancy.models import Group
from tenants.requests.models import HelpRequest, RequestType
from tests.billing.conftest import account, in_group, login, snapshot

pytestmark = pytest.mark.django_db


def ask(host: str, description: str):
    type_id = in_group("alpha", lambda: RequestType.objects.get(code="shopping").pk)
    return Client().post("/ask/", {
        "type": str(type_id), "description": description, "person_name": "Rosa",
        "person_phone": "07700 900123", "person_email": "", "address": "1 High Street",
        "postcode": "SW1A 1AA", "urgency": "1", "wanted_from": "", "wanted_until": "",
        "recurrence": "once", "language": "en", "submission_key": str(uuid.uuid4()),
    }, HTTP_HOST=host)


def retention(client, host: str, days: int):
    return client.post("/records/retention/", {"keep_request_days": days,
                                               "keep_volunteer_days": 365}, HTTP_HOST=host)


def test_payment_failure_grace_suspension_and_back_to_active(
        client, alpha, people, subscribed, stripe_server, deliver, settings,
        django_capture_on_commit_callbacks):
    settings.BILLING_GRACE_DAYS = 14
    mail.outbox.clear()
    failed = stripe_server.invoice(subscribed, paid=False)
    assert deliver("invoice.payment_failed", failed).status_code == 200
    row = account()
    assert row.state == "past_due"
    grace = row.grace_ends_at - timezone.now()
    assert timedelta(days=13, hours=23) < grace <= timedelta(days=14)
    assert snapshot()["past_due"] is True and snapshot()["read_only"] is False
    assert [m.to for m in mail.outbox] == [[alpha.admin_email]]
    assert "a payment failed" in mail.outbox[0].subject

    # Past due: everything works, and admins see a banner.
    page = client.get("/", HTTP_HOST=alpha.host)
    assert "last payment failed" in page.content.decode()
    assert retention(client, alpha.host, 40).status_code == 302

    # A later sweep within the grace period changes nothing.
    assert suspend_overdue(now=timezone.now() + timedelta(days=13)) == 0
    assert account().state == "past_due"

    # Grace over: the daily sweep (Stripe still says past_due) suspends.
    row.grace_ends_at = timezone.now() - timedelta(minutes=1)
    row.save(update_fields=["grace_ends_at"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the emails, after the commit
        assert daily_sweep()["suspended"] == 1
    assert account().state == "suspended" and snapshot()["read_only"] is True
    assert "is now read-only" in mail.outbox[0].subject

    # Read-only: writes refused with a friendly page and the way to pay...
    refused = retention(client, alpha.host, 50)
    assert refused.status_code == 403
    assert "read-only for now" in refused.content.decode()
    assert 'href="/billing/"' in refused.content.decode()
    assert Group.objects.get(schema_name="alpha").keep_request_days == 40
    coordinator = login(Client(), alpha, alpha.coordinator_email)
    refused = coordinator.post("/dispatch/new/", {}, HTTP_HOST=alpha.host)
    assert refused.status_code == 403 and "ask one of the group" in refused.content.decode()
    # ...reading and exporting work...
    assert client.get("/records/", HTTP_HOST=alpha.host).status_code == 200
    export = client.get("/records/requests.csv", HTTP_HOST=alpha.host)
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert client.get("/billing/", HTTP_HOST=alpha.host).status_code == 200
    # ...and people asking for help still reach the coordinators.
    assert ask(alpha.host, "Milk and bread for a neighbour, please").status_code == 302
    queue = coordinator.get("/dispatch/", HTTP_HOST=alpha.host)
    assert queue.status_code == 200
    assert "This group is read-only." in queue.content.decode()
    assert in_group("alpha", lambda: HelpRequest.objects.filter(
        description="Milk and bread for a neighbour, please", status="new").count()) == 1
    # Signing out still works.
    assert coordinator.post("/accounts/logout/", HTTP_HOST=alpha.host).status_code == 302

    # Paid: active again at once.
    mail.outbox.clear()
    assert deliver("invoice.paid", stripe_server.invoice(subscribed, paid=True)) \
        .status_code == 200
    row = account()
    assert (row.state, row.grace_ends_at) == ("active", None)
    assert snapshot()["read_only"] is False and snapshot()["past_due"] is False
    assert "payment received" in mail.outbox[0].subject
    assert retention(client, alpha.host, 50).status_code == 302
    assert Group.objects.get(schema_name="alpha").keep_request_days == 50
    assert "last payment failed" not in client.get("/", HTTP_HOST=alpha.host).content.decode()
    moves = in_group("alpha", lambda: list(
        AuditEntry.objects.filter(action="billing.state").order_by("pk")
        .values_list("data__to", "reason")))
    assert moves == [("active", "stripe: checkout.session.completed"),
                     ("past_due", "stripe: invoice.payment_failed"),
                     ("suspended", "grace period over"),
                     ("active", "stripe: invoice.paid")]


def test_the_sweep_does_not_suspend_a_group_that_paid_meanwhile(subscribed, stripe_server,
                                                                 deliver):
    deliver("invoice.payment_failed", stripe_server.invoice(subscribed, paid=False))
    stripe_server.set_subscription(subscribed, status="active")  # the paid webhook was lost
    assert suspend_overdue(now=timezone.now() + timedelta(days=15)) == 0
    assert account().state == "active"


def test_a_late_past_due_event_after_suspension_keeps_it_suspended(subscribed, stripe_server,
                                                                     deliver):
    sub = stripe_server.set_subscription(subscribed, status="past_due")
    deliver("customer.subscription.updated", sub)
    suspend_overdue(now=timezone.now() + timedelta(days=15))
    assert account().state == "suspended"
    deliver("customer.subscription.updated", sub)
    assert account().state == "suspended"


def test_a_cancelled_group_keeps_its_plan_until_the_period_ends_then_is_free(
        subscribed, stripe_server, deliver):
    deliver("customer.subscription.deleted",
            stripe_server.set_subscription(subscribed, status="canceled"))
    assert account().state == "cancelled" and snapshot()["plan"] == "community"
    result = daily_sweep()
    assert result["back_to_free"] == 0
    row = account()
    row.current_period_end = timezone.now() - timedelta(seconds=1)
    row.save(update_fields=["current_period_end"])
    assert daily_sweep()["back_to_free"] == 1
    assert (account().state, snapshot()["plan"]) == ("free", "free")
