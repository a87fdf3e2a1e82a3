"""Field levels of vetting (see core/privacy/registry.py): a volunteer sees the state of
their own checks; the provider's details and certificate numbers are for coordinators; the
group's provider credentials for admins only."""

from core.privacy.registry import declare
from tenants.vetting.models import ProcessedEvent, ProviderAccount, VettingCheck

declare(VettingCheck,
        public=["id"],
        assigned=["level", "state", "expires_on", "action_url"],
        staff=["profile", "provider", "provider_reference", "provider_status",
               "certificate_number", "document", "reminded_on", "reviewed_by",
               "reviewed_at", "requested_by", "created_at", "updated_at"],
        personal=["provider_reference", "action_url", "provider_status", "certificate_number",
                  "document"],
        subject=lambda c: c.profile.user_id)

declare(ProviderAccount,
        public=["id"],
        restricted=["provider", "credentials", "updated_at", "updated_by"])

declare(ProcessedEvent,
        public=["id"],
        staff=["provider", "event_id", "received_at"])
