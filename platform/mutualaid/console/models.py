"""The operator console's tables, in the public schema.

GroupUsage holds what each group's usage task counted in its own schema, so fleet pages read
one table instead of opening thousands of schemas. GroupExport names export bundles, kept
after their group is dropped. TaskFailure counts a group's failed background tasks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.tenancy.models import Group


class GroupUsage(models.Model):
    group = models.OneToOneField(Group, on_delete=models.CASCADE, primary_key=True,
                                 related_name="usage")
    requests_week = models.PositiveIntegerField(default=0)
    requests_total = models.PositiveIntegerField(default=0)
    # Volunteers on a request that moved this week; active volunteers now.
    volunteers_week = models.PositiveIntegerField(default=0)
    volunteers_total = models.PositiveIntegerField(default=0)
    members = models.PositiveIntegerField(default=0)
    storage_bytes = models.BigIntegerField(default=0)  # the schema's tables and its files
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # The group schema's migration history, hashed as core.tenancy.blueprint does.
    schema_fingerprint = models.CharField(max_length=64, blank=True)
    collected_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["last_activity_at"], name="console_usage_activity"),
            models.Index(fields=["schema_fingerprint"], name="console_usage_schema"),
        ]


class GroupExport(models.Model):
    # SET_NULL: the bundle outlives its group (a closed group's data, kept after the drop).
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    schema_name = models.CharField(max_length=63)  # its file is under groups/<schema_name>/
    group_name = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    size = models.BigIntegerField()
    tables = models.PositiveSmallIntegerField()
    rows = models.PositiveIntegerField()
    reason = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["schema_name", "-created_at"],
                                name="console_export_schema")]

    @property
    def download_name(self) -> str:
        return f"{self.schema_name}-{self.created_at:%Y%m%d-%H%M%S}.zip"


class TaskFailure(models.Model):
    schema_name = models.CharField(max_length=63)
    task_name = models.CharField(max_length=200)
    # The exception's type only: messages can carry personal data.
    error = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["schema_name", "-at"], name="console_failure_schema")]
