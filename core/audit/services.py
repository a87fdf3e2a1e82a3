"""Writing to the audit log. Services call `record` inside their own transaction, so the
row commits or rolls back with the change it describes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import models

from core.audit.models import AuditEntry


def record(*, actor, action: str, target: models.Model | None = None,
           targets: Sequence[models.Model] = (), fields: Iterable[str] = (), reason: str = "",
           data: dict | None = None) -> AuditEntry:
    """One audit row. `actor` is a user or None (the platform itself, e.g. a scheduled task).
    One record is `target`; several of one kind (a page of them, an export) are `targets`,
    kept as their ids in `data["ids"]`."""
    row = entry(actor=actor, action=action, target=target, targets=targets, fields=fields,
                reason=reason, data=data)
    row.save()
    return row


def record_many(entries: Iterable[AuditEntry]) -> None:
    """Bulk rows built with `entry(...)`: one INSERT for a batch (auto-assign, retention)."""
    AuditEntry.objects.bulk_create(list(entries), batch_size=1000)


def entry(*, actor, action: str, target: models.Model | None = None,
          targets: Sequence[models.Model] = (), fields: Iterable[str] = (), reason: str = "",
          data: dict | None = None) -> AuditEntry:
    """An unsaved row for `record_many`."""
    data = dict(data or {})
    if target is None and len(targets) == 1:
        target = targets[0]
    elif targets:
        data["ids"] = [t.pk for t in targets]
    first = target if target is not None else (targets[0] if targets else None)
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None, actor_label=_label(actor),
        action=action, target_type=first._meta.label_lower if first is not None else "",
        target_id=str(target.pk) if target is not None else "", fields=sorted(set(fields)),
        reason=str(reason)[:200], data=data,
    )


def _label(actor) -> str:
    return getattr(actor, "email", "") or "system"
