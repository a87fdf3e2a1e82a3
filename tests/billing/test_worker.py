"""The webhook's processing on a real Celery worker (Redis broker), the worker talking to
the local Stripe stand-in over HTTP like the web process does."""

import time

import pytest
from django.db import connection
from django.test import Client

from billing import stripe_api
from billing.models import BillingAccount, StripeEvent
from billing.services import ensure_customer
from core.audit.models import AuditEntry
from core.local_services import (
    database_url, point_celery_at, start_celery_worker, wait_for_worker, worker_output,
)
from core.tenancy.entitlements import FREE_PLAN
from core.tenancy.models import Group
from core.testing import stripe_server as fake
from tests.billing.conftest import PLATFORM

pytestmark = pytest.mark.committed


@pytest.fixture(scope="module")
def billing_worker(session_groups, redis_server, _stripe_server, django_db_blocker):
    """core.testing.worker's worker, with billing's settings pointing at the stand-in."""
    from celery import current_app as app

    proc = start_celery_worker(
        database_url=database_url(connection.settings_dict), redis_url=redis_server.url,
        MUTUALAID_TESTING="1", STRIPE_API_BASE=_stripe_server.url,
        STRIPE_SECRET_KEY=fake.SECRET_KEY, STRIPE_WEBHOOK_SECRET=fake.WEBHOOK_SECRET,
        STRIPE_PRICE_COMMUNITY=fake.PRICES["community"],
        STRIPE_PRICE_NETWORK=fake.PRICES["network"], STRIPE_MAX_NETWORK_RETRIES="0")
    point_celery_at(app, redis_server.url)
    try:
        wait_for_worker(app, proc)
        yield app
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        point_celery_at(app, None)
        if proc.returncode not in (0, -15):
            print(worker_output(proc))
        proc.log.unlink(missing_ok=True)


def wait_until_processed(event_id: str, timeout: float = 60) -> StripeEvent:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = StripeEvent.objects.filter(event_id=event_id, processed_at__isnull=False).first()
        if row is not None:
            return row
        time.sleep(0.1)
    raise AssertionError(f"event {event_id} was not processed within {timeout} s")


def test_a_webhook_is_processed_by_the_worker(billing_worker, stripe_server, alpha):
    group = Group.objects.get(schema_name="alpha")
    last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    connection.set_tenant(group)
    last_group_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True) \
        .first() or 0
    connection.set_schema_to_public()
    try:
        account = ensure_customer(group=group, actor=None)
        session = stripe_api.create_checkout_session(
            customer_id=account.stripe_customer_id, price_id=fake.PRICES["community"],
            group_id=group.pk, success_url="http://x/ok", cancel_url="http://x/no")
        paid = stripe_server.complete_checkout(session["id"])
        headers, body = stripe_server.event("checkout.session.completed", paid,
                                            event_id="evt_worker_1")
        response = Client().post("/billing/webhook/", body, content_type="application/json",
                                 HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"], **PLATFORM)
        assert response.status_code == 200
        assert wait_until_processed("evt_worker_1").outcome == "applied"
        account.refresh_from_db()
        assert (account.state, account.plan) == ("active", "community")
        assert Group.objects.get(pk=group.pk).entitlements["plan"] == "community"
    finally:
        BillingAccount.objects.filter(group=group).delete()
        StripeEvent.objects.filter(event_id="evt_worker_1").delete()
        Group.objects.filter(pk=group.pk).update(entitlements=dict(FREE_PLAN))
        AuditEntry.objects.filter(pk__gt=last_audit).delete()
        connection.set_tenant(group)
        AuditEntry.objects.filter(pk__gt=last_group_audit).delete()
        connection.set_schema_to_public()
