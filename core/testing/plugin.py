"""pytest plugin: the database, groups and services every test suite of this repo uses.

- The test database is migrated once per session (public schema, template, blueprint), and
  two groups, `alpha` and `beta`, are provisioned through the signup service, committed.
- A test that uses `db` runs inside a transaction that is rolled back: it may provision
  more groups (schema DDL is transactional too) and leaves nothing behind.
- A test marked `committed` runs without that transaction (threads, subprocesses and a
  browser need committed rows); any group it makes is dropped afterwards.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from core.testing.people import PASSWORD, SessionGroup, make_session_group


def drop_groups(queryset) -> None:
    from core.tenancy.fleet import drop_groups as drop

    drop(queryset)


@pytest.fixture(scope="session")
def django_db_modify_db_settings():
    """Before creating this run's test database, drop those of runs on this host that died
    (databases of other hosts sharing the server are left alone, as are any in use)."""
    import socket

    from django.db import DatabaseError, connection

    prefix = f"test_mutualaid_{socket.gethostname()[:20]}_".lower().replace("-", "_")
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database d WHERE starts_with(datname, %s) AND NOT EXISTS "
            "(SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)", [prefix],
        )
        for (name,) in cursor.fetchall():
            pid = name.rsplit("_", 1)[1]
            if pid.isdigit() and int(pid) != os.getpid() and not os.path.exists(f"/proc/{pid}"):
                try:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                except DatabaseError:
                    pass  # someone connected meanwhile: theirs to keep


@pytest.fixture(scope="session")
def session_groups(django_db_setup, django_db_blocker):
    """The two session groups, in the migrated test database."""
    from core.tenancy.models import Group

    with django_db_blocker.unblock():
        groups = {slug: make_session_group(slug) for slug in ("alpha", "beta")}
    yield groups
    with django_db_blocker.unblock():
        drop_groups(Group.objects.filter(schema_name__in=list(groups)))


@pytest.fixture
def groups(session_groups) -> dict[str, SessionGroup]:
    """The session groups; the test chooses its database mode (django_db or committed)."""
    return session_groups


@pytest.fixture
def alpha(groups) -> SessionGroup:
    return groups["alpha"]


@pytest.fixture
def beta(groups) -> SessionGroup:
    return groups["beta"]


@pytest.fixture(autouse=True)
def _fresh_context():
    """Each test starts in the public schema with an empty cache, in the default language
    (a Spanish page served by the test client leaves Spanish active in the thread)."""
    from django.core.cache import cache
    from django.db import connection
    from django.utils import translation

    connection.set_schema_to_public()
    cache.clear()
    translation.deactivate()
    yield
    connection.set_schema_to_public()
    cache.clear()
    translation.deactivate()


@pytest.fixture
def committed(session_groups, django_db_blocker):
    """Database access without a wrapping transaction; groups made here are dropped after."""
    from django.db import connection

    from core.tenancy.models import Group

    with django_db_blocker.unblock():
        before = set(Group.objects.values_list("pk", flat=True))
        yield
        connection.set_schema_to_public()
        drop_groups(Group.objects.exclude(pk__in=before))


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("committed") and "committed" not in item.fixturenames:
            item.fixturenames.insert(0, "committed")  # before fixtures that query


@dataclass
class Redis:
    url: str


@pytest.fixture(scope="session")
def redis_server():
    """A real Redis: REDIS_URL when set, else a private redis-server started for the run."""
    from core.local_services import start_redis

    if os.environ.get("REDIS_URL"):
        yield Redis(os.environ["REDIS_URL"])
        return
    try:
        proc, url = start_redis()
    except FileNotFoundError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs redis-server: {exc}")
        pytest.skip(str(exc))
    yield Redis(url)
    proc.terminate()
    proc.wait(10)


__all__ = ["PASSWORD", "SessionGroup"]
from core.testing.browser import browser, live_server_url, page  # noqa: E402, F401
from core.testing.worker import celery_worker  # noqa: E402,F401
from core.testing.vetting_providers import _vetting_server, vetting_providers  # noqa: E402,F401
from core.testing.s3 import local_documents, s3_documents, s3_server  # noqa: E402,F401
from core.testing.stripe_server import _stripe_server, stripe_server  # noqa: E402,F401
from core.testing.pgbouncer import pgbouncer  # noqa: E402,F401


@pytest.fixture
def in_alpha(alpha):
    """Run the test inside group alpha's schema (as a request to alpha's host would)."""
    from django.db import connection

    from core.tenancy.models import Group

    connection.set_tenant(Group.objects.get(schema_name=alpha.slug))
    yield alpha
    connection.set_schema_to_public()
