"""A real Celery worker process for tests, on the test database and a real Redis."""

from __future__ import annotations

import pytest

from core.local_services import (
    database_url, point_celery_at, start_celery_worker, wait_for_worker, worker_output,
)


@pytest.fixture(scope="module")
def celery_worker(session_groups, redis_server, django_db_blocker):
    """A `celery worker` for a test module, on this run's database and Redis; the app points
    at them until the module ends (then back to in-process tasks, which the rest of the suite
    expects: its cache is this process's own). Tests also need `committed`."""
    from celery import current_app as app  # the project app, made when settings load
    from django.db import connection

    proc = start_celery_worker(
        database_url=database_url(connection.settings_dict), redis_url=redis_server.url,
        MUTUALAID_TESTING="1",
    )
    point_celery_at(app, redis_server.url)
    try:
        wait_for_worker(app, proc)
        yield app
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        point_celery_at(app, None)
        if proc.returncode not in (0, -15):
            print(worker_output(proc))
        proc.log.unlink(missing_ok=True)
