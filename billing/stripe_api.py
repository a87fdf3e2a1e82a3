"""The one module that imports `stripe`. Everything else in billing calls these functions
and gets plain dicts back (never Stripe objects), so the library's shapes stay here.

- The API version is pinned (API_VERSION): Stripe answers in the shapes this code reads,
  whatever the account's default version is; the webhook endpoint must be created with the
  same version (README).
- Keys and prices come from settings (the environment). No secret key: billing is off and
  every group is on the free plan.
- STRIPE_API_BASE points the library at another server (the tests' local stand-in).
"""

from __future__ import annotations

from django.conf import settings

import stripe

# Pinned: upgrading is a deliberate change here (and in the webhook endpoint's settings).
API_VERSION = "2026-10-28.endive"


class StripeError(Exception):
    """Stripe refused the call or could not be reached; the message is for logs."""


class StripeUnavailable(StripeError):
    """Network trouble, rate limits or Stripe's own errors: worth trying again later."""


class BadSignature(Exception):
    """A webhook whose signature does not verify against STRIPE_WEBHOOK_SECRET."""


def configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def webhooks_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def _client() -> stripe.StripeClient:
    if not configured():
        raise StripeError("STRIPE_SECRET_KEY is not set")
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        stripe_version=API_VERSION,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT),
    )


def _call(fn, *args, **kwargs) -> dict:
    try:
        return fn(*args, **kwargs).to_dict()
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        raise StripeUnavailable(str(error)) from error
    except stripe.StripeError as error:
        raise StripeError(str(error)) from error


def create_customer(*, group_id: int, name: str, email: str) -> dict:
    """A customer carrying the group's id in its metadata. The idempotency key makes a
    retried call (ours or the library's) return the first customer, not a second one."""
    client = _client()
    return _call(client.v1.customers.create,
                 params={"name": name, "email": email, "metadata": {"group_id": str(group_id)}},
                 options={"idempotency_key": f"group-{group_id}-customer"})


def get_customer(customer_id: str) -> dict:
    return _call(_client().v1.customers.retrieve, customer_id)


def create_checkout_session(*, customer_id: str, price_id: str, group_id: int,
                            success_url: str, cancel_url: str) -> dict:
    """A Checkout Session in subscription mode; its `url` is where the admin pays."""
    client = _client()
    metadata = {"group_id": str(group_id)}
    return _call(client.v1.checkout.sessions.create, params={
        "mode": "subscription", "customer": customer_id,
        "line_items": [{"price": price_id, "quantity": 1}],
        "client_reference_id": str(group_id), "metadata": metadata,
        "subscription_data": {"metadata": metadata},
        "success_url": success_url, "cancel_url": cancel_url,
    })


def create_portal_session(*, customer_id: str, return_url: str) -> dict:
    """A customer portal session; its `url` is where the admin manages the subscription."""
    client = _client()
    return _call(client.v1.billing_portal.sessions.create,
                 params={"customer": customer_id, "return_url": return_url})


def get_subscription(subscription_id: str) -> dict:
    """The subscription as Stripe has it now (also after it was cancelled)."""
    return _call(_client().v1.subscriptions.retrieve, subscription_id)


def verify_webhook(payload: bytes, signature: str | None) -> dict:
    """The event, once its Stripe-Signature header checks out against the webhook secret
    (and is within the library's 5-minute tolerance). Raises BadSignature otherwise."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise BadSignature("STRIPE_WEBHOOK_SECRET is not set")
    try:
        event = stripe.Webhook.construct_event(payload, signature or "",
                                               settings.STRIPE_WEBHOOK_SECRET)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise BadSignature(str(error)) from error
    return event.to_dict()
