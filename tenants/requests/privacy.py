"""Field levels of requests (see core/privacy/registry.py and DESIGN.md's privacy model).

The person's name, contact and exact place are for the volunteer doing the request, only
while it is live (claimed, assigned, in progress), and for coordinators; volunteers looking
for something to do see what is needed and roughly where."""

from core.privacy.registry import declare
from tenants.forms.holders import holds_answers
from tenants.requests.models import HelpRequest, RequestEvent, RequestType

declare(RequestType,
        public=["id", "code", "name", "names", "icon", "mode", "vetting_level",
                "checkin_required", "active", "position"])

declare(HelpRequest,
        public=["id", "type", "status", "urgency", "wanted_from", "wanted_until", "recurrence",
                "scheduled_for", "created_at", "updated_at", "erased_at"],
        volunteer=["description", "language", "area_cell"],
        assigned=["person_name", "person_phone", "person_email", "address", "postcode", "lat",
                  "lng", "cell", "access_notes", "keysafe_code"],
        staff=["requester_name", "consent_recorded", "location_status", "channel", "volunteer",
               "deprivation_decile",
               "logged_by", "submission_key"],
        # Answers to the group's own questions: each question has its own level, applied by
        # tenants.forms.selectors; the raw dict only goes to those cleared for all of them.
        restricted=["answers"],
        personal=["description", "person_name", "person_phone", "person_email",
                  "requester_name", "address", "postcode", "lat", "lng", "cell",
                  "access_notes", "keysafe_code", "answers"],
        assigned_to=lambda r: r.volunteer_id if r.is_live else None)
holds_answers(HelpRequest, form="request")

declare(RequestEvent,
        public=["id", "request", "from_status", "to_status", "day", "at"],
        staff=["actor", "note"],
        personal=["note"])
