"""The daily open data run on a real Celery worker: the dispatcher fans a count out to every
group in batches, each group's task counts in its own schema and replaces its public rows."""

import pytest
from celery.result import AsyncResult
from django.test import Client

from mutualaid.opendata import tasks
from mutualaid.opendata.models import WeeklyCount
from tests.mutualaid.opendata.known_fleet import (
    expected_rows, make_known_fleet, monday, remove_known_fleet,
)


@pytest.mark.committed
def test_the_dispatcher_counts_every_group_on_a_worker(celery_worker, alpha, beta):
    made = make_known_fleet()
    try:
        sent = tasks.collect.delay().get(timeout=60)  # the dispatcher, in the worker
        results = [AsyncResult(task_id).get(timeout=60) for task_id in sent]
        assert {r["schema"] for r in results} >= {"alpha", "beta"}
        rows = {slug: {(r.week, r.type_code, r.area, r.requests)
                       for r in WeeklyCount.objects.filter(group__schema_name=slug)}
                for slug in ("alpha", "beta")}
        assert rows == expected_rows()
        data = Client().get("/open-data/open-data.json", HTTP_HOST="localhost").json()
        assert data["total"]["requests"] == 27
        week = {w["week_start"]: w["requests"] for w in data["weeks"]}
        assert week[monday(1).isoformat()] == 20
    finally:
        remove_known_fleet(made)
