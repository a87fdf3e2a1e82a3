"""/healthz (liveness, no dependencies) and /readyz (database, Redis, migrations) answer on
any host, before routing; readiness names the failing check and answers 503."""

import pytest
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db
HOSTS = ["localhost", "alpha.localhost", "no-such-group.localhost", "10.0.0.7:8000",
         "evil.example.com"]


@pytest.mark.parametrize("host", HOSTS)
def test_liveness_answers_on_any_host_without_touching_anything(host, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["X-Request-ID"]


@pytest.mark.parametrize("host", HOSTS)
def test_readiness_is_ok_when_everything_is(host, settings):
    settings.REDIS_URL = ""
    response = Client().get("/readyz", HTTP_HOST=host)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["redis"] == {"ok": True, "detail": "not configured"}
    assert body["checks"]["migrations"] == {"ok": True}
    assert response["Content-Type"] == "application/json"


def test_readiness_pings_redis_when_it_is_configured(settings, redis_server):
    settings.REDIS_URL = redis_server.url
    response = Client().get("/readyz", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == {"ok": True}


def test_readiness_fails_when_redis_is_unreachable(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = Client().get("/readyz", HTTP_HOST="localhost")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail" and body["failing"] == ["redis"]
    assert body["checks"]["redis"]["ok"] is False
    assert "127.0.0.1" not in response.content.decode()  # no addresses for the public
    assert body["checks"]["database"] == {"ok": True}


def latest(schema: str, app: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT max(name) FROM "{schema}".django_migrations WHERE app = %s',
                       [app])
        return cursor.fetchone()[0]


def unapply(schema: str, app: str, name: str) -> None:
    """What a deploy of new code looks like before `migrate` ran (rolled back after the test)."""
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s',
                       [app, name])


def test_readiness_fails_on_an_unapplied_public_migration():
    name = latest("public", "tenancy")
    unapply("public", "tenancy", name)
    response = Client().get("/readyz", HTTP_HOST="localhost")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"]
    assert f"public: tenancy.{name}" in body["checks"]["migrations"]["error"]


def test_readiness_fails_when_the_template_is_behind():
    name = latest("_template", "accounts")
    unapply("_template", "accounts", name)
    body = Client().get("/readyz", HTTP_HOST="alpha.localhost").json()
    assert body["failing"] == ["migrations"]
    assert f"_template: accounts.{name}" in body["checks"]["migrations"]["error"]


def test_readiness_fails_when_the_blueprint_predates_the_template():
    from core.tenancy.models import SchemaBlueprint

    SchemaBlueprint.objects.update(fingerprint="stale")
    response = Client().get("/readyz", HTTP_HOST="localhost")
    assert response.status_code == 503
    assert "blueprint" in response.json()["checks"]["migrations"]["error"]


def test_health_endpoints_answer_whatever_schema_the_connection_was_left_in(alpha):
    from core.tenancy.models import Group

    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    response = Client().get("/readyz", HTTP_HOST="localhost")
    assert response.status_code == 200, response.json()
