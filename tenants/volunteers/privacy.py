"""Field levels of volunteers (see core/privacy/registry.py): a volunteer's home is for them
and the coordinators; what they do, for coordinators."""

from core.privacy.registry import declare
from tenants.forms.holders import holds_answers
from tenants.volunteers.models import AvailabilityWindow, VolunteerProfile

declare(VolunteerProfile,
        public=["id", "erased_at"],
        assigned=["postcode", "address", "lat", "lng", "cell", "area_cell"],
        staff=["user", "status", "languages", "radius_km", "travel", "max_per_week",
               "vetting_level", "applied_at", "status_changed_at", "request_types"],
        # Answers to the group's own questions: levelled question by question (tenants.forms).
        restricted=["answers", "calendar_token_hash"],
        personal=["postcode", "address", "lat", "lng", "cell", "area_cell", "languages",
                  "answers"],
        subject=lambda p: p.user_id)
holds_answers(VolunteerProfile, form="volunteer")

declare(AvailabilityWindow,
        public=["id"],
        staff=["profile", "weekday", "starts", "ends"],
        subject=lambda w: w.profile.user_id)
