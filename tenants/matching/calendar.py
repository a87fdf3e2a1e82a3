"""A volunteer's calendar feed (iCal): their live tasks, at a secret URL calendar apps poll.

Calendar apps cannot log in, so the URL carries a secret. Only its hash is stored (as with
team invitations): the table alone opens no feed, and a new link kills the old URL at once.

A calendar lives on someone else's servers (Google's, Apple's...), so an event carries only
what is safe there: the kind of help, the day, a rough area (a postcode district: thousands
of addresses, see core.geo.postcodes.district) and a link to the volunteer's day page, where
they log in for the rest. Never the person's name, address, phone, what is needed, how to get
in or a key-safe code. The feed reads requests as the public may see them (the privacy
engine's public level); the district is derived from the postcode here and nothing else of it
leaves, as the nearby list turns a point into a blurred area.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from core.audit.services import record
from core.geo.postcodes import district
from core.privacy.engine import PUBLIC, show_many
from tenants.requests.models import LIVE_STATUSES, HelpRequest
from tenants.volunteers.models import VolunteerProfile

PRODID = "-//Mutual Aid Commons//Volunteer tasks//EN"
TOKEN_BYTES = 32
# How often calendar apps are asked to fetch the feed again.
REFRESH = timedelta(hours=1)
# What an event may show: public-level fields only (see the module's docstring).
FEED_FIELDS = ("type", "status", "scheduled_for", "wanted_from", "wanted_until", "updated_at")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def new_calendar_link(*, user) -> str:
    """A new secret for the volunteer's feed (the old URL stops working); returns the token,
    which is shown once and never stored."""
    profile = VolunteerProfile.objects.select_for_update().get(user=user)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    replaced = bool(profile.calendar_token_hash)
    profile.calendar_token_hash = hash_token(token)
    profile.save(update_fields=["calendar_token_hash"])
    record(actor=user, action="volunteer.calendar_link", target=profile,
           data={"replaced": replaced})
    return token


@transaction.atomic
def stop_calendar_link(*, user) -> None:
    """No feed any more: the URL stops working."""
    profile = VolunteerProfile.objects.select_for_update().get(user=user)
    if profile.calendar_token_hash:
        profile.calendar_token_hash = ""
        profile.save(update_fields=["calendar_token_hash"])
        record(actor=user, action="volunteer.calendar_stop", target=profile)


def volunteer_for_token(token: str) -> VolunteerProfile | None:
    """Whose feed this is, in the current group; None for an unknown (or reset) token and for
    someone who has left."""
    if not token:
        return None
    return (VolunteerProfile.objects.select_related("user")
            .filter(calendar_token_hash=hash_token(token))
            .exclude(status=VolunteerProfile.Status.LEFT).first())


@dataclass(frozen=True)
class FeedEvent:
    request_id: int
    kind: str  # the kind of help, with its icon
    first: date
    last: date
    planned: bool  # a planned day (else the days it is wanted)
    area: str  # a postcode district, or ""
    changed: datetime


def feed_events(*, user) -> list[FeedEvent]:
    """The volunteer's live tasks that have a day (planned, or wanted)."""
    tasks = list(HelpRequest.objects.filter(volunteer=user, status__in=LIVE_STATUSES)
                 .filter(Q(scheduled_for__isnull=False) | Q(wanted_from__isnull=False))
                 .select_related("type").order_by("scheduled_for", "wanted_from", "pk"))
    country = getattr(getattr(connection, "tenant", None), "country", "")
    country = getattr(country, "code", country) or ""
    events = []
    for task, seen in zip(tasks, show_many(PUBLIC, tasks, why="calendar feed",
                                           fields=FEED_FIELDS)):
        first = seen.scheduled_for or seen.wanted_from
        last = seen.scheduled_for or seen.wanted_until or seen.wanted_from
        events.append(FeedEvent(
            request_id=task.pk, kind=f"{seen.type.icon} {seen.type.label}", first=first,
            last=max(first, last), planned=seen.scheduled_for is not None,
            area=district(country, task.postcode), changed=seen.updated_at))
    return events


def calendar_feed(*, events: list[FeedEvent], name: str, host: str,
                  day_url: Callable[[date], str]) -> bytes:
    """The iCalendar (RFC 5545) document: one all-day event per task."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))  # an x- property: typed by hand
    for e in events:
        event = Event()
        event.add("uid", f"request-{e.request_id}@{host}")
        event.add("dtstamp", e.changed)
        event.add("last-modified", e.changed)
        event.add("dtstart", e.first)
        event.add("dtend", e.last + timedelta(days=1))  # all-day: the end is exclusive
        event.add("summary", e.kind)
        when = (_("Planned for this day.") if e.planned
                else _("Wanted on one of these days; no day is planned yet."))
        event.add("description", "\n".join([when, _(
            "The details are on your day page, for you only: %(url)s") % {
                "url": day_url(e.first)}]))
        event.add("url", day_url(e.first))
        if e.area:
            event.add("location", _("Near %(area)s") % {"area": e.area})
        event.add("transp", "TRANSPARENT")  # all-day reminders, not busy time
        cal.add_component(event)
    return cal.to_ical()
