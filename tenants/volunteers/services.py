"""Writes to volunteers: registration and the status a coordinator moves them through.

applied -> active (a coordinator approves) -> paused <-> active -> left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from core.accounts.models import User
from core.accounts.services import create_member
from core.audit.services import record
from core.errors import Refused
from core.tenancy.entitlements import ensure_room
from core.geo.cells import SEARCH_RESOLUTION, cell_for
from tenants.requests.models import RequestType
from tenants.volunteers.models import AvailabilityWindow, VolunteerProfile

V = VolunteerProfile.Status
MOVES = {
    "approve": (frozenset({V.APPLIED}), V.ACTIVE),
    "pause": (frozenset({V.ACTIVE}), V.PAUSED),
    "resume": (frozenset({V.PAUSED}), V.ACTIVE),
    "leave": (frozenset({V.APPLIED, V.ACTIVE, V.PAUSED}), V.LEFT),
}


class VolunteerStatusRefused(Refused):
    """That status change is not possible from the volunteer's current status."""


@dataclass(frozen=True)
class Registration:
    name: str
    email: str
    password: str
    request_type_codes: list[str]
    languages: list[str] = field(default_factory=list)
    postcode: str = ""
    address: str = ""
    radius_km: float = 3
    travel: str = VolunteerProfile.Travel.WALK
    max_per_week: int = 3
    availability: list[tuple[int, time, time]] = field(default_factory=list)
    location: tuple[float, float, str] | None = None  # lat, lng, h3 cell, if geocoded
    answers: dict = field(default_factory=dict)  # to the group's own questions (tenants.forms)


@transaction.atomic
def register_volunteer(*, registration: Registration) -> VolunteerProfile:
    """A volunteer account in the active group, status applied until a coordinator approves."""
    r = registration
    user = create_member(email=r.email, name=r.name, role=User.Role.VOLUNTEER, password=r.password)
    return _create_profile(user, r, action="volunteer.register")


@transaction.atomic
def complete_profile(*, user: User, registration: Registration) -> VolunteerProfile:
    """The profile of a volunteer whose account came first (an invitation accepted): what
    they will do, where and when; `registration`'s account fields are not used. Status
    applied until a coordinator approves, as for everyone."""
    if user.role != User.Role.VOLUNTEER:
        raise Refused(_("Only volunteers have a volunteer profile."))
    if VolunteerProfile.objects.select_for_update().filter(user=user).exists():
        raise Refused(_("Your volunteer profile is already set up."))
    return _create_profile(user, registration, action="volunteer.complete_profile")


def _create_profile(user: User, r: Registration, *, action: str) -> VolunteerProfile:
    lat, lng, cell = r.location or (None, None, "")
    profile = VolunteerProfile.objects.create(
        user=user, languages=r.languages, postcode=r.postcode, address=r.address,
        radius_km=r.radius_km, travel=r.travel, max_per_week=r.max_per_week,
        lat=lat, lng=lng, cell=cell,
        area_cell=cell_for(lat, lng, SEARCH_RESOLUTION) if r.location else "",
        answers=r.answers,
    )
    profile.request_types.set(RequestType.objects.filter(code__in=r.request_type_codes,
                                                         active=True))
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(profile=profile, weekday=day, starts=start, ends=end)
        for day, start, end in r.availability
    )
    record(actor=user, action=action, target=profile)
    return profile


@transaction.atomic
def move_volunteer(*, profile_id: int, move: str, actor) -> VolunteerProfile:
    """approve / pause / resume / leave. Raises VolunteerStatusRefused, or LimitReached when
    the plan has no room for another active volunteer."""
    allowed_from, to = MOVES[move]
    profile = VolunteerProfile.objects.select_for_update().get(pk=profile_id)
    if profile.status not in allowed_from:
        raise VolunteerStatusRefused(
            _("This volunteer is %(status)s; that change is not possible.")
            % {"status": profile.get_status_display()}
        )
    if to == V.ACTIVE:  # approve, resume: the plan's active-volunteer limit
        ensure_room(connection.tenant, "active_volunteers")
    previous, profile.status = profile.status, to
    profile.save(update_fields=["status", "status_changed_at"])
    record(actor=actor, action=f"volunteer.{move}", target=profile,
           data={"from": previous, "to": to})
    return profile


def locate_home(*, country: str, postcode: str) -> tuple[float, float, str] | None:
    """Where a volunteer lives, as (lat, lng, cell), or None if it cannot be found."""
    from core.geo.geocoding import geocode

    found = geocode(country=country, postcode=postcode)
    return (found.lat, found.lng, found.h3_cell) if found.ok else None
