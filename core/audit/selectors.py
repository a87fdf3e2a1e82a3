"""Reading the audit log."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from core.audit.models import AuditEntry


def entries_for(target: models.Model) -> QuerySet[AuditEntry]:
    """Everything recorded about one record, newest first."""
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
