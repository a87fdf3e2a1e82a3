"""Field levels of the audit log (see core/privacy/registry.py): admins read it."""

from core.audit.models import AuditEntry
from core.privacy.registry import declare

declare(AuditEntry,
        public=["id"],
        restricted=["at", "actor", "actor_label", "action", "target_type", "target_id",
                    "fields", "reason", "data"],
        # Erasing a person keeps the log, with a pseudonym where their email was.
        personal=["actor_label"])
