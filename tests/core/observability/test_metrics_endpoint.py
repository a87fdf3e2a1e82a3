"""/metrics: request latency, task latency and failures, signups and provisioning time, queue
depth; on the platform host (and a pod's IP), behind METRICS_TOKEN when set; no label ever
names a group."""

import pytest
from django.db import connection
from django.test import Client
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from core.testing.people import signup_data
from core.tenancy.models import Group
from core.tenancy.tasks import group_task, ping_group
from mutualaid.signup.services import sign_up_group

pytestmark = pytest.mark.django_db
PLATFORM = {"HTTP_HOST": "localhost"}


@group_task(name="tests.observability.fails")
def fails() -> None:
    raise RuntimeError("this task fails")


def scrape(client: Client | None = None, **headers) -> dict:
    response = (client or Client()).get("/metrics", **{**PLATFORM, **headers})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return {f.name: f for f in text_string_to_metric_families(response.content.decode())}


def value(families: dict, sample_name: str, **labels) -> float:
    family = families[sample_name.removesuffix("_count").removesuffix("_total")]
    for sample in family.samples:
        if sample.name == sample_name and all(sample.labels.get(k) == v
                                              for k, v in labels.items()):
            return sample.value
    return 0.0


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_requests_and_tasks_are_measured(alpha):
    client = Client()
    before = {status: sample("mutualaid_http_request_duration_seconds_count",
                             method="GET", route="home", status=status)
              for status in ("2xx", "3xx")}
    status = f"{client.get('/', HTTP_HOST='alpha.localhost').status_code // 100}xx"
    ping_group.apply_async(group=Group.objects.get(schema_name="alpha"))
    # As in a worker: an eager task that propagates its error skips task_failure.
    fails.app.conf.task_eager_propagates = False
    try:
        assert fails.apply_async(group=Group.objects.get(schema_name="alpha")).failed()
    finally:
        fails.app.conf.task_eager_propagates = True

    families = scrape(client)
    assert value(families, "mutualaid_http_request_duration_seconds_count",
                 method="GET", route="home", status=status) == before[status] + 1
    assert value(families, "mutualaid_celery_task_duration_seconds_count",
                 task="tenancy.ping_group") >= 1
    assert value(families, "mutualaid_celery_task_failures_total",
                 task="tests.observability.fails") >= 1
    assert value(families, "mutualaid_celery_task_duration_seconds_count",
                 task="tests.observability.fails") >= 1


def test_unknown_pages_and_odd_methods_stay_in_a_few_series():
    client = Client()
    client.get("/no/such/page/12345/", HTTP_HOST="alpha.localhost")
    client.generic("BREW", "/", HTTP_HOST="alpha.localhost")
    families = scrape(client)
    routes = {s.labels["route"] for s in
              families["mutualaid_http_request_duration_seconds"].samples}
    methods = {s.labels["method"] for s in
               families["mutualaid_http_request_duration_seconds"].samples}
    assert not any("12345" in r for r in routes) and "unresolved" in routes
    assert "BREW" not in methods and "other" in methods


def test_signups_are_counted_and_provisioning_timed():
    created = sample("mutualaid_signups_total", outcome="created")
    invalid = sample("mutualaid_signups_total", outcome="invalid")
    timed = sample("mutualaid_group_provisioning_seconds_count")
    assert sign_up_group(data=signup_data("gamma-obs")).ok
    assert not sign_up_group(data=signup_data("gamma-obs2", email="not-an-email")).ok
    families = scrape()
    assert value(families, "mutualaid_signups_total", outcome="created") == created + 1
    assert value(families, "mutualaid_signups_total", outcome="invalid") == invalid + 1
    assert value(families, "mutualaid_group_provisioning_seconds_count") == timed + 1


def test_no_label_names_a_group(alpha, beta):
    client = Client()
    for host in ("alpha.localhost", "beta.localhost"):
        client.get("/", HTTP_HOST=host)
        client.get("/volunteer/join/", HTTP_HOST=host)
        ping_group.apply_async(group=host.split(".")[0])
    connection.set_schema_to_public()  # as the platform host's routing would
    assert sign_up_group(data=signup_data("gamma-obs")).ok
    slugs = set(Group.objects.values_list("schema_name", flat=True)) - {"public"}
    assert {"alpha", "beta", "gamma-obs"} <= slugs
    families = scrape(client)
    label_values = {v for f in families.values() for s in f.samples for v in s.labels.values()}
    assert label_values, "nothing was scraped"
    assert [v for v in label_values if any(slug in v for slug in slugs)] == []


def test_metrics_are_served_on_the_platform_host_and_a_pods_address_only():
    client = Client()
    assert client.get("/metrics", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/metrics", HTTP_HOST="[fd00::5]:8000").status_code == 200
    assert client.get("/metrics", HTTP_HOST="alpha.localhost").status_code == 404
    assert client.post("/metrics", **PLATFORM).status_code == 405


def test_metrics_token_is_enforced(settings):
    settings.METRICS_TOKEN = "scrape-token-123"
    client = Client()
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"},
                    {"HTTP_AUTHORIZATION": "Basic scrape-token-123"},
                    {"HTTP_AUTHORIZATION": "Bearer ünïcode"}):
        response = client.get("/metrics", **PLATFORM, **headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert b"METRICS_TOKEN" in response.content
    assert client.get("/metrics", HTTP_HOST="10.1.2.3").status_code == 401
    scrape(client, HTTP_AUTHORIZATION="Bearer scrape-token-123")


def test_queue_depth_is_read_from_redis_at_scrape_time(settings, redis_server):
    import redis

    settings.REDIS_URL = redis_server.url + "/13"  # a database of its own: no worker reads it
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("celery")
    client.lpush("celery", "m1", "m2", "m3")
    try:
        families = scrape()
        assert value(families, "mutualaid_celery_queue_length", queue="celery") == 3
        assert value(families, "mutualaid_celery_broker_up") == 1
    finally:
        client.delete("celery")
        client.close()


def test_an_unreachable_redis_does_not_break_the_scrape(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    families = scrape()
    assert value(families, "mutualaid_celery_broker_up") == 0
    assert "mutualaid_celery_queue_length" not in families
