"""The billing page, Stripe Checkout and the customer portal, over HTTP against the local
Stripe stand-in with the real stripe library."""

import pytest

from billing.models import BillingAccount, StripeEvent
from billing.stripe_api import API_VERSION
from core.audit.models import AuditEntry
from tests.billing.conftest import account, in_group, login, snapshot

pytestmark = pytest.mark.django_db


def test_without_keys_billing_says_it_is_not_configured_and_the_group_is_free(
        client, alpha, settings):
    settings.STRIPE_SECRET_KEY = ""
    login(client, alpha, alpha.admin_email)
    page = client.get("/billing/", HTTP_HOST=alpha.host)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Billing is not configured; every group is on the free plan." in html
    assert "Your plan: Free" in html and "Choose Community" not in html
    assert [(r.name, r.limit) for r in page.context["summary"].rows] == [
        ("active_volunteers", 25), ("coordinators", 3), ("storage_mb", 200)]
    # alpha's own coordinator counts; its admin does not
    assert {r.name: r.used for r in page.context["summary"].rows}["coordinators"] == 1
    response = client.post("/billing/checkout/community/", HTTP_HOST=alpha.host)
    assert response.status_code == 302 and response["Location"] == "/billing/"
    assert snapshot()["plan"] == "free"
    assert not BillingAccount.objects.exists()
    assert client.post("/billing/webhook/", b"{}", content_type="application/json",
                       HTTP_HOST="localhost").status_code == 404
    assert not StripeEvent.objects.exists()


def test_only_admins_see_billing(client, alpha):
    login(client, alpha, alpha.coordinator_email)
    assert client.get("/billing/", HTTP_HOST=alpha.host).status_code == 403
    assert client.post("/billing/portal/", HTTP_HOST=alpha.host).status_code == 403


def test_upgrade_goes_to_checkout_with_one_customer_carrying_the_group_id(
        client, alpha, people, stripe_server):
    login(client, alpha, alpha.admin_email)
    page = client.get("/billing/", HTTP_HOST=alpha.host)
    assert "Choose Community" in page.content.decode()
    assert "checkout.stripe.com" in page["Content-Security-Policy"]
    first = client.post("/billing/checkout/community/", HTTP_HOST=alpha.host)
    second = client.post("/billing/checkout/network/", HTTP_HOST=alpha.host)
    for response in (first, second):
        assert response.status_code == 303
        assert response["Location"].startswith(f"{stripe_server.url}/c/pay/cs_test_")
    group_id = snapshot and account().group_id
    assert len(stripe_server.customers) == 1
    customer = next(iter(stripe_server.customers.values()))
    assert customer["metadata"] == {"group_id": str(group_id)}
    assert (customer["name"], customer["email"]) == ("Alpha Mutual Aid", alpha.admin_email)
    assert account().stripe_customer_id == customer["id"]
    sessions = list(stripe_server.sessions.values())
    assert [s["line_items"][0]["price"] for s in sessions] == [
        "price_community_test", "price_network_test"]
    assert all(s["customer"] == customer["id"] and s["client_reference_id"] == str(group_id)
               and s["subscription_data"]["metadata"] == {"group_id": str(group_id)}
               and s["success_url"] == f"http://{alpha.host}/billing/?checkout=done"
               for s in sessions)
    assert {r["version"] for r in stripe_server.received} == {API_VERSION}
    assert len(stripe_server.calls("POST", "/v1/customers")) == 1
    actions = in_group("alpha", lambda: list(
        AuditEntry.objects.filter(action__startswith="billing.").order_by("pk")
        .values_list("action", "actor_id")))
    assert actions == [("billing.customer", people.admin.pk),
                       ("billing.checkout", people.admin.pk),
                       ("billing.checkout", people.admin.pk)]
    # Nothing changes until Stripe says it was paid.
    assert snapshot()["plan"] == "free" and account().state == "free"


def test_a_retried_customer_creation_returns_the_first_customer(alpha, stripe_server):
    from billing import stripe_api

    made = [stripe_api.create_customer(group_id=7, name="A", email="a@example.org")
            for _ in range(2)]
    assert made[0]["id"] == made[1]["id"] and len(stripe_server.customers) == 1


def test_manage_opens_the_customer_portal(client, alpha, subscribed, stripe_server):
    response = client.post("/billing/portal/", HTTP_HOST=alpha.host)
    assert response.status_code == 303
    assert response["Location"].startswith(f"{stripe_server.url}/p/session/bps_")
    portal = next(iter(stripe_server.portal_sessions.values()))
    assert portal["customer"] == account().stripe_customer_id
    assert portal["return_url"] == f"http://{alpha.host}/billing/"


def test_a_subscribed_group_is_not_sent_to_checkout_again(client, alpha, subscribed,
                                                            stripe_server):
    response = client.post("/billing/checkout/network/", HTTP_HOST=alpha.host, follow=True)
    assert "already has a subscription" in response.content.decode()
    assert len(stripe_server.sessions) == 1


def test_portal_without_a_customer_and_an_unknown_plan_are_refused_clearly(
        client, alpha, stripe_server):
    login(client, alpha, alpha.admin_email)
    response = client.post("/billing/portal/", HTTP_HOST=alpha.host, follow=True)
    assert "no subscription to manage yet" in response.content.decode()
    response = client.post("/billing/checkout/gold/", HTTP_HOST=alpha.host, follow=True)
    assert "This plan is not available." in response.content.decode()
    assert stripe_server.received == []


def test_stripe_unreachable_is_a_message_not_an_error(client, alpha, stripe_server, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    login(client, alpha, alpha.admin_email)
    response = client.post("/billing/checkout/community/", HTTP_HOST=alpha.host, follow=True)
    assert response.status_code == 200
    assert "Stripe could not be reached" in response.content.decode()
    assert account().stripe_customer_id is None


def test_a_wrong_secret_key_is_a_message_not_an_error(client, alpha, stripe_server, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"
    login(client, alpha, alpha.admin_email)
    response = client.post("/billing/checkout/community/", HTTP_HOST=alpha.host, follow=True)
    assert response.status_code == 200 and "Stripe could not be reached" in \
        response.content.decode()
