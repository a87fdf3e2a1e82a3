"""Group tasks with a real Celery worker over a real Redis broker."""

import pytest
from celery.exceptions import TaskError
from django.db import connection

from core.tenancy.models import Group
from core.tenancy.tasks import MissingGroupError, dispatch_to_groups, fan_out, ping_group

pytestmark = pytest.mark.committed


def test_a_group_task_runs_in_its_groups_schema(celery_worker):
    alpha = Group.objects.get(schema_name="alpha")
    result = ping_group.apply_async(group=alpha).get(timeout=30)
    assert result == {"schema": "alpha", "members": 3}


def test_a_group_task_takes_the_active_schema_when_sent(celery_worker):
    connection.set_tenant(Group.objects.get(schema_name="beta"))
    result = ping_group.delay()
    connection.set_schema_to_public()
    assert result.get(timeout=30)["schema"] == "beta"


def test_a_group_task_sent_without_a_group_fails_loudly(celery_worker):
    with pytest.raises(MissingGroupError):
        ping_group.delay()


def test_a_message_without_a_group_fails_in_the_worker(celery_worker):
    # Sent by name, around GroupTask.apply_async, as a foreign producer might.
    result = celery_worker.send_task("tenancy.ping_group")
    with pytest.raises(Exception) as excinfo:
        result.get(timeout=30)
    assert "ran without a group schema" in str(excinfo.value)
    assert result.state == "FAILURE"


def test_fan_out_reaches_every_active_group_in_batches(celery_worker):
    Group.objects.filter(schema_name="beta").update(status=Group.Status.SUSPENDED)
    try:
        ids = fan_out(ping_group, batch_size=1)
        schemas = {celery_worker.AsyncResult(i).get(timeout=30)["schema"] for i in ids}
        active = set(Group.objects.filter(status="active").values_list("schema_name", flat=True))
        assert schemas == active and "beta" not in schemas
    finally:
        Group.objects.filter(schema_name="beta").update(status=Group.Status.ACTIVE)


def test_the_dispatcher_runs_in_the_worker(celery_worker):
    sent = dispatch_to_groups.delay("tenancy.ping_group").get(timeout=30)
    assert sent == Group.objects.filter(status="active").count()


def test_only_group_tasks_can_be_fanned_out(celery_worker):
    from core.tenancy.tasks import fill_schema_pool

    with pytest.raises(TypeError):
        fan_out(fill_schema_pool, groups=["alpha"])
