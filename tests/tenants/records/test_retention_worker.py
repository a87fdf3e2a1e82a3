"""The daily retention run, fanned out to every group by a real Celery worker."""

import pytest
from django.db import connection

from tenants.requests.models import HelpRequest
from tests.tenants.records.test_retention import closed_request


@pytest.mark.committed
def test_the_retention_task_runs_on_a_worker_in_every_group(celery_worker, alpha, beta):
    from core.tenancy.models import Group
    from celery.result import AsyncResult

    from core.tenancy.tasks import fan_out
    from tenants.records.tasks import apply_retention

    ids = {}
    for group in (alpha, beta):
        connection.set_tenant(Group.objects.get(schema_name=group.slug))
        ids[group.slug] = closed_request(400)
    connection.set_schema_to_public()
    try:
        # What the nightly dispatcher does; then wait on each group's task result.
        sent = fan_out(apply_retention)
        assert len(sent) >= 2
        for task_id in sent:
            AsyncResult(task_id).get(timeout=60)
        for group in (alpha, beta):
            connection.set_tenant(Group.objects.get(schema_name=group.slug))
            assert HelpRequest.objects.get(pk=ids[group.slug]).person_name == ""
    finally:
        for group in (alpha, beta):
            connection.set_tenant(Group.objects.get(schema_name=group.slug))
            HelpRequest.objects.filter(pk=ids.get(group.slug)).delete()
        connection.set_schema_to_public()
