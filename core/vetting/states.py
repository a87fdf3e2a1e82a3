"""The states a vetting check moves through, shared by every provider and the tenant app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    PENDING = "pending", _("Pending")
    CLEAR = "clear", _("Clear")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class CheckLevel(models.TextChoices):
    """What a check proves. Numbers match tenants.requests.models.VettingLevel."""

    BASIC = "basic", _("Basic (ID seen, references)")
    ENHANCED = "enhanced", _("Enhanced (criminal record check)")
