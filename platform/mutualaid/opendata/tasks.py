"""The open data's background work: one dispatcher fans a count out to every group, in
batches (core.tenancy.tasks.fan_out); each group's task counts in its own schema and
replaces its rows in the public table. Scheduled daily in settings' CELERY_BEAT_SCHEDULE."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import connection

from core.tenancy.models import Group
from core.tenancy.tasks import fan_out, group_task


@group_task(name="opendata.count_group_requests")
def count_group_requests() -> dict:
    """Count this group's requests by week, kind and area; replace its public rows."""
    from mutualaid.opendata import counting

    rows = counting.replace(group_id=connection.tenant.pk, counts=counting.count())
    return {"schema": connection.schema_name, "rows": rows}


@shared_task(name="opendata.collect")
def collect() -> list[str]:
    """The dispatcher: a count per group, sent in batches; returns the tasks' ids. Every group
    whose schema exists, suspended and closing ones too: their requests happened."""
    schemas = (Group.objects.order_by("pk").values_list("schema_name", flat=True)
               .iterator(chunk_size=settings.FLEET_BATCH_SIZE))
    return fan_out(count_group_requests, groups=schemas)
