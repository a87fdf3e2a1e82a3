"""The hard rules: may this volunteer take this request? One place, used by self-service
claims, coordinators' suggestions and auto-assign."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.geo.cells import distance_km
from tenants.requests.models import HelpRequest, RequestEvent, RequestType
from tenants.volunteers.models import VolunteerProfile


def start_of_week(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now)
    monday = now - timedelta(days=now.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def tasks_this_week(profile: VolunteerProfile) -> int:
    """Requests this volunteer claimed or was given since Monday."""
    return RequestEvent.objects.filter(
        request__volunteer=profile.user, to_status__in=["claimed", "assigned"],
        at__gte=start_of_week(),
    ).values("request").distinct().count()


def refusal(profile: VolunteerProfile, request: HelpRequest, *, vetting_waived: bool = False):
    """Why this volunteer may not take this request (a kind, translated sentence), or None.
    `vetting_waived`: an admin's audited override (dispatch.assign) skips the vetting rule."""
    if profile.status != VolunteerProfile.Status.ACTIVE:
        return _("Your volunteering is not active yet: a coordinator will approve it soon.")
    if not profile.request_types.filter(pk=request.type_id).exists():
        return _("This kind of help is not on your list. You can add it to your profile.")
    if not vetting_waived and profile.vetting_level < request.type.vetting_level:
        return _("This kind of help needs a check you have not had yet.")
    if request.type.mode == RequestType.Mode.IN_PERSON and _too_far(profile, request):
        return _("This request is further away than you said you would travel.")
    if tasks_this_week(profile) >= profile.max_per_week:
        return _("You have reached your limit of tasks for this week. Thank you!")
    return None


def _too_far(profile: VolunteerProfile, request: HelpRequest) -> bool:
    if None in (profile.lat, profile.lng, request.lat, request.lng):
        return False  # unknown location: a coordinator decides
    return distance_km((profile.lat, profile.lng), (request.lat, request.lng)) > profile.radius_km
