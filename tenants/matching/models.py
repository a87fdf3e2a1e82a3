"""Matching's settings: how the group weighs urgency, waiting time and deprivation when it
ranks waiting requests (tenants/matching/priority.py). Tables in every group's schema."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.matching.priority import DEFAULT_WEIGHTS, MAX_WEIGHT


def _weight(label: str, default: float) -> models.DecimalField:
    return models.DecimalField(label, max_digits=4, decimal_places=2,
                               default=Decimal(str(default)))


class PrioritySettings(models.Model):
    """The group's one row of priority weights. Absent until an admin changes them: the
    defaults (priority.DEFAULT_WEIGHTS) apply until then."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    urgency_weight = _weight(_("urgency"), DEFAULT_WEIGHTS.urgency)
    waiting_weight = _weight(_("waiting time"), DEFAULT_WEIGHTS.waiting)
    deprivation_weight = _weight(_("area deprivation"), DEFAULT_WEIGHTS.deprivation)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="priority_settings_one_row"),
            *(models.CheckConstraint(
                condition=models.Q(**{f"{name}__gte": 0, f"{name}__lte": MAX_WEIGHT}),
                name=f"priority_{name}_range")
              for name in ("urgency_weight", "waiting_weight", "deprivation_weight")),
        ]
