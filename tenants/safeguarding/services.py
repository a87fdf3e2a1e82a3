"""Writes to safeguarding. Each is one change in one transaction with an audit row; emails go
after the commit. Audit rows name what was done, never what a concern says.

Concern: open -> acknowledged -> closed (or open -> closed), by a lead, with notes.
Check-in: due (after a visit is started) -> confirmed by the volunteer; past due and
unconfirmed -> the coordinators are alerted once (a later confirmation tells them too).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.accounts.decorators import STAFF_ROLES
from core.accounts.models import User
from core.audit.services import entry, record, record_many
from core.errors import Refused
from tenants.requests.models import HelpRequest
from tenants.safeguarding import emails, selectors
from tenants.safeguarding.models import (
    MAX_CHECKIN_MINUTES, MIN_CHECKIN_MINUTES, CheckIn, Concern, ConcernNote, SafeguardingLead,
    SafeguardingSettings,
)

ABOUT_MAX = Concern._meta.get_field("about").max_length
TEXT_MAX = Concern._meta.get_field("what_happened").max_length
NOTE_MAX = ConcernNote._meta.get_field("text").max_length


def _admin(actor) -> None:
    if not getattr(actor, "is_group_admin", False):
        raise Refused(_("Only an admin can do that."))


# --- leads and settings ------------------------------------------------------------------

@transaction.atomic
def name_lead(*, user_id: int, actor: User) -> SafeguardingLead:
    """An admin names a coordinator or admin as a safeguarding lead."""
    _admin(actor)
    user = User.objects.filter(pk=user_id, is_active=True, role__in=STAFF_ROLES).first()
    if user is None:
        raise Refused(_("Only active coordinators and admins can be safeguarding leads."))
    lead, created = SafeguardingLead.objects.get_or_create(user=user,
                                                           defaults={"named_by": actor})
    if created:
        record(actor=actor, action="safeguarding.name_lead", target=lead,
               data={"user": user.pk})
    return lead


@transaction.atomic
def remove_lead(*, user_id: int, actor: User) -> bool:
    _admin(actor)
    lead = SafeguardingLead.objects.select_for_update().filter(user_id=user_id).first()
    if lead is None:
        return False
    record(actor=actor, action="safeguarding.remove_lead", target=lead, data={"user": user_id})
    lead.delete()
    return True


@transaction.atomic
def set_checkin_minutes(*, minutes: int, actor: User) -> SafeguardingSettings:
    """An admin sets how long after starting a visit a volunteer's check-in is due."""
    _admin(actor)
    if not MIN_CHECKIN_MINUTES <= minutes <= MAX_CHECKIN_MINUTES:
        raise Refused(_("Choose between %(low)d and %(high)d minutes.")
                      % {"low": MIN_CHECKIN_MINUTES, "high": MAX_CHECKIN_MINUTES})
    row, _created = SafeguardingSettings.objects.select_for_update().get_or_create(pk=1)
    previous = row.checkin_minutes
    row.checkin_minutes, row.updated_by = minutes, actor
    row.save()
    record(actor=actor, action="safeguarding.checkin_minutes", target=row,
           data={"from": previous, "to": minutes})
    return row


# --- concerns ----------------------------------------------------------------------------

@transaction.atomic
def raise_concern(*, actor: User, what_happened: str, urgency: str, about: str = "",
                  request_id: int | None = None, member_id: int | None = None) -> Concern:
    """Any member raises a concern; the leads are emailed a link (never its contents)."""
    what_happened, about = (what_happened or "").strip(), (about or "").strip()
    if not getattr(actor, "is_authenticated", False) or not actor.role:
        raise Refused(_("Please log in as a member of this group."))
    if not what_happened:
        raise Refused(_("Please say what happened."))
    if len(what_happened) > TEXT_MAX or len(about) > ABOUT_MAX:
        raise Refused(_("That is too long. Please shorten it."))
    if urgency not in Concern.Urgency.values:
        raise Refused(_("Please say how urgent it is."))
    request = _request_for(actor, request_id)
    member = _member_for(actor, member_id)
    if not (about or request or member):
        raise Refused(_("Please say who or which visit it is about."))
    concern = Concern.objects.create(raised_by=actor, what_happened=what_happened,
                                     urgency=urgency, about=about, request=request,
                                     member=member)
    record(actor=actor, action="safeguarding.raise", target=concern, data={"urgency": urgency})
    transaction.on_commit(partial(_tell_leads_soon, concern.pk, connection.schema_name),
                          robust=True)
    return concern


def _request_for(actor: User, request_id: int | None) -> HelpRequest | None:
    if request_id is None:
        return None
    rows = HelpRequest.objects.filter(pk=request_id)
    if actor.role not in STAFF_ROLES:
        rows = rows.filter(volunteer_id=actor.pk)  # volunteers name their own visits only
    request = rows.first()
    if request is None:
        raise Refused(_("We could not find that request among yours. Leave the number out "
                        "and describe the visit instead."))
    return request


def _member_for(actor: User, member_id: int | None) -> User | None:
    if member_id is None:
        return None
    member = User.objects.filter(pk=member_id).exclude(role="").first() \
        if actor.role in STAFF_ROLES else None
    if member is None:
        raise Refused(_("Please describe the person in words instead."))
    return member


def _tell_leads_soon(concern_id: int, schema: str) -> None:
    from tenants.safeguarding.tasks import tell_leads

    tell_leads.apply_async((concern_id,), group=schema)


def _lead_concern(concern_id: int, actor: User) -> Concern:
    # Anyone but a lead is told the concern does not exist, as for a wrong number.
    if not selectors.is_lead(actor):
        raise Concern.DoesNotExist
    return Concern.objects.select_for_update().get(pk=concern_id)


def _note(concern: Concern, actor: User, text: str) -> ConcernNote | None:
    text = (text or "").strip()
    if len(text) > NOTE_MAX:
        raise Refused(_("That note is too long. Please shorten it."))
    return ConcernNote.objects.create(concern=concern, author=actor, text=text) if text else None


@transaction.atomic
def acknowledge_concern(*, concern_id: int, actor: User, note: str = "") -> Concern:
    concern = _lead_concern(concern_id, actor)
    if concern.state != Concern.State.OPEN:
        raise Refused(_("This concern is no longer open: it has been acknowledged or closed."))
    _note(concern, actor, note)
    concern.state = Concern.State.ACKNOWLEDGED
    concern.acknowledged_by, concern.acknowledged_at = actor, timezone.now()
    concern.save(update_fields=["state", "acknowledged_by", "acknowledged_at"])
    record(actor=actor, action="safeguarding.acknowledge", target=concern)
    return concern


@transaction.atomic
def close_concern(*, concern_id: int, actor: User, note: str = "") -> Concern:
    concern = _lead_concern(concern_id, actor)
    if concern.state == Concern.State.CLOSED:
        raise Refused(_("This concern is already closed."))
    _note(concern, actor, note)
    previous = concern.state
    concern.state = Concern.State.CLOSED
    concern.closed_by, concern.closed_at = actor, timezone.now()
    concern.save(update_fields=["state", "closed_by", "closed_at"])
    record(actor=actor, action="safeguarding.close", target=concern, data={"from": previous})
    return concern


@transaction.atomic
def add_concern_note(*, concern_id: int, actor: User, text: str) -> ConcernNote:
    concern = _lead_concern(concern_id, actor)
    note = _note(concern, actor, text)
    if note is None:
        raise Refused(_("Please write the note first."))
    record(actor=actor, action="safeguarding.note", target=concern, data={"note": note.pk})
    return note


# --- check-ins ---------------------------------------------------------------------------

@transaction.atomic
def expect_checkin(*, request: HelpRequest, volunteer: User) -> CheckIn | None:
    """A visit was just started: if its kind of help needs it, a check-in falls due later.
    Called by the step that starts a task (tenants.matching.services.start_task)."""
    if not request.type.checkin_required:
        return None
    waiting = CheckIn.objects.filter(request=request, confirmed_at__isnull=True).first()
    if waiting is not None:
        return waiting
    now = timezone.now()
    checkin = CheckIn.objects.create(
        request=request, volunteer=volunteer, started_at=now,
        due_at=now + timedelta(minutes=selectors.checkin_minutes()))
    record(actor=volunteer, action="safeguarding.checkin_due", target=checkin,
           data={"request": request.pk, "due_at": checkin.due_at.isoformat()})
    return checkin


@transaction.atomic
def confirm_checkin(*, checkin_id: int, actor: User) -> CheckIn:
    """The volunteer says they are safe and well. Someone else's check-in does not exist
    for them (CheckIn.DoesNotExist). Confirming twice changes nothing."""
    checkin = CheckIn.objects.select_for_update().get(pk=checkin_id, volunteer_id=actor.pk)
    if checkin.confirmed_at is not None:
        return checkin
    checkin.confirmed_at = timezone.now()
    checkin.save(update_fields=["confirmed_at"])
    late = checkin.alerted_at is not None
    record(actor=actor, action="safeguarding.checkin_confirm", target=checkin,
           data={"after_alert": late})
    if late:  # the coordinators were told to worry: tell them it is all right
        transaction.on_commit(partial(emails.checked_in_after_alert, checkin.pk), robust=True)
    return checkin


@transaction.atomic
def alert_missed_checkins(*, now: datetime | None = None) -> int:
    """Mark check-ins past due as alerted, once each; the coordinators and admins are
    emailed after the commit. Returns how many were missed."""
    now = now or timezone.now()
    missed = list(selectors.missed(now=now).select_for_update(skip_locked=True)
                  .only("pk", "request_id", "volunteer_id", "due_at"))
    if not missed:
        return 0
    CheckIn.objects.filter(pk__in=[c.pk for c in missed]).update(alerted_at=now)
    record_many(entry(actor=None, action="safeguarding.checkin_missed", target=c,
                      data={"request": c.request_id, "volunteer": c.volunteer_id,
                            "due_at": c.due_at.isoformat()}) for c in missed)
    transaction.on_commit(partial(emails.missed_checkins, [c.pk for c in missed]), robust=True)
    return len(missed)
