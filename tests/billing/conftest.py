"""Helpers for the billing tests: people in alpha, logging in, webhooks delivered to the
platform host through the real signature check."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client

from billing.models import BillingAccount
from core.accounts.models import User
from core.tenancy.models import Group
from core.testing.people import PASSWORD

PLATFORM = {"HTTP_HOST": "localhost"}


def in_group(slug: str, fn):
    connection.set_tenant(Group.objects.get(schema_name=slug))
    try:
        return fn()
    finally:
        connection.set_schema_to_public()


def login(client, group, email):
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD},
                           HTTP_HOST=group.host)
    assert response.status_code == 302, response.content.decode()[:500]
    connection.set_schema_to_public()
    return client


def snapshot(slug: str = "alpha") -> dict:
    return Group.objects.get(schema_name=slug).entitlements


def account(slug: str = "alpha") -> BillingAccount:
    return BillingAccount.objects.get(group__schema_name=slug)


@pytest.fixture
def people(alpha):
    return in_group("alpha", lambda: SimpleNamespace(
        admin=User.objects.get(role="admin"), coordinator=User.objects.get(role="coordinator"),
        volunteer=User.objects.get(role="volunteer")))


@pytest.fixture
def deliver(stripe_server, django_capture_on_commit_callbacks):
    """POST a signed webhook to the platform host (from Stripe: a client of its own, no
    cookies) and run what the commit queues (the Celery task, in-process). Returns the
    response."""
    client = Client()

    def send(event_type: str, obj: dict, *, event_id: str | None = None, **sign):
        headers, body = stripe_server.event(event_type, obj, event_id=event_id, **sign)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/billing/webhook/", body, content_type="application/json",
                                   HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"],
                                   **PLATFORM)
        connection.set_schema_to_public()
        return response
    return send


@pytest.fixture
def subscribed(client, alpha, people, stripe_server, deliver):
    """Alpha on the Community plan: checkout through the billing page, paid at the stand-in,
    the checkout.session.completed webhook processed. Returns the subscription id."""
    login(client, alpha, alpha.admin_email)
    response = client.post("/billing/checkout/community/", HTTP_HOST=alpha.host)
    assert response.status_code == 303, response.content.decode()[:500]
    session_id = response["Location"].rsplit("/", 1)[1]
    session = stripe_server.complete_checkout(session_id)
    assert deliver("checkout.session.completed", session).status_code == 200
    assert account().state == "active"
    return session["subscription"]
