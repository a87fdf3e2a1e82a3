"""Volunteers: what each will do, where and when. Tables in every group's schema."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.requests.models import RequestType, VettingLevel


class VolunteerProfile(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        LEFT = "left", _("Left")

    class Travel(models.TextChoices):
        WALK = "walk", _("On foot")
        BIKE = "bike", _("By bike")
        CAR = "car", _("By car")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="volunteer")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    request_types = models.ManyToManyField(RequestType, related_name="volunteers", blank=True)
    languages = ArrayField(models.CharField(max_length=8), default=list, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    cell = models.CharField(max_length=16, blank=True, db_index=True)  # h3, fine resolution
    # The same place at core.geo.cells.SEARCH_RESOLUTION: "who is near this request" looks up
    # the few hundred cells within the longest radius, then checks exact distances.
    area_cell = models.CharField(max_length=16, blank=True)
    radius_km = models.FloatField(
        _("how far you will travel (km)"), default=3,
        validators=[MinValueValidator(0.1), MaxValueValidator(100)],
    )
    travel = models.CharField(max_length=5, choices=Travel.choices, default=Travel.WALK)
    max_per_week = models.PositiveSmallIntegerField(
        _("most tasks a week"), default=3, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    vetting_level = models.PositiveSmallIntegerField(choices=VettingLevel.choices,
                                                     default=VettingLevel.NONE)
    applied_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now=True)
    # When their personal data was erased (retention after leaving, or on request).
    erased_at = models.DateTimeField(null=True, blank=True)
    # Answers to the group's own questions on the volunteer form, {key: value}
    # (tenants.forms).
    answers = models.JSONField(default=dict, blank=True)
    # Their calendar feed's secret (tenants/matching/calendar.py): only its hash, "" for none.
    calendar_token_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [
            # A feed's URL finds one volunteer, through this index.
            models.UniqueConstraint(fields=["calendar_token_hash"],
                                    condition=~models.Q(calendar_token_hash=""),
                                    name="volunteer_calendar_token_unique"),
        ]
        indexes = [
            # Filtering volunteers by an answer: `answers @> {key: value}`.
            GinIndex(fields=["answers"], opclasses=["jsonb_path_ops"],
                     name="volunteer_answers_gin"),
            models.Index(fields=["status", "cell"]),
            models.Index(fields=["status", "area_cell"]),
            # The longest radius (suggestions search that far), and who travels past the cells.
            models.Index(fields=["status", "radius_km"]),
        ]

    def __str__(self) -> str:
        return str(self.user)


class AvailabilityWindow(models.Model):
    """A weekly window a volunteer is usually free (weekday 0 = Monday)."""

    profile = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE,
                                related_name="availability")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends__gt=models.F("starts")),
                                   name="availability_window_ordered"),
            models.CheckConstraint(condition=models.Q(weekday__lte=6),
                                   name="availability_weekday_range"),
        ]
