"""Count failed group tasks per group (Celery's task_failure signal), for the console's
"recent errors" until the platform's error tracking exposes a count per group."""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, schema_context

from core.tenancy.tasks import SCHEMA_HEADER, GroupTask, _header

logger = logging.getLogger(__name__)


def record_failure(sender=None, exception=None, **_kwargs) -> None:
    if not isinstance(sender, GroupTask):
        return
    schema = _header(sender.request, SCHEMA_HEADER)
    if not schema:
        return  # sent without a group: MissingGroupError says so already
    from mutualaid.console.models import TaskFailure

    if connection.needs_rollback:
        return  # inside a transaction the failure broke: nothing can be written to it
    try:
        with schema_context(get_public_schema_name()), transaction.atomic():
            TaskFailure.objects.create(schema_name=schema, task_name=sender.name[:200],
                                       error=type(exception).__name__[:200])
    except Exception:  # never let bookkeeping hide the task's own failure
        logger.warning("could not record a failed task of %s", schema)
