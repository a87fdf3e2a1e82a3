"""Safeguarding emails, each in its reader's language. Email is not a safe channel: a
concern's email is only a link to it (the site checks who is reading); a missed check-in's
names the volunteer and the request number, nothing about the person visited."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.accounts.models import User
from tenants.safeguarding import selectors
from tenants.safeguarding.models import CheckIn


def _language(user: User) -> str:
    return user.preferred_language or connection.tenant.default_language


def _url(name: str, *args) -> str:
    # Group URLs (mutualaid.urls_group) on the group's own host.
    domain = connection.tenant.get_primary_domain().domain
    return f"https://{domain}{reverse(name, args=args, urlconf=settings.ROOT_URLCONF)}"


def _time(moment) -> str:
    try:
        zone = ZoneInfo(connection.tenant.timezone or settings.TIME_ZONE)
    except (ValueError, KeyError):
        zone = ZoneInfo(settings.TIME_ZONE)
    return formats.date_format(timezone.localtime(moment, zone), "TIME_FORMAT")


def tell_leads(concern_id: int) -> int:
    """A new concern: every lead gets a link to it. With no lead named, the admins are asked
    to name one (they are not told anything about the concern). Returns emails sent."""
    group = connection.tenant
    leads = list(selectors.leads())
    for lead in leads:
        with translation.override(_language(lead)):
            send_mail(
                subject=_("%(group)s: a safeguarding concern has been raised")
                % {"group": group.name},
                message=_("Hello %(name)s,\n\nSomeone has raised a safeguarding concern with "
                          "you, as a safeguarding lead of %(group)s.\nFor everyone's safety "
                          "the details are not in this email. Please read them on the site "
                          "as soon as you can:\n%(url)s\n")
                % {"name": lead.get_short_name(), "group": group.name,
                   "url": _url("safeguarding_concern", concern_id)},
                from_email=None, recipient_list=[lead.email],
            )
    if leads:
        return len(leads)
    admins = selectors.admins()
    for admin in admins:
        with translation.override(_language(admin)):
            send_mail(
                subject=_("%(group)s: please name a safeguarding lead") % {"group": group.name},
                message=_("Hello %(name)s,\n\nA safeguarding concern has been raised, and "
                          "nobody in %(group)s is named as a safeguarding lead to read it.\n"
                          "Please name one or more leads now:\n%(url)s\n")
                % {"name": admin.get_short_name(), "group": group.name,
                   "url": _url("safeguarding_leads")},
                from_email=None, recipient_list=[admin.email],
            )
    return len(admins)


def missed_checkins(checkin_ids: list[int]) -> int:
    """Coordinators and admins: these volunteers have not said they are safe and well."""
    checkins = list(CheckIn.objects.filter(pk__in=checkin_ids)
                    .select_related("volunteer").order_by("due_at", "pk"))
    staff = selectors.staff_to_alert() if checkins else []
    group = connection.tenant
    for person in staff:
        with translation.override(_language(person)):
            lines = "\n".join(
                _("- %(volunteer)s, request %(number)s, started %(started)s, due by %(due)s: "
                  "%(url)s") % {
                    "volunteer": c.volunteer.name or c.volunteer.email,
                    "number": f"#{c.request_id}", "started": _time(c.started_at),
                    "due": _time(c.due_at), "url": _url("dispatch_request", c.request_id)}
                for c in checkins)
            send_mail(
                subject=_("%(group)s: a volunteer has not checked in") % {"group": group.name},
                message=_("Hello %(name)s,\n\nThese volunteers started a visit and have not "
                          "yet said they are safe and well:\n%(lines)s\n\nPlease try to "
                          "reach them now.\n") % {"name": person.get_short_name(),
                                                  "lines": lines},
                from_email=None, recipient_list=[person.email],
            )
    return len(staff)


def checked_in_after_alert(checkin_id: int) -> int:
    """The all-clear, after a missed check-in's alert."""
    checkin = CheckIn.objects.select_related("volunteer").get(pk=checkin_id)
    group = connection.tenant
    staff = selectors.staff_to_alert()
    for person in staff:
        with translation.override(_language(person)):
            send_mail(
                subject=_("%(group)s: %(volunteer)s is safe and well")
                % {"group": group.name, "volunteer": checkin.volunteer.name},
                message=_("Hello %(name)s,\n\n%(volunteer)s has now said they are safe and "
                          "well (request %(number)s).\n")
                % {"name": person.get_short_name(), "volunteer": checkin.volunteer.name,
                   "number": f"#{checkin.request_id}"},
                from_email=None, recipient_list=[person.email],
            )
    return len(staff)
