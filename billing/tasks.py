"""Billing's Celery tasks. They run in the public schema: billing's tables live there, and
the few group-schema writes (audit rows, admins' emails) switch schema themselves."""

from __future__ import annotations

from celery import shared_task

from billing import services
from billing.stripe_api import StripeUnavailable


@shared_task(name="billing.process_stripe_event", autoretry_for=(StripeUnavailable,),
             retry_backoff=30, retry_backoff_max=1800, max_retries=8)
def process_stripe_event(event_id: str) -> str:
    """Act on a stored webhook event (once: a replay finds it processed)."""
    return services.process_event(event_id=event_id)


@shared_task(name="billing.daily_sweep")
def daily_sweep() -> dict:
    """Grace periods that ran out, cancelled periods that ended, sponsorships ending soon
    or ended, and events that were stored but never processed."""
    return {
        "suspended": services.suspend_overdue(),
        "back_to_free": services.end_cancelled_periods(),
        "sponsor_warnings": services.warn_expiring_sponsorships(),
        "sponsorships_ended": services.end_sponsorships(),
        "events_retried": services.retry_pending_events(),
    }
