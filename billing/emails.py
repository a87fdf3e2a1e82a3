"""Emails to a group's admins about its billing, each in the admin's language (the group's
default unless they chose another). Sent after the commit that changed the state."""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from core.accounts.models import User
from core.tenancy.models import Group

KINDS = ("past_due", "suspended", "restored", "cancelled", "sponsored", "sponsor_ending",
         "sponsor_ended")


def tell_admins(*, group_id: int, kind: str, date=None, days: int | None = None) -> int:
    """Email every active admin of the group; returns how many were sent."""
    if kind not in KINDS:
        raise ValueError(f"unknown billing email {kind!r}")
    group = Group.objects.get(pk=group_id)
    url = f"https://{group.get_primary_domain().domain}/billing/"
    with schema_context(group.schema_name):
        admins = list(User.objects.filter(role=User.Role.ADMIN, is_active=True).order_by("pk"))
    for admin in admins:
        with translation.override(admin.preferred_language or group.default_language):
            subject, body = _text(kind, group=group, date=date, days=days)
            send_mail(subject=subject,
                      message=_("Hello %(name)s,\n\n%(body)s\n\nYour group's billing: %(url)s\n")
                      % {"name": admin.get_short_name(), "body": body, "url": url},
                      from_email=None, recipient_list=[admin.email])
    return len(admins)


def _text(kind: str, *, group: Group, date, days) -> tuple[str, str]:
    when = formats.date_format(date, "DATE_FORMAT") if date else ""
    g = {"group": group.name}
    if kind == "past_due":
        return (_("%(group)s: a payment failed") % g,
                _("The last payment for %(group)s's subscription failed. Please update the "
                  "payment details by %(date)s; after that the group becomes read-only until "
                  "it is paid. Nothing is deleted.") % {**g, "date": when})
    if kind == "suspended":
        return (_("%(group)s is now read-only") % g,
                _("The subscription of %(group)s is still unpaid, so the group is read-only: "
                  "everything can still be seen and exported, and people can still ask for "
                  "help through the public form, but nothing new can be saved. Paying the "
                  "subscription restores it at once.") % g)
    if kind == "restored":
        return (_("%(group)s: payment received") % g,
                _("Thank you: the payment for %(group)s went through, and the group works as "
                  "usual again.") % g)
    if kind == "cancelled":
        return (_("%(group)s: subscription cancelled") % g,
                _("The subscription of %(group)s is cancelled. The group keeps its plan until "
                  "%(date)s, then moves to the free plan's limits. Nothing is deleted.")
                % {**g, "date": when})
    if kind == "sponsored":
        return (_("%(group)s is sponsored") % g,
                _("A sponsor now pays for %(group)s until %(date)s. The group pays nothing "
                  "until then.") % {**g, "date": when})
    if kind == "sponsor_ending":
        return (_("%(group)s: sponsorship ends in %(days)d days") % {**g, "days": days},
                _("The sponsorship of %(group)s ends on %(date)s. After that the group moves "
                  "to the free plan's limits (nothing is deleted), unless you choose a paid "
                  "plan or redeem a new code.") % {**g, "date": when})
    return (_("%(group)s: sponsorship ended") % g,
            _("The sponsorship of %(group)s has ended, and the group is on the free plan now. "
              "Nothing was deleted; if the group has more volunteers or files than the free "
              "plan allows, it keeps them but cannot add more.") % g)
