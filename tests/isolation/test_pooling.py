"""Connection pooling never serves a group another group's rows.

A real PgBouncer (core/testing/pgbouncer.py) sits in front of the test database with pools
of ONE server connection, so two clients, one per group, must share one PostgreSQL backend.
django-tenants selects a group with `SET search_path` on the connection, once per connection
and group (TENANT_LIMIT_SET_CALLS), and the statement runs in a transaction of its own:
- session pooling (deploy/pgbouncer/pgbouncer.ini) hands the backend to one client for its
  whole connection and resets it (DISCARD ALL) before the next: interleaved requests of two
  groups on one backend each read their own group, every time;
- transaction pooling gives the backend to whichever client's transaction comes next, so the
  search path one client set is the one another client's query runs under: shown below to
  read the other group's rows, which is why production does not use it.
"""

from __future__ import annotations

import configparser
import threading

import psycopg
import pytest
from django.db import connections
from django.test import Client

from core.accounts.models import User
from core.tenancy.models import Group
from core.testing.people import PASSWORD
from core.testing.pgbouncer import SHIPPED_CONFIG

pytestmark = pytest.mark.committed

ROUNDS = 40


def members(alias: str = "default") -> set[str]:
    return set(User.objects.using(alias).values_list("email", flat=True))


def expected_members(*groups) -> dict[str, set[str]]:
    from django.db import connection

    found = {}
    for group in groups:
        connection.set_tenant(Group.objects.get(schema_name=group.slug))
        found[group.slug] = members()
    connection.set_schema_to_public()
    assert found[groups[0].slug].isdisjoint(found[groups[1].slug])
    return found


def backend_pid(alias: str = "default") -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_shipped_pooler_uses_session_pooling():
    shipped = configparser.RawConfigParser()
    shipped.read(SHIPPED_CONFIG)
    assert shipped["pgbouncer"]["pool_mode"] == "session"
    assert shipped["pgbouncer"]["server_reset_query"] == "DISCARD ALL"


def test_session_pooling_serves_interleaved_groups_from_one_backend(pgbouncer, alpha, beta):
    """deploy/pgbouncer/pgbouncer.ini as shipped (the fixture's `session` pool). Two
    threads, one per group, each a series of real requests (routing, session, the team page
    listing the group's members) through the pool, closing the connection after each request
    as DB_CONN_MAX_AGE=0 does; a barrier makes them race every round for the pool's one
    server connection."""
    expected = expected_members(alpha, beta)
    barrier = threading.Barrier(2, timeout=60)
    pages: dict[str, list[set[str]]] = {alpha.slug: [], beta.slug: []}
    pids: set[int] = set()
    errors: list[BaseException] = []

    def serve(group, other) -> None:
        wrapper_class = type(connections["default"])
        connections["default"] = wrapper_class(pgbouncer.settings("session"), "default")
        try:
            client = Client(HTTP_HOST=group.host)
            login = client.post("/accounts/login/", {"login": group.admin_email,
                                                    "password": PASSWORD})
            assert login.status_code == 302, login.content[:300]
            connections["default"].close()
            everyone = expected[group.slug] | expected[other.slug]
            for _ in range(ROUNDS):
                barrier.wait()
                response = client.get("/team/")
                assert response.status_code == 200, (group.slug, response.status_code)
                body = response.content.decode()
                pages[group.slug].append({email for email in everyone if email in body})
                pids.add(backend_pid())
                connections["default"].close()  # the end of a request
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            barrier.abort()
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=serve, args=pair) for pair in ((alpha, beta), (beta, alpha))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    for slug, seen in pages.items():
        assert seen == [expected[slug]] * ROUNDS, slug
    assert len(pids) == 1, f"the two groups were served by {len(pids)} backends, not one"


def test_session_pooling_resets_a_backend_between_clients(pgbouncer, alpha):
    """The backend's search path does not outlive a client: the next client, one that sets
    nothing, finds PostgreSQL's default on the same backend, never the previous group's."""
    with pgbouncer.aliases("session", "pooled"):
        connections["pooled"].set_tenant(Group.objects.get(schema_name=alpha.slug))
        with connections["pooled"].cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), current_setting('search_path')")
            first_pid, first_path = cursor.fetchone()
    assert alpha.slug in first_path
    with psycopg.connect(pgbouncer.dsn("session")) as raw:
        pid, search_path = raw.execute(
            "SELECT pg_backend_pid(), current_setting('search_path')").fetchone()
    assert pid == first_pid
    assert alpha.slug not in search_path


@pytest.mark.parametrize("limit_set_calls", [True, False], ids=["set-once", "set-per-cursor"])
def test_transaction_pooling_would_read_the_other_groups_rows(pgbouncer, alpha, beta, settings,
                                                              limit_set_calls):
    """The unsafe configuration, step by step on one backend: the proof above means
    something because this same setup with transaction pooling leaks."""
    settings.TENANT_LIMIT_SET_CALLS = limit_set_calls
    expected = expected_members(alpha, beta)
    with pgbouncer.aliases("transaction", "for_alpha", "for_beta"):
        connections["for_alpha"].set_tenant(Group.objects.get(schema_name=alpha.slug))
        connections["for_beta"].set_tenant(Group.objects.get(schema_name=beta.slug))
        assert members("for_alpha") == expected[alpha.slug]
        if limit_set_calls:
            # alpha's connection set its search path before; beta's SET then lands on the
            # shared backend, and alpha's next query runs under it.
            assert members("for_beta") == expected[beta.slug]
            leaked = members("for_alpha")
        else:
            # SET on every cursor does not help: the SET and the query are two transactions,
            # and beta's request can come between them.
            with connections["for_alpha"].cursor() as cursor:  # sends SET search_path (alpha)
                assert members("for_beta") == expected[beta.slug]
                cursor.execute(f"SELECT email FROM {User._meta.db_table}")
                leaked = {email for (email,) in cursor.fetchall()}
        assert backend_pid("for_alpha") == backend_pid("for_beta")
    assert leaked == expected[beta.slug]
