"""Requests for help and the kinds of help a group offers. Tables in every group's schema."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.localized import pick


class VettingLevel(models.IntegerChoices):
    NONE = 0, _("None")
    BASIC = 1, _("Basic (ID seen, references)")
    ENHANCED = 2, _("Enhanced (criminal record check)")


class RequestType(models.Model):
    """A kind of help: shopping, prescription pickup... Types in use are retired, not deleted."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        REMOTE = "remote", _("Remote")

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)  # in the default language; the fallback
    names = models.JSONField(default=dict, blank=True)  # {language: name}, see core.localized
    icon = models.CharField(_("icon"), max_length=8)
    mode = models.CharField(_("in person or remote"), max_length=10, choices=Mode.choices)
    vetting_level = models.PositiveSmallIntegerField(
        _("vetting needed"), choices=VettingLevel.choices, default=VettingLevel.NONE
    )
    checkin_required = models.BooleanField(_("check-in required"), default=False)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the page's (or email's) language, else the default's."""
        return pick(self.names, fallback=self.name)


class LocationStatus(models.TextChoices):
    PENDING = "pending", _("Being located")
    LOCATED = "located", _("Located")
    UNKNOWN = "unknown", _("Location unknown: a coordinator will set it")


class HelpRequest(models.Model):
    """One request for help, from the public form or logged by a coordinator."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        CLAIMED = "claimed", _("Claimed")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        COULD_NOT_HELP = "could_not_help", _("Could not help")

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        SOCIAL = "social", _("Social media")
        IN_PERSON = "in_person", _("In person")

    class Urgency(models.IntegerChoices):
        LOW = 0, _("Whenever possible")
        NORMAL = 1, _("In the next few days")
        HIGH = 2, _("Today or tomorrow")
        URGENT = 3, _("Urgent")

    class Recurrence(models.TextChoices):
        ONCE = "once", _("Once")
        WEEKLY = "weekly", _("Weekly")
        FORTNIGHTLY = "fortnightly", _("Fortnightly")

    type = models.ForeignKey(RequestType, on_delete=models.PROTECT, related_name="requests")
    description = models.TextField(_("what is needed"), max_length=2000)
    person_name = models.CharField(_("name"), max_length=100)
    person_phone = models.CharField(_("phone"), max_length=32, blank=True)
    person_email = models.EmailField(_("email"), blank=True)
    # Asking for someone else: who asked, and that the person agreed.
    requester_name = models.CharField(_("your name"), max_length=100, blank=True)
    consent_recorded = models.BooleanField(default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    access_notes = models.CharField(_("how to get in"), max_length=300, blank=True)
    keysafe_code = models.CharField(_("key-safe code"), max_length=20, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    cell = models.CharField(max_length=16, blank=True, db_index=True)  # h3, fine resolution
    # The same place at a coarse resolution (core.geo.cells.SEARCH_RESOLUTION): "what is near
    # here" looks up a few dozen of these, then checks exact distances.
    area_cell = models.CharField(max_length=16, blank=True)
    # The area's deprivation decile (1 = the most deprived tenth of areas, 10 = the least),
    # looked up from core.geo's deprivation index when the request is located; None = unknown.
    deprivation_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    location_status = models.CharField(max_length=10, choices=LocationStatus.choices,
                                       default=LocationStatus.PENDING)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.NORMAL)
    wanted_from = models.DateField(null=True, blank=True)
    wanted_until = models.DateField(null=True, blank=True)
    recurrence = models.CharField(max_length=12, choices=Recurrence.choices,
                                  default=Recurrence.ONCE)
    # The day the help is planned for (a delivery date), set by a coordinator or the person.
    scheduled_for = models.DateField(_("planned for"), null=True, blank=True)
    language = models.CharField(_("language spoken"), max_length=8, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="help_requests")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    # One key per form rendering: a double click or a resend finds the request it made.
    submission_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When its personal data was erased (retention, or on request); the rest stays for counts.
    erased_at = models.DateTimeField(null=True, blank=True)
    # Answers to the group's own questions, {key: value} (tenants.forms).
    answers = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-urgency", "created_at"]
        indexes = [
            # Coordinators filter by an answer: `answers @> {key: value}`.
            GinIndex(fields=["answers"], opclasses=["jsonb_path_ops"],
                     name="request_answers_gin"),
            models.Index(fields=["status", "-urgency", "created_at"]),
            # "Open requests near here": the cells around, the kinds a volunteer does, and the
            # box around the disk are all checked in the index, before any row is read.
            models.Index(fields=["status", "area_cell", "type", "lat", "lng"]),
            # Open requests of given kinds (a volunteer's remote help lists them all).
            models.Index(fields=["status", "type"]),
            # "Deliveries already planned near here on which days": planned requests only.
            models.Index(fields=["scheduled_for", "area_cell"], name="request_planned_idx",
                         condition=models.Q(scheduled_for__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wanted_until__isnull=True) | models.Q(wanted_from__isnull=True)
                | models.Q(wanted_until__gte=models.F("wanted_from")),
                name="request_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(deprivation_decile__isnull=True)
                | models.Q(deprivation_decile__gte=1, deprivation_decile__lte=10),
                name="request_deprivation_decile_range",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.type}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


LIVE_STATUSES = frozenset({
    HelpRequest.Status.CLAIMED, HelpRequest.Status.ASSIGNED, HelpRequest.Status.IN_PROGRESS,
})


class RequestEvent(models.Model):
    """The request's timeline: every change of status, by whom, when, with a note."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.CharField(max_length=500, blank=True)
    # A "planned" row (to_status PLANNED, status unchanged): the day set, None when cleared.
    day = models.DateField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # "Tasks this week": who claimed or was given what since Monday, for everyone...
            models.Index(fields=["to_status", "at"]),
            # ...and for a few volunteers, request by request, without reading the timeline.
            models.Index(fields=["request", "to_status", "at"]),
        ]

    @property
    def from_label(self) -> str:
        return HelpRequest.Status(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> str:
        if self.to_status == PLANNED:
            return _("Planned for a day") if self.day else _("Planned day removed")
        return HelpRequest.Status(self.to_status).label


# A timeline row that changes the planned day, not the status (never counted as a claim).
PLANNED = "planned"
