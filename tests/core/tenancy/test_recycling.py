"""A connection is closed once it has served more than DB_RECYCLE_AFTER_SCHEMAS schemas."""

import pytest
from django.db import connection

from core.tenancy import recycling
from core.tenancy.tasks import SCHEMA_HEADER, ping_group

pytestmark = pytest.mark.committed


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_requests_close_the_connection_after_more_than_n_distinct_schemas(
        client, alpha, beta, settings):
    settings.DB_RECYCLE_AFTER_SCHEMAS = 2
    connection.close()
    assert client.get("/", HTTP_HOST=alpha.host).status_code == 200
    first = backend_pid()
    assert recycling.count() == 2  # public (the host lookup) and alpha
    assert client.get("/", HTTP_HOST=alpha.host).status_code == 200
    assert connection.connection is not None and recycling.count() == 2  # not distinct
    assert client.get("/", HTTP_HOST=beta.host).status_code == 200
    # The third schema: closed after the response; the next request gets a fresh backend.
    assert connection.connection is None
    assert client.get("/", HTTP_HOST=beta.host).status_code == 200
    assert backend_pid() != first
    assert recycling.count() <= 2


def test_group_tasks_close_the_connection_after_more_than_n_distinct_schemas(
        alpha, beta, settings):
    settings.DB_RECYCLE_AFTER_SCHEMAS = 2
    connection.close()
    ping_group.apply(headers={SCHEMA_HEADER: alpha.slug}).get()
    assert connection.connection is not None
    ping_group.apply(headers={SCHEMA_HEADER: beta.slug}).get()
    assert connection.connection is None


def test_no_recycling_when_turned_off_or_inside_a_transaction(alpha, beta, settings):
    from django.db import transaction

    settings.DB_RECYCLE_AFTER_SCHEMAS = 1
    connection.close()
    backend_pid()
    with transaction.atomic():
        ping_group.apply(headers={SCHEMA_HEADER: alpha.slug}).get()
        assert connection.connection is not None  # an eager task inside a request's work
    assert recycling.close_if_tired() is True
    settings.DB_RECYCLE_AFTER_SCHEMAS = 0
    for group in (alpha, beta, alpha):
        ping_group.apply(headers={SCHEMA_HEADER: group.slug}).get()
    assert connection.connection is not None
