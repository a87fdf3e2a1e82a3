"""The invitation email, in the group's default language (the invitee has no account, so no
language of their own yet). Sent after the commit, in-process: the link's token must not sit
in a task queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.accounts.models import User


@dataclass(frozen=True)
class Invitation:
    to: str
    role: str
    url: str
    group_name: str
    language: str
    timezone: str
    inviter: str
    expires_at: datetime


def send_invitation(message: Invitation) -> None:
    with translation.override(message.language):
        send_mail(
            subject=_("You are invited to join %(group)s") % {"group": message.group_name},
            message=_("Hello,\n\n%(inviter)s has invited you to join %(group)s on Mutual Aid "
                      "Commons.\nYour role: %(role)s\n\nTo accept, choose your name and a "
                      "password here:\n%(url)s\n\nThe link works once, until %(date)s. If you "
                      "were not expecting this email, you can ignore it.\n") % {
                "inviter": message.inviter, "group": message.group_name,
                "role": User.Role(message.role).label, "url": message.url,
                "date": formats.date_format(_local(message), "DATE_FORMAT")},
            from_email=None, recipient_list=[message.to],
        )


def _local(message: Invitation) -> datetime:
    try:
        zone = ZoneInfo(message.timezone or settings.TIME_ZONE)
    except (ValueError, KeyError):
        zone = ZoneInfo(settings.TIME_ZONE)
    return timezone.localtime(message.expires_at, zone)
