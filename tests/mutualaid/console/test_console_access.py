"""Only operators (public-schema staff) reach the console, and they sign in on the platform
host with the same allauth login members use on their groups' hosts."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from core.accounts.models import User
from core.testing.people import PASSWORD
from core.tenancy.models import Group

pytestmark = pytest.mark.django_db
PLATFORM = {"HTTP_HOST": "localhost"}
PAGES = ["/operators/", "/operators/groups/alpha/"]
ACTIONS = ["suspend", "resume", "close", "domains", "export"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, alpha, path):
    response = client.get(path, **PLATFORM)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", PAGES)
def test_a_platform_user_who_is_not_staff_gets_a_403(client, alpha, path):
    user = User.objects.create_user("someone@example.org", PASSWORD, name="Someone")
    client.force_login(user)
    assert client.get(path, **PLATFORM).status_code == 403


@pytest.mark.parametrize("action", ACTIONS)
def test_non_operators_cannot_act_and_nothing_changes(client, alpha, action):
    user = User.objects.create_user("someone@example.org", PASSWORD, name="Someone")
    client.force_login(user)
    before = list(Group.objects.filter(schema_name="alpha").values())
    response = client.post(f"/operators/groups/alpha/{action}/",
                           {f"{action}-reason": "x", "domain-hostname": "a.example.org",
                            "close-confirm": "alpha"}, **PLATFORM)
    assert response.status_code == 403
    assert list(Group.objects.filter(schema_name="alpha").values()) == before
    from mutualaid.console.models import GroupExport

    assert not GroupExport.objects.exists()


def test_a_group_admin_cannot_sign_in_on_the_platform_host(client, alpha):
    # Their account lives in their group's schema; the platform host knows only operators.
    response = client.post("/accounts/login/", {"login": alpha.admin_email,
                                                 "password": PASSWORD}, **PLATFORM)
    assert response.status_code == 200  # the form again, with its error
    assert client.get("/operators/", **PLATFORM).status_code == 302


def test_the_console_is_not_served_on_group_hosts(client, alpha):
    assert client.get("/operators/", HTTP_HOST=alpha.host).status_code == 404


def test_an_operator_signs_in_on_the_platform_host_and_sees_the_fleet(client, operator):
    response = client.post("/accounts/login/", {"login": operator.email, "password": PASSWORD,
                                                "next": "/operators/"}, **PLATFORM)
    assert response.status_code == 302 and response["Location"] == "/operators/"
    page = client.get("/operators/", **PLATFORM)
    assert page.status_code == 200
    assert b"Alpha Mutual Aid" in page.content and b"Beta Mutual Aid" in page.content


def test_create_operator_makes_a_staff_user_in_public(monkeypatch, alpha):
    monkeypatch.setenv("OPERATOR_PASSWORD", PASSWORD)
    call_command("create_operator", email="New.Ops@Example.org", name="New Ops")
    user = User.objects.get(email="new.ops@example.org")
    assert connection.schema_name == "public"
    assert user.is_staff and not user.is_superuser and user.check_password(PASSWORD)
    client = Client()
    client.post("/accounts/login/", {"login": "new.ops@example.org", "password": PASSWORD},
                **PLATFORM)
    assert client.get("/operators/", **PLATFORM).status_code == 200


@pytest.mark.parametrize("email,password,message", [
    ("not-an-email", PASSWORD, "not an email address"),
    ("ops@example.org", "short", "too short"),
])
def test_create_operator_refuses_bad_input_and_creates_nothing(monkeypatch, email, password,
                                                                message):
    monkeypatch.setenv("OPERATOR_PASSWORD", password)
    before = User.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("create_operator", email=email)
    assert User.objects.count() == before


def test_create_operator_refuses_a_taken_address(monkeypatch, operator):
    monkeypatch.setenv("OPERATOR_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="already has an account"):
        call_command("create_operator", email=operator.email)
