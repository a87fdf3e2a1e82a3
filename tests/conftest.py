"""Fixtures live in core/testing/plugin.py (loaded through pytest's addopts). Only what must
override pytest-django's own fixtures lives here, since a conftest outranks plugins."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb,
                    django_db_modify_db_settings):
    """Create the test database for every run, even one that selects only `committed`
    tests (pytest-django creates it only when some test is marked django_db)."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose, interactive=False,
            keepdb=django_db_keepdb, aliases={"default"},
        )
    yield
    with django_db_blocker.unblock():
        from django.db import connection

        # Playwright's sync API runs code in greenlets, each with its own context and so its
        # own Django connection; one left idle would block dropping the test database.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        teardown_databases(config, verbosity=request.config.option.verbose)
