"""Expiry reminders: the volunteer, in their language, and the group's coordinators, in one
list. Sent after the sweep's commit."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import connection
from django.utils import formats, translation
from django.utils.translation import gettext as _

from core.accounts.decorators import STAFF_ROLES
from core.accounts.models import User
from tenants.vetting.models import VettingCheck


def remind(check_ids: list[int]) -> int:
    """Send the reminders for these checks; returns how many emails went."""
    checks = list(VettingCheck.objects.filter(pk__in=check_ids)
                  .select_related("profile__user").order_by("expires_on", "pk"))
    for check in checks:
        _tell_volunteer(check)
    staff = list(User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("pk"))
    for person in staff if checks else []:
        _tell_coordinator(person, checks)
    return len(checks) + (len(staff) if checks else 0)


def _language(user: User) -> str:
    return user.preferred_language or connection.tenant.default_language


def _tell_volunteer(check: VettingCheck) -> None:
    group, user = connection.tenant, check.profile.user
    with translation.override(_language(user)):
        send_mail(
            subject=_("%(group)s: your check runs out soon") % {"group": group.name},
            message=_("Hello %(name)s,\n\nYour %(level)s check runs out on %(date)s. After "
                      "that, some requests will not be offered to you until it is renewed.\n"
                      "Please get in touch with a coordinator to renew it.\n\nThank you!") % {
                "name": user.get_short_name(), "level": check.get_level_display(),
                "date": formats.date_format(check.expires_on, "DATE_FORMAT"),
            },
            from_email=None, recipient_list=[user.email],
        )


def _tell_coordinator(person: User, checks: list[VettingCheck]) -> None:
    group = connection.tenant
    with translation.override(_language(person)):
        lines = "\n".join(
            f"- {c.profile.user.name}: {c.get_level_display()}, "
            f"{formats.date_format(c.expires_on, 'DATE_FORMAT')}" for c in checks)
        send_mail(
            subject=_("%(group)s: volunteers' checks running out") % {"group": group.name},
            message=_("Hello %(name)s,\n\nThese volunteers' checks run out soon:\n%(lines)s\n\n"
                      "See each volunteer's checks: %(url)s\n") % {
                "name": person.get_short_name(), "lines": lines,
                "url": f"https://{group.get_primary_domain().domain}/volunteers/",
            },
            from_email=None, recipient_list=[person.email],
        )
