"""Reading the audit log."""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet

from core.audit.models import AuditEntry


def entries_for(target: models.Model) -> QuerySet[AuditEntry]:
    """Everything recorded about one record, alone or among others, newest first."""
    return AuditEntry.objects.filter(
        Q(target_id=str(target.pk)) | Q(target_id="", data__ids__contains=[target.pk]),
        target_type=target._meta.label_lower)


def log(*, action: str = "", actor_label: str = "") -> QuerySet[AuditEntry]:
    """The group's log, newest first, optionally one kind of action or one person's."""
    entries = AuditEntry.objects.all()
    if action:
        entries = entries.filter(action=action)
    if actor_label:
        entries = entries.filter(actor_label__iexact=actor_label)
    return entries
