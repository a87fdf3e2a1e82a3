"""The reverse proxy's question before an on-demand certificate: /tls/allowed?domain=."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tenancy.models import Group
from core.testing.people import PASSWORD
from mutualaid.console.services import add_domain, create_operator

pytestmark = pytest.mark.django_db
PLATFORM = {"HTTP_HOST": "localhost"}


def ask(client, domain=None, **extra):
    params = {} if domain is None else {"domain": domain}
    return client.get("/tls/allowed", params, **{**PLATFORM, **extra})


@pytest.fixture
def custom_domain(alpha):
    operator = create_operator(email="ops@platform.example.org", name="Olu Operator",
                               password=PASSWORD)
    add_domain(group=Group.objects.get(schema_name=alpha.slug), hostname="help.alpha.org",
               actor=operator)
    return "help.alpha.org"


def test_a_groups_own_subdomain_is_allowed(client, alpha):
    response = ask(client, alpha.host)
    assert response.status_code == 200
    assert response.content == b""  # yes or no, nothing about the group
    assert response["Cache-Control"] == "no-store"


def test_a_custom_domain_added_by_an_operator_is_allowed(client, custom_domain):
    assert ask(client, custom_domain).status_code == 200
    # As an SNI name may arrive: upper case, with the root's trailing dot.
    assert ask(client, "HELP.Alpha.org.").status_code == 200


def test_the_platforms_own_hosts_are_allowed(client):
    assert ask(client, "localhost").status_code == 200
    assert ask(client, "www.localhost").status_code == 200


@pytest.mark.parametrize("domain", [
    "nosuchgroup.localhost",  # could be a group, is not
    "evil.example.com",  # anybody's domain pointed at the server
    "alpha.localhost.evil.com",  # a group's host as a prefix
    "x.alpha.localhost",  # below a group's host
    "template.localhost",  # a reserved word, never a group
])
def test_hosts_the_platform_does_not_serve_are_refused(client, alpha, domain):
    response = ask(client, domain)
    assert response.status_code == 404
    assert response.content == b""


def test_a_suspended_groups_host_still_gets_its_certificate(client, alpha):
    # Its page (pay again, export your data) must be reachable over HTTPS too.
    Group.objects.filter(schema_name=alpha.slug).update(status=Group.Status.SUSPENDED)
    assert ask(client, alpha.host).status_code == 200


@pytest.mark.parametrize("domain", [None, "", "bad host", "a/b.example.org", "_template.localhost",
                                    "exa_mple.org", "x" * 64 + ".example.org"])
def test_bad_input_is_a_clear_400(client, domain):
    response = ask(client, domain)
    assert response.status_code == 400
    assert response.content  # says what is wrong
    assert response["Content-Type"].startswith("text/plain")


def test_only_the_platform_host_answers(client, alpha):
    # On a group's host the path is the group's own (no such page there).
    assert client.get("/tls/allowed", {"domain": alpha.host},
                      HTTP_HOST=alpha.host).status_code == 404


def test_it_is_one_query_cold_and_none_warm(client, alpha):
    with CaptureQueriesContext(connection) as cold:
        assert ask(client, alpha.host).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert ask(client, alpha.host).status_code == 200
    lookups = [q for q in cold.captured_queries if "tenancy_domain" in q["sql"]]
    assert len(lookups) == 1
    assert not [q for q in warm.captured_queries if "tenancy_domain" in q["sql"]]


def test_a_name_that_cannot_be_a_group_costs_no_query(client):
    with CaptureQueriesContext(connection) as ctx:
        assert ask(client, "ab.localhost").status_code == 404
    assert not [q for q in ctx.captured_queries if "tenancy_domain" in q["sql"]]


def test_many_questions_in_a_row_are_never_rate_limited(client, alpha):
    # Caddy asks once per new host; a burst of new hosts must not be turned away.
    answers = {ask(client, f"n{i}.localhost").status_code for i in range(60)}
    assert answers == {404}
    assert ask(client, alpha.host).status_code == 200
