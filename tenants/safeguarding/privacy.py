"""Field levels of safeguarding (see core/privacy/registry.py).

A concern's contents, and who raised it, are RESTRICTED. On top of the levels, concerns are
gated by person: only the group's named safeguarding leads read them (selectors.py), and a
lead is cleared to RESTRICTED for concerns whatever their role. The person who raised one
sees its PUBLIC fields only (its state). Nobody is a concern's `subject`: the person it is
about must never be cleared to read it."""

from core.privacy.registry import declare
from tenants.safeguarding.models import (
    CheckIn, Concern, ConcernNote, SafeguardingLead, SafeguardingSettings,
)

declare(SafeguardingLead,
        public=["id"],
        volunteer=["user"],  # members may know whom a concern goes to
        staff=["named_by", "named_at"])

declare(SafeguardingSettings,
        public=["id", "checkin_minutes"],
        staff=["updated_by", "updated_at"])

declare(Concern,
        public=["id", "state", "raised_at"],
        restricted=["raised_by", "request", "member", "about", "what_happened", "urgency",
                    "acknowledged_by", "acknowledged_at", "closed_by", "closed_at"],
        personal=["raised_by", "member", "about", "what_happened"])

declare(ConcernNote,
        public=["id"],
        restricted=["concern", "author", "text", "at"],
        personal=["text"])

# The volunteer sees their own check-ins (as their subject); coordinators see who is out on a
# visit and whether they were alerted.
declare(CheckIn,
        public=["id"],
        assigned=["request", "volunteer", "started_at", "due_at", "confirmed_at"],
        staff=["alerted_at"],
        subject=lambda c: c.volunteer_id)
