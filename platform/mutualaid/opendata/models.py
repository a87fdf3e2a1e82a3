"""The open data's one table, in the public schema.

Each group's task counts its requests in its own schema and replaces its rows here (see
counting.py, tasks.py): the fleet's open data and the operators' page read this table only,
and never open a group schema. Rows hold counts, never a person or a place finer than a
COUNTING_RESOLUTION cell.
"""

from __future__ import annotations

from django.db import models

from core.tenancy.models import Group


class WeeklyCount(models.Model):
    """Requests one group received in one week, of one kind, in one coarse area."""

    # SET_NULL: a closed group's past weeks stay in the fleet's figures (anonymous counts
    # outlive personal data, as in each group's retention) until they leave the window.
    # Indexed by the unique constraint, which starts with it.
    group = models.ForeignKey(Group, null=True, on_delete=models.SET_NULL, related_name="+",
                              db_index=False)
    week = models.DateField()  # its Monday, in the group's time zone
    type_code = models.CharField(max_length=40)  # tenants.requests RequestType.code
    area = models.CharField(max_length=16, blank=True)  # h3 cell; "" for no known place
    requests = models.PositiveIntegerField()
    collected_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["week"], name="opendata_count_week")]
        constraints = [
            models.UniqueConstraint(fields=["group", "week", "type_code", "area"],
                                    name="opendata_count_unique"),
        ]
