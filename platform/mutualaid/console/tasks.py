"""The console's background work: usage figures fanned out to every group (hourly), and
dropping closed groups once their grace period ends (daily). Scheduled in settings'
CELERY_BEAT_SCHEDULE."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import connection

from core.tenancy.models import Group
from core.tenancy.tasks import fan_out, group_task


@group_task(name="console.collect_group_usage")
def collect_group_usage() -> dict:
    """Count this group's usage in its schema; write it to the public GroupUsage row."""
    from mutualaid.console import usage

    figures = usage.measure()
    usage.save(group_id=connection.tenant.pk, figures=figures)
    return {"schema": connection.schema_name, **{k: v for k, v in figures.items()
                                                 if isinstance(v, int)}}


@shared_task(name="console.collect_usage")
def collect_usage() -> int:
    """The one dispatcher: a usage task per group, in batches. Every group, not only active
    ones (dispatch_to_groups' choice): operators look at suspended and closing groups too."""
    schemas = (Group.objects.order_by("pk").values_list("schema_name", flat=True)
               .iterator(chunk_size=settings.FLEET_BATCH_SIZE))
    return len(fan_out(collect_group_usage, groups=schemas))


@shared_task(name="console.drop_closed_groups")
def drop_closed_groups() -> list[str]:
    """Drop every closing group whose grace period is over (a final export is kept)."""
    from mutualaid.console.services import drop_closed_groups as drop

    return drop()
