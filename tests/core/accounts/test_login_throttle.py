"""Repeated failed sign-ins are throttled per group, per email address and client IP, with
a clear message on the login page (not an error page)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from core.accounts.services import create_member
from core.testing.people import PASSWORD

pytestmark = pytest.mark.django_db

SHARED_EMAIL = "sam@example.org"  # a member of both groups: two accounts, one address
LOCKED = "Too many failed attempts to sign in"


@pytest.fixture
def sam_in_both(alpha, beta):
    from core.tenancy.models import Group

    for slug in (alpha.slug, beta.slug):
        connection.set_tenant(Group.objects.get(schema_name=slug))
        create_member(email=SHARED_EMAIL, name="Sam", role="volunteer", password=PASSWORD)
    connection.set_schema_to_public()


def attempt(client, host: str, password: str, ip: str = "127.0.0.1"):
    return client.post("/accounts/login/", {"login": SHARED_EMAIL, "password": password},
                       HTTP_HOST=host, REMOTE_ADDR=ip)


def fail_until_locked(client, host: str) -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = attempt(client, host, "wrong password")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()


def test_locked_out_after_the_limit_with_a_message_on_the_login_page(client, alpha,
                                                                      sam_in_both):
    fail_until_locked(client, alpha.host)
    response = attempt(client, alpha.host, PASSWORD)  # even the right password, for now
    assert response.status_code == 200
    body = response.content.decode()
    assert LOCKED in body
    assert f"try again in {settings.LOGIN_COOLOFF_MINUTES} minutes" in body
    assert 'id="login-form"' in body  # the login page itself, with its reset link
    assert "_auth_user_id" not in client.session


def test_a_lockout_in_one_group_does_not_reach_another(client, alpha, beta, sam_in_both):
    fail_until_locked(client, alpha.host)
    assert LOCKED in attempt(client, alpha.host, PASSWORD).content.decode()
    response = attempt(client, beta.host, PASSWORD)  # same address, same IP
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_a_lockout_is_per_address_and_ip(client, alpha, sam_in_both):
    fail_until_locked(client, alpha.host)
    # The owner on another network is not locked out by someone guessing elsewhere.
    assert attempt(client, alpha.host, PASSWORD, ip="203.0.113.7").status_code == 302


def test_a_right_password_does_not_use_up_attempts(client, alpha, sam_in_both):
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 2):
        assert attempt(client, alpha.host, PASSWORD).status_code == 302
        client.post("/accounts/logout/", HTTP_HOST=alpha.host)
