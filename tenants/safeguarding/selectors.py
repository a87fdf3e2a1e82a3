"""Reads for safeguarding, scoped to the viewer.

Concerns are for the named safeguarding leads only: every read of a concern's contents goes
through `concerns_for_lead` / `concern_for_lead`, which treat anyone else exactly like a
concern that does not exist (the views answer 404: nothing leaks, not even that it exists).
A lead is cleared to RESTRICTED for concerns, whatever their role, and each reveal is audited
by the privacy engine. The person who raised a concern sees its public columns: its state.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from django.db.models import QuerySet

from core.accounts.decorators import STAFF_ROLES
from core.accounts.models import User
from core.privacy.engine import Shown, Viewer, columns, show, show_many
from core.privacy.levels import Level
from tenants.safeguarding.models import (
    DEFAULT_CHECKIN_MINUTES, CheckIn, Concern, ConcernNote, SafeguardingLead,
    SafeguardingSettings,
)

LIST_LIMIT = 100
# What a lead's pages display: every field of a concern and of its notes.
CONCERN_FIELDS = ("state", "raised_at", "raised_by", "request", "member", "about",
                  "what_happened", "urgency", "acknowledged_by", "acknowledged_at", "closed_by",
                  "closed_at")
LIST_FIELDS = ("state", "raised_at", "urgency", "about", "request", "member")
NOTE_FIELDS = ("author", "text", "at")


# --- leads -------------------------------------------------------------------------------

def leads() -> QuerySet[User]:
    """The group's safeguarding leads who can act now: named, active, still staff."""
    return (User.objects.filter(is_active=True, role__in=STAFF_ROLES,
                                pk__in=SafeguardingLead.objects.values("user_id"))
            .order_by("name", "pk"))


def lead_candidates() -> QuerySet[User]:
    """Coordinators and admins not yet named."""
    return (User.objects.filter(is_active=True, role__in=STAFF_ROLES)
            .exclude(pk__in=SafeguardingLead.objects.values("user_id")).order_by("name", "pk"))


def is_lead(user) -> bool:
    if not getattr(user, "is_authenticated", False) or user.role not in STAFF_ROLES:
        return False
    return user.is_active and SafeguardingLead.objects.filter(user_id=user.pk).exists()


def _lead_viewer(user) -> Viewer:
    # Named lead: cleared for the concerns' restricted fields (a coordinator otherwise isn't).
    return Viewer(user, Level.RESTRICTED)


# --- concerns, for leads ---------------------------------------------------------------

def concerns_for_lead(*, user, closed: bool = False) -> list[Shown]:
    """Open and acknowledged concerns (or the latest closed ones), newest first. Anyone who
    is not a lead gets Concern.DoesNotExist."""
    if not is_lead(user):
        raise Concern.DoesNotExist
    rows = Concern.objects.select_related("request__type", "member")
    rows = rows.filter(state=Concern.State.CLOSED) if closed \
        else rows.exclude(state=Concern.State.CLOSED)
    return show_many(_lead_viewer(user), list(rows[:LIST_LIMIT]), why="safeguarding lead",
                     fields=LIST_FIELDS)


def concern_for_lead(*, user, concern_id: int) -> tuple[Shown, list[Shown]]:
    """One concern and its notes, for a lead; Concern.DoesNotExist for anyone else."""
    if not is_lead(user):
        raise Concern.DoesNotExist
    concern = (Concern.objects.select_related("request__type", "member", "raised_by",
                                              "acknowledged_by", "closed_by")
               .get(pk=concern_id))
    viewer = _lead_viewer(user)
    notes = list(ConcernNote.objects.filter(concern=concern).select_related("author"))
    return (show(viewer, concern, why="safeguarding lead", fields=CONCERN_FIELDS),
            show_many(viewer, notes, why="safeguarding lead", fields=NOTE_FIELDS))


def open_concern_count(*, user) -> int:
    return Concern.objects.exclude(state=Concern.State.CLOSED).count() if is_lead(user) else 0


# --- concerns, for the person who raised them ------------------------------------------

class RaisedConcern(NamedTuple):
    id: int
    state: str
    state_label: str
    raised_at: datetime


def raised_by_me(*, user, concern_id: int | None = None) -> list[RaisedConcern]:
    """What the person who raised concerns may see of them: when, and their state."""
    public = columns(Concern, Level.PUBLIC)
    rows = Concern.objects.filter(raised_by_id=user.pk)
    if concern_id is not None:
        rows = rows.filter(pk=concern_id)
    return [RaisedConcern(r["id"], r["state"], Concern.State(r["state"]).label, r["raised_at"])
            for r in rows.values(*sorted(public))[:LIST_LIMIT]]


# --- check-ins ---------------------------------------------------------------------------

def checkin_minutes() -> int:
    """How long after starting a visit the volunteer's check-in is due, in this group."""
    row = SafeguardingSettings.objects.filter(pk=1).only("checkin_minutes").first()
    return row.checkin_minutes if row else DEFAULT_CHECKIN_MINUTES


def open_checkins(*, user) -> list[CheckIn]:
    """The volunteer's own check-ins not confirmed yet, soonest due first."""
    return list(CheckIn.objects.filter(volunteer_id=user.pk, confirmed_at__isnull=True)
                .select_related("request__type"))


def missed(*, now: datetime) -> QuerySet[CheckIn]:
    """Check-ins past due, unconfirmed, nobody alerted yet (the partial index's rows)."""
    return CheckIn.objects.filter(confirmed_at__isnull=True, alerted_at__isnull=True,
                                  due_at__lte=now)


def staff_to_alert() -> list[User]:
    return list(User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("pk"))


def admins() -> list[User]:
    return list(User.objects.filter(is_active=True, role=User.Role.ADMIN).order_by("pk"))
