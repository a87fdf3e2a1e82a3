"""Stripe's webhooks on the platform host: the real signature check, one processing per
event id, and state derived from the subscription as Stripe has it now, so events that come
twice or out of order converge."""

import pytest
from django.core import mail
from django.test import Client

from billing.models import BillingAccount, StripeEvent
from billing.services import process_event
from core.audit.models import AuditEntry
from core.testing.stripe_server import sign
from tests.billing.conftest import PLATFORM, account, in_group, snapshot

pytestmark = pytest.mark.django_db


def billing_audit():
    return in_group("alpha", lambda: list(
        AuditEntry.objects.filter(action="billing.state").order_by("pk")
        .values_list("data", flat=True)))


@pytest.mark.parametrize("case", ["wrong secret", "tampered body", "no header", "stale"])
def test_a_bad_signature_is_refused_and_changes_nothing(stripe_server, alpha, case):
    headers, body = stripe_server.event("customer.deleted", {"id": "cus_x"},
                                        secret="whsec_wrong" if case == "wrong secret"
                                        else "whsec_test_mutualaid_0123456789",
                                        timestamp=1_000_000_000 if case == "stale" else None)
    if case == "tampered body":
        body = body.replace(b"cus_x", b"cus_y")
    extra = {} if case == "no header" else {"HTTP_STRIPE_SIGNATURE": headers["Stripe-Signature"]}
    response = Client().post("/billing/webhook/", body, content_type="application/json",
                             **extra, **PLATFORM)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists() and not BillingAccount.objects.exists()


def test_checkout_completed_puts_the_group_on_its_plan(subscribed, stripe_server, alpha):
    row = account()
    assert (row.state, row.plan, row.stripe_subscription_id) == ("active", "community",
                                                                 subscribed)
    snap = snapshot()
    assert snap["plan"] == "community" and snap["limits"]["active_volunteers"] == 250
    assert snap["read_only"] is False and snap["period_end"]
    assert billing_audit() == [{"from": "free", "to": "active", "plan": "community"}]
    event = StripeEvent.objects.get()
    assert (event.type, event.outcome, event.attempts) == ("checkout.session.completed",
                                                           "applied", 1)


def test_the_page_follows_the_snapshot_without_waiting_for_the_routing_cache(
        client, subscribed, alpha):
    page = client.get("/billing/", HTTP_HOST=alpha.host)
    assert "Your plan: Community" in page.content.decode()
    assert "Manage subscription" in page.content.decode()
    assert "Choose Network" not in page.content.decode()


def test_a_replayed_event_is_processed_once(subscribed, stripe_server, deliver, alpha):
    sub = stripe_server.set_subscription(subscribed, status="past_due")
    first = deliver("customer.subscription.updated", sub, event_id="evt_replayed")
    assert first.status_code == 200 and first.json() == {"received": True, "duplicate": False}
    stripe_server.set_subscription(subscribed, status="active")
    again = deliver("customer.subscription.updated", sub, event_id="evt_replayed")
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert account().state == "past_due"  # the replay did not re-read Stripe
    assert StripeEvent.objects.filter(event_id="evt_replayed").count() == 1
    assert process_event(event_id="evt_replayed") == "applied"  # the task, run again
    assert account().state == "past_due"
    assert [d["to"] for d in billing_audit()] == ["active", "past_due"]


def test_deleted_then_a_stale_updated_converge_on_cancelled(subscribed, stripe_server,
                                                             deliver, alpha):
    stale = stripe_server.set_subscription(subscribed, cancel_at_period_end=True)
    deleted = stripe_server.set_subscription(subscribed, status="canceled")
    assert deliver("customer.subscription.deleted", deleted).status_code == 200
    assert deliver("customer.subscription.updated", stale).status_code == 200  # arrives late
    row = account()
    assert row.state == "cancelled"
    # Paid limits last until the period Stripe already billed ends; then the free plan.
    assert snapshot()["plan"] == "community"
    assert [d["to"] for d in billing_audit()] == ["active", "cancelled"]
    assert "subscription cancelled" in mail.outbox[-1].subject


def test_an_updated_before_its_created_converges_too(client, alpha, stripe_server, deliver):
    from tests.billing.conftest import login

    login(client, alpha, alpha.admin_email)
    location = client.post("/billing/checkout/network/", HTTP_HOST=alpha.host)["Location"]
    session = stripe_server.complete_checkout(location.rsplit("/", 1)[1], status="trialing")
    sub = stripe_server.set_subscription(session["subscription"], status="active")
    created_copy = dict(sub, status="trialing")
    assert deliver("customer.subscription.updated", sub).status_code == 200
    assert deliver("customer.subscription.created", created_copy).status_code == 200
    assert deliver("checkout.session.completed", session).status_code == 200
    row = account()
    assert (row.state, row.plan) == ("active", "network")
    assert snapshot()["limits"]["active_volunteers"] is None
    assert [d["to"] for d in billing_audit()] == ["active"]


def test_customer_deleted_puts_the_group_back_on_free(subscribed, stripe_server, deliver):
    customer_id = account().stripe_customer_id
    assert deliver("customer.deleted", stripe_server.delete_customer(customer_id)) \
        .status_code == 200
    row = account()
    assert (row.state, row.plan, row.stripe_customer_id, row.stripe_subscription_id) == (
        "free", "free", None, "")
    assert snapshot()["plan"] == "free"


def test_events_about_other_customers_are_kept_and_ignored(stripe_server, deliver, alpha):
    response = deliver("customer.subscription.updated",
                       {"id": "sub_nobody", "object": "subscription", "customer": "cus_nobody",
                        "status": "active", "metadata": {}})
    assert response.status_code == 200
    assert StripeEvent.objects.get().outcome == "ignored: unknown customer"
    response = deliver("charge.refunded", {"id": "ch_1", "object": "charge"})
    assert StripeEvent.objects.get(type="charge.refunded").outcome == "ignored: not handled"
    assert not BillingAccount.objects.exists()


def test_a_body_that_is_not_json_but_signed_is_refused(stripe_server, alpha):
    body = b"not json"
    response = Client().post("/billing/webhook/", body, content_type="application/json",
                             HTTP_STRIPE_SIGNATURE=sign(body), **PLATFORM)
    assert response.status_code == 400 and not StripeEvent.objects.exists()


def test_an_event_naming_a_subscription_stripe_does_not_have_is_kept_with_the_reason(
        subscribed, stripe_server, deliver):
    invoice = stripe_server.invoice(subscribed, paid=True)
    invoice["parent"]["subscription_details"]["subscription"] = "sub_gone"
    assert deliver("invoice.paid", invoice, event_id="evt_gone").status_code == 200
    row = StripeEvent.objects.get(event_id="evt_gone")
    assert row.processed_at and row.outcome.startswith("error: ") and "sub_gone" in row.outcome
    assert account().state == "active"
