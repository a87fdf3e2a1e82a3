"""The daily retention run, fanned out to every group by a real Celery worker."""

import time as clock

import pytest
from django.db import connection

from tenants.requests.models import HelpRequest
from tests.tenants.records.test_retention import closed_request


@pytest.mark.committed
def test_the_retention_task_runs_on_a_worker_in_every_group(celery_worker, alpha, beta):
    from core.tenancy.models import Group
    from core.tenancy.tasks import dispatch_to_groups

    ids = {}
    for group in (alpha, beta):
        connection.set_tenant(Group.objects.get(schema_name=group.slug))
        ids[group.slug] = closed_request(400)
    connection.set_schema_to_public()
    try:
        assert dispatch_to_groups.delay("records.apply_retention").get(timeout=60) >= 2

        for group in (alpha, beta):
            connection.set_tenant(Group.objects.get(schema_name=group.slug))
            for _ in range(100):
                if HelpRequest.objects.get(pk=ids[group.slug]).erased_at:
                    break
                clock.sleep(0.1)
            assert HelpRequest.objects.get(pk=ids[group.slug]).person_name == ""
    finally:
        for group in (alpha, beta):
            connection.set_tenant(Group.objects.get(schema_name=group.slug))
            HelpRequest.objects.filter(pk=ids.get(group.slug)).delete()
        connection.set_schema_to_public()
