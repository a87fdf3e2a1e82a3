"""Host routing: platform host, group hosts, unknown hosts, and the cost of routing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tenancy.routing import group_for_host

pytestmark = pytest.mark.django_db


def test_platform_host_serves_the_signup_page(client):
    response = client.get("/", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert b'id="signup-form"' in response.content


def test_group_host_serves_the_group(client, alpha):
    response = client.get("/", HTTP_HOST=alpha.host)
    assert response.status_code == 200
    assert b"Alpha Mutual Aid" in response.content
    assert b'id="signup-form"' not in response.content


@pytest.mark.parametrize("host", ["nosuchgroup.localhost", "evil.example.com", "localhost.evil"])
def test_unknown_host_gets_a_friendly_404(client, host):
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 404
    assert b"We could not find this group" in response.content


def test_malformed_host_header_is_a_404_not_a_500(client):
    response = client.get("/", HTTP_HOST="bad host!")
    assert response.status_code == 404


def test_unknown_host_page_is_translated(client):
    response = client.get("/", HTTP_HOST="nosuchgroup.localhost", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert "No encontramos este grupo".encode() in response.content


def split(ctx):
    """(schema switches, other queries) among captured queries."""
    sqls = [q["sql"] for q in ctx.captured_queries]
    switches = [q for q in sqls if q.startswith("SET search_path")]
    return switches, [q for q in sqls if q not in switches]


def test_routing_lookup_is_cached(alpha):
    with CaptureQueriesContext(connection) as cold:
        group = group_for_host(alpha.host)
    with CaptureQueriesContext(connection) as warm:
        again = group_for_host(alpha.host)
    assert group.schema_name == again.schema_name == "alpha"
    assert len(split(cold)[1]) == 1
    assert len(warm) == 0


def test_a_group_request_costs_at_most_one_routing_query(client, alpha):
    """Routing costs one lookup when the cache is cold (plus the schema switch that comes
    with any query) and nothing at all when it is warm; so does the home page's own content
    (its published counts are cached too)."""
    with CaptureQueriesContext(connection) as cold:
        assert client.get("/", HTTP_HOST=alpha.host).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/", HTTP_HOST=alpha.host).status_code == 200
    switches, queries = split(cold)
    lookups = [q for q in queries if "tenancy_domain" in q]
    assert len(lookups) == 1 and "tenancy_domain" in queries[0]
    assert len(switches) <= 2  # to public for the lookup, to the group for its counts
    assert len(warm) == 0


def test_misses_are_not_cached_and_impossible_slugs_cost_no_query():
    from django.core.cache import cache

    with CaptureQueriesContext(connection) as impossible:
        assert group_for_host("not--a-slug.localhost") is None
        assert group_for_host("x.localhost") is None  # too short to be a slug
    assert len(impossible) == 0
    assert group_for_host("nosuchgroup.localhost") is None
    assert cache.get("routing:host:nosuchgroup.localhost") is None


def test_group_links_keep_the_port_the_browser_used(rf):
    from core.tenancy.routing import group_url

    behind_proxy = rf.get("/", HTTP_HOST="mutualaid.example", SERVER_PORT="8000")
    assert group_url(behind_proxy, "riverside") == "http://riverside.localhost/"
    dev = rf.get("/", HTTP_HOST="localhost:8000")
    assert group_url(dev, "riverside", "/x/") == "http://riverside.localhost:8000/x/"
