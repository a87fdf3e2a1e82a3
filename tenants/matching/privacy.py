"""Field levels of matching's settings (see core/privacy/registry.py). The weights are no
secret: they say how the group orders its queue."""

from core.privacy.registry import declare
from tenants.matching.models import PrioritySettings

declare(PrioritySettings,
        public=["id", "urgency_weight", "waiting_weight", "deprivation_weight"],
        staff=["updated_by", "updated_at"])
