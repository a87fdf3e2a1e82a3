"""What the plan's active-volunteer limit counts (core.tenancy.entitlements)."""

from core.tenancy.entitlements import measures
from tenants.volunteers.models import VolunteerProfile


@measures("active_volunteers")
def active_volunteers() -> int:
    return VolunteerProfile.objects.filter(status=VolunteerProfile.Status.ACTIVE).count()
