"""The questions a group adds to its request and volunteer forms. One small table in every
group's schema; the answers live on the records themselves (a JSON `answers` column)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.privacy.levels import Level


class CustomField(models.Model):
    """One question. Its `key` never changes (answers are stored under it); a question in use
    is retired, never deleted, so past answers keep their label and their level."""

    class Form(models.TextChoices):
        REQUEST = "request", _("Request form")
        VOLUNTEER = "volunteer", _("Volunteer form")

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        YES_NO = "yes_no", _("Yes or no")
        CHOICE = "choice", _("One choice from a list")
        MULTIPLE = "multiple", _("Several choices from a list")
        PHONE = "phone", _("Phone number")
        EMAIL = "email", _("Email address")

    form = models.CharField(max_length=10, choices=Form.choices)
    key = models.SlugField(max_length=40)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    required = models.BooleanField(default=False)
    labels = models.JSONField(default=dict)  # {language: text}, see core.localized
    help_texts = models.JSONField(default=dict, blank=True)
    choices = models.JSONField(default=list, blank=True)  # [{"value": ..., "labels": {...}}]
    level = models.PositiveSmallIntegerField(
        choices=[(level.value, level.name.lower()) for level in Level],
        default=Level.STAFF.value)
    position = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["form", "position", "pk"]
        constraints = [
            # Also the index a form's questions are read by (form first).
            models.UniqueConstraint(fields=["form", "key"], name="custom_field_key_per_form"),
        ]

    def __str__(self) -> str:
        return f"{self.form}.{self.key}"

    @property
    def active(self) -> bool:
        return self.retired_at is None

    @property
    def has_choices(self) -> bool:
        return self.kind in (self.Kind.CHOICE, self.Kind.MULTIPLE)
