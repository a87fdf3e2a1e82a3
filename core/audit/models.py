"""The audit log: one row per change made through a service and per reveal of protected
personal data. The table exists in every group's schema (that group's log) and in the public
schema (operators' actions)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    # Who it was, kept when the account is later erased (an email or "system").
    actor_label = models.CharField(max_length=254, blank=True)
    # What happened, as "<area>.<verb>": "request.claim", "volunteer.approve", "reveal".
    action = models.CharField(max_length=64)
    # Which record: "<app_label>.<model>" and its primary key.
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    # For reveals: which fields were shown, and why (e.g. "assigned volunteer").
    fields = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}#{self.target_id}"
