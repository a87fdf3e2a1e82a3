"""Field levels of team invitations (see core/privacy/registry.py): admins' business only.
The invited address is personal data."""

from core.privacy.registry import declare
from tenants.team.models import Invitation

declare(Invitation,
        public=["id"],
        restricted=["email", "role", "token_hash", "invited_by", "created_at", "expires_at",
                    "sent_count", "last_sent_at", "accepted_at", "revoked_at"],
        personal=["email"])
