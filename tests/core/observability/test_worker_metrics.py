"""A real Celery worker in prometheus_client's multi-process mode: what it measures reaches
/metrics in another process through PROMETHEUS_MULTIPROC_DIR, as under gunicorn in production."""

import time

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from core.local_services import (
    database_url, point_celery_at, start_celery_worker, wait_for_worker, worker_output,
)
from core.tenancy.models import Group
from core.tenancy.tasks import ping_group

pytestmark = pytest.mark.committed


@pytest.fixture
def multiproc_worker(session_groups, redis_server, tmp_path):
    from celery import current_app as app
    from django.db import connection

    proc = start_celery_worker(
        database_url=database_url(connection.settings_dict), redis_url=redis_server.url,
        MUTUALAID_TESTING="1", PROMETHEUS_MULTIPROC_DIR=str(tmp_path),
    )
    point_celery_at(app, redis_server.url)
    try:
        wait_for_worker(app, proc)
        yield tmp_path
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        point_celery_at(app, None)
        if proc.returncode not in (0, -15):
            print(worker_output(proc))
        proc.log.unlink(missing_ok=True)


def samples(families, family_name: str, sample_name: str) -> float:
    family = families.get(family_name)
    return sum(s.value for s in (family.samples if family else [])
               if s.name == sample_name and s.labels.get("task") == "tenancy.ping_group")


def counts(families) -> tuple[float, float]:
    return (samples(families, "mutualaid_celery_task_duration_seconds",
                    "mutualaid_celery_task_duration_seconds_count"),
            samples(families, "mutualaid_celery_task_failures",
                    "mutualaid_celery_task_failures_total"))


def test_a_workers_task_latency_and_failures_reach_metrics(multiproc_worker, settings):
    result = ping_group.apply_async(group=Group.objects.get(schema_name="alpha"))
    assert result.get(timeout=30)["schema"] == "alpha"
    failed = ping_group.app.send_task("tenancy.ping_group")  # no group: it fails
    with pytest.raises(Exception, match="without a group"):
        failed.get(timeout=30)
    settings.PROMETHEUS_MULTIPROC_DIR = str(multiproc_worker)
    deadline = time.monotonic() + 30  # the postrun signal may land just after the result
    while True:
        response = Client().get("/metrics", HTTP_HOST="localhost")
        assert response.status_code == 200
        families = {f.name: f for f in text_string_to_metric_families(response.content.decode())}
        if counts(families) == (2, 1) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert counts(families) == (2, 1)
    labels = {v for f in families.values() for s in f.samples for v in s.labels.values()}
    assert not any("alpha" in v for v in labels)
