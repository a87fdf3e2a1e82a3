"""Two groups, alpha and beta: nothing of one is reachable from the other's host, session
or ids. Each page that exists so far is visited across the boundary."""

import re

import pytest
from django.core import mail

from core.accounts.models import User
from core.testing.people import PASSWORD

pytestmark = pytest.mark.django_db

GROUP_PAGES = ["/", "/setup/", "/accounts/login/", "/accounts/email/", "/accounts/password/change/",
               "/setup/types/", "/setup/languages/", "/setup/branding/", "/branding/theme.css",
               "/setup/priority/"]


def log_in(client, host: str, email: str):
    response = client.post(
        "/accounts/login/", {"login": email, "password": PASSWORD}, HTTP_HOST=host
    )
    assert response.status_code == 302, response.content[:500]
    return response


def test_login_sets_host_only_cookies(client, alpha):
    response = log_in(client, alpha.host, alpha.admin_email)
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["domain"] == ""
    assert session_cookie["httponly"]
    csrf = client.get("/accounts/login/", HTTP_HOST=alpha.host).cookies.get("csrftoken")
    assert csrf is None or csrf["domain"] == ""


def test_a_login_does_not_carry_across_hosts(client, alpha, beta):
    log_in(client, alpha.host, alpha.admin_email)
    assert client.get("/setup/", HTTP_HOST=alpha.host).status_code == 200
    # Django's test client sends every cookie to every host, as a careless browser would:
    # alpha's session id still means nothing to beta, whose sessions live in its schema.
    response = client.get("/setup/", HTTP_HOST=beta.host)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    # Nor to the platform host.
    home = client.get("/", HTTP_HOST="localhost")
    assert b"Log out" not in home.content


def test_alpha_credentials_do_not_work_on_beta(client, alpha, beta):
    response = client.post(
        "/accounts/login/", {"login": alpha.admin_email, "password": PASSWORD},
        HTTP_HOST=beta.host,
    )
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", GROUP_PAGES)
def test_pages_never_show_the_other_groups_data(client, alpha, beta, path):
    log_in(client, alpha.host, alpha.admin_email)
    for host in (alpha.host, beta.host):
        response = client.get(path, HTTP_HOST=host)
        assert response.status_code in (200, 302, 403, 404)
        body = response.content.decode()
        other = beta if host == alpha.host else alpha
        assert other.admin_email not in body
        assert f"{other.slug.title()} Mutual Aid" not in body


def test_group_pages_need_the_right_role(client, alpha):
    log_in(client, alpha.host, alpha.volunteer_email)
    assert client.get("/setup/", HTTP_HOST=alpha.host).status_code == 403


def test_same_numeric_ids_mean_different_people(alpha, beta):
    from django.db import connection

    from core.tenancy.models import Group

    seen = {}
    for slug in ("alpha", "beta"):
        connection.set_tenant(Group.objects.get(schema_name=slug))
        seen[slug] = dict(User.objects.values_list("pk", "email"))
    connection.set_schema_to_public()
    assert set(seen["alpha"]) == set(seen["beta"])  # ids overlap by design...
    assert not set(seen["alpha"].values()) & set(seen["beta"].values())  # ...people do not


def test_a_password_reset_link_from_alpha_is_refused_on_beta(client, alpha, beta):
    client.post("/accounts/password/reset/", {"email": alpha.admin_email}, HTTP_HOST=alpha.host)
    assert len(mail.outbox) == 1
    link = re.search(r"https?://([^/\s]+)(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link.group(1) == alpha.host  # the link points at alpha's own host
    path = link.group(2)
    # The same link on beta's host: beta's user with the same id must not be reset.
    response = client.get(path, HTTP_HOST=beta.host, follow=True)
    assert b"Bad Token" in response.content or response.status_code == 404
    assert client.post(path, {"password1": "n3w-Passw0rd!x", "password2": "n3w-Passw0rd!x"},
                       HTTP_HOST=beta.host).status_code in (200, 302, 404)
    client.logout()
    response = client.post("/accounts/login/", {"login": beta.admin_email,
                                                "password": PASSWORD}, HTTP_HOST=beta.host)
    assert response.status_code == 302  # beta's admin still has the old password


def test_an_emailed_confirmation_link_from_one_group_is_unknown_on_another(client, alpha, beta):
    """The key in the email (not one made in the test) must mean nothing on beta's host,
    even though alpha's and beta's email-address rows share the same ids."""
    from allauth.account.models import EmailAddress
    from django.db import connection

    from core.tenancy.models import Group

    log_in(client, alpha.host, alpha.admin_email)
    client.post("/accounts/email/", {"action_send": "", "email": alpha.admin_email},
                HTTP_HOST=alpha.host)
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[0].body)[1]
    client.logout()
    response = client.get(path, HTTP_HOST=beta.host)
    assert response.status_code in (200, 404)  # allauth's "expired or invalid link" page
    assert response.context.get("confirmation") is None
    assert "@" not in response.content.decode().split("<main", 1)[1]
    client.post(path, HTTP_HOST=beta.host)
    connection.set_tenant(Group.objects.get(schema_name="beta"))
    assert not EmailAddress.objects.get(email=beta.admin_email).verified
    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    assert not EmailAddress.objects.get(email=alpha.admin_email).verified
    connection.set_schema_to_public()
    # On alpha's host the same link does its job.
    assert client.post(path, HTTP_HOST=alpha.host).status_code == 302
    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    assert EmailAddress.objects.get(email=alpha.admin_email).verified


def test_a_handoff_token_for_alpha_does_nothing_on_beta(client, alpha, beta):
    from core.tenancy.models import Group
    from core.tenancy.provisioning import issue_handoff

    token = issue_handoff(group=Group.objects.get(schema_name="alpha"), user_id=1)
    response = client.get(f"/welcome/{token}/", HTTP_HOST=beta.host)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    # Still good on alpha, where it belongs.
    assert client.get(f"/welcome/{token}/", HTTP_HOST=alpha.host).status_code == 302
