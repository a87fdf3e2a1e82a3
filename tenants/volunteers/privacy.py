"""Field levels of volunteers (see core/privacy/registry.py): a volunteer's home is for them
and the coordinators; what they do, for coordinators."""

from core.privacy.registry import declare
from tenants.volunteers.models import AvailabilityWindow, VolunteerProfile

declare(VolunteerProfile,
        public=["id", "erased_at"],
        assigned=["postcode", "address", "lat", "lng", "cell", "area_cell"],
        staff=["user", "status", "languages", "radius_km", "travel", "max_per_week",
               "vetting_level", "applied_at", "status_changed_at", "request_types"],
        personal=["postcode", "address", "lat", "lng", "cell", "area_cell", "languages"],
        subject=lambda p: p.user_id)

declare(AvailabilityWindow,
        public=["id"],
        staff=["profile", "weekday", "starts", "ends"],
        subject=lambda w: w.profile.user_id)
