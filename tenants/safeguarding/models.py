"""Safeguarding: concerns raised with the group's named leads, and safe-and-well check-ins
after home visits. Tables in every group's schema; kept small (no reverse accessors on the
shared models: `related_name="+"`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.requests.models import HelpRequest

DEFAULT_CHECKIN_MINUTES = 120
MIN_CHECKIN_MINUTES = 15
MAX_CHECKIN_MINUTES = 24 * 60


class SafeguardingLead(models.Model):
    """A coordinator or admin the group's admin named to receive and read concerns."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="+")
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    named_at = models.DateTimeField(auto_now_add=True)


class SafeguardingSettings(models.Model):
    """The group's one row of safeguarding settings. Absent until an admin changes them:
    the defaults below apply until then."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    checkin_minutes = models.PositiveSmallIntegerField(
        _("check-in due after (minutes)"), default=DEFAULT_CHECKIN_MINUTES)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="safeguarding_settings_one_row"),
            models.CheckConstraint(
                condition=models.Q(checkin_minutes__gte=MIN_CHECKIN_MINUTES,
                                   checkin_minutes__lte=MAX_CHECKIN_MINUTES),
                name="safeguarding_checkin_minutes_range"),
        ]


class Concern(models.Model):
    """A worry about a person or a visit, for the safeguarding leads' eyes only."""

    class Urgency(models.TextChoices):
        DANGER = "danger", _("Someone is in immediate danger")
        TODAY = "today", _("It needs someone to act today")
        ROUTINE = "routine", _("I am worried, but it is not urgent")

    class State(models.TextChoices):
        OPEN = "open", _("Received, waiting for a safeguarding lead")
        ACKNOWLEDGED = "acknowledged", _("A safeguarding lead is dealing with it")
        CLOSED = "closed", _("Closed")

    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    request = models.ForeignKey(HelpRequest, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    about = models.CharField(_("who it is about"), max_length=200, blank=True)
    what_happened = models.TextField(_("what happened"), max_length=4000)
    urgency = models.CharField(_("how urgent"), max_length=10, choices=Urgency.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]


class ConcernNote(models.Model):
    """A lead's note on a concern: what was done, who was told."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(max_length=2000)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class CheckIn(models.Model):
    """A volunteer's "safe and well" after starting a visit that needs one. Unconfirmed by
    `due_at`, the coordinators are alerted once (`alerted_at`)."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            # The sweep every few minutes, in every group: only rows still waiting are indexed.
            models.Index(fields=["due_at"], name="checkin_waiting_due",
                         condition=models.Q(confirmed_at__isnull=True, alerted_at__isnull=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["request"], name="checkin_one_open_per_request",
                                    condition=models.Q(confirmed_at__isnull=True)),
        ]

    @property
    def is_open(self) -> bool:
        return self.confirmed_at is None
