"""Field levels of billing's models (see core/privacy/registry.py). Billing is for a group's
admins and the platform's operators; it holds no one's personal data beyond an operator's
email on a sponsor."""

from billing.models import BillingAccount, Sponsor, SponsorCode, StripeEvent
from core.privacy.registry import declare

declare(BillingAccount, public=["id", "group"],
        restricted=["stripe_customer_id", "stripe_subscription_id", "state", "plan",
                    "current_period_end", "cancel_at_period_end", "grace_ends_at",
                    "sponsor_code", "sponsored_until", "sponsor_warned_days", "updated_at"])
declare(StripeEvent, public=["id"],
        restricted=["event_id", "type", "payload", "received_at", "processed_at", "outcome",
                    "attempts"])
declare(Sponsor, public=["id", "name"],
        restricted=["max_groups", "ends_on", "created_at", "created_by"])
declare(SponsorCode, public=["id"],
        restricted=["sponsor", "code", "redeemed_at", "redeemed_by"])
