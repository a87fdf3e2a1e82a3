"""Two-factor login for staff: a group can require it; staff without an authenticator app are
sent to set one up first; volunteers are never asked; codes work end to end."""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from django.db import connection

from core.accounts.models import User
from core.testing.people import PASSWORD

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"
REAUTHENTICATE = "/accounts/reauthenticate/"


@contextmanager
def in_group(slug: str):
    from core.tenancy.models import Group

    connection.set_tenant(Group.objects.get(schema_name=slug))
    try:
        yield
    finally:
        connection.set_schema_to_public()


def require_staff_2fa(slug: str, capture, required: bool = True) -> None:
    from core.tenancy.models import Group
    from core.tenancy.services import set_staff_two_factor

    with in_group(slug), capture(execute=True):
        admin = User.objects.get(role=User.Role.ADMIN)
        set_staff_two_factor(group=Group.objects.get(schema_name=slug), required=required,
                             actor=admin)


def log_in(client, host: str, email: str):
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD},
                           HTTP_HOST=host)
    assert response.status_code == 302, response.content[:500]
    return response


def current_code(secret: str) -> str:
    """The authenticator app's code now, computed as the app does (allauth's own HOTP)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    # Not in the last second of a 30-second step: the server checks the code a moment later.
    while 30 - time.time() % 30 < 1.5:
        time.sleep(0.25)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def confirm_password(client, host: str) -> None:
    """Adding an authenticator asks for the password again (allauth's reauthentication)."""
    asked = client.get(ACTIVATE, HTTP_HOST=host)
    assert asked.status_code == 302
    assert asked["Location"] == f"{REAUTHENTICATE}?next={quote(ACTIVATE, safe='')}"
    page = client.get(asked["Location"], HTTP_HOST=host)
    assert "To set up two-factor login, first confirm your password." in page.content.decode()
    done = client.post(asked["Location"], {"password": PASSWORD}, HTTP_HOST=host)
    assert done.status_code == 302 and done["Location"] == ACTIVATE


def set_up_app(client, host: str) -> str:
    """Scan the page's key into an 'app' and confirm with its code; returns the key."""
    confirm_password(client, host)
    page = client.get(ACTIVATE, HTTP_HOST=host)
    assert page.status_code == 200
    secret = re.search(r'<code class="secret" id="totp-secret">([A-Z2-7]+)</code>',
                       page.content.decode()).group(1)
    done = client.post(ACTIVATE, {"code": current_code(secret)}, HTTP_HOST=host)
    assert done.status_code == 302
    assert done["Location"] == "/accounts/2fa/recovery-codes/"
    return secret


def test_staff_without_an_app_are_sent_to_set_one_up(client, alpha,
                                                      django_capture_on_commit_callbacks):
    require_staff_2fa(alpha.slug, django_capture_on_commit_callbacks)
    log_in(client, alpha.host, alpha.coordinator_email)
    for path in ("/", "/dispatch/", "/volunteers/", "/accounts/2fa/"):
        response = client.get(path, HTTP_HOST=alpha.host)
        assert response.status_code == 302, path
        assert response["Location"] == ACTIVATE
    confirm_password(client, alpha.host)
    page = client.get(ACTIVATE, HTTP_HOST=alpha.host)
    assert page.status_code == 200
    body = page.content.decode()
    assert "asks its coordinators and admins to sign in with a code" in body
    assert 'src="data:image/svg+xml;base64,' in body  # the QR code
    assert '<label for="id_code">' in body
    # Logging out still works.
    assert client.post("/accounts/logout/", HTTP_HOST=alpha.host).status_code == 302


def test_admins_are_staff_too(client, alpha, django_capture_on_commit_callbacks):
    require_staff_2fa(alpha.slug, django_capture_on_commit_callbacks)
    log_in(client, alpha.host, alpha.admin_email)
    assert client.get("/setup/", HTTP_HOST=alpha.host)["Location"] == ACTIVATE


def test_volunteers_are_not_asked(client, alpha, django_capture_on_commit_callbacks):
    require_staff_2fa(alpha.slug, django_capture_on_commit_callbacks)
    log_in(client, alpha.host, alpha.volunteer_email)
    assert client.get("/", HTTP_HOST=alpha.host).status_code == 200
    assert client.get("/accounts/2fa/", HTTP_HOST=alpha.host).status_code == 200  # optional


def test_without_the_rule_staff_are_not_asked(client, alpha):
    log_in(client, alpha.host, alpha.coordinator_email)
    assert client.get("/dispatch/", HTTP_HOST=alpha.host).status_code == 200


def test_the_rule_is_per_group(client, alpha, beta, django_capture_on_commit_callbacks):
    require_staff_2fa(alpha.slug, django_capture_on_commit_callbacks)
    log_in(client, beta.host, beta.coordinator_email)
    assert client.get("/dispatch/", HTTP_HOST=beta.host).status_code == 200


def test_totp_login_end_to_end(client, alpha, django_capture_on_commit_callbacks):
    from allauth.mfa.models import Authenticator

    require_staff_2fa(alpha.slug, django_capture_on_commit_callbacks)
    log_in(client, alpha.host, alpha.coordinator_email)
    secret = set_up_app(client, alpha.host)
    codes_page = client.get("/accounts/2fa/recovery-codes/", HTTP_HOST=alpha.host)
    recovery_codes = re.findall(r"<li><code>(\w+)</code></li>", codes_page.content.decode())
    assert len(recovery_codes) == 10
    assert client.get("/dispatch/", HTTP_HOST=alpha.host).status_code == 200
    client.post("/accounts/logout/", HTTP_HOST=alpha.host)

    # The password alone no longer signs in: it leads to the code page.
    response = log_in(client, alpha.host, alpha.coordinator_email)
    assert response["Location"] == AUTHENTICATE
    assert "_auth_user_id" not in client.session
    page = client.get(AUTHENTICATE, HTTP_HOST=alpha.host)
    assert '<label for="id_code">' in page.content.decode()
    wrong = client.post(AUTHENTICATE, {"code": "000000" if current_code(secret) != "000000"
                                       else "111111"}, HTTP_HOST=alpha.host)
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    right = client.post(AUTHENTICATE, {"code": current_code(secret)}, HTTP_HOST=alpha.host)
    assert right.status_code == 302
    assert client.get("/dispatch/", HTTP_HOST=alpha.host).status_code == 200
    client.post("/accounts/logout/", HTTP_HOST=alpha.host)

    # A recovery code works once.
    log_in(client, alpha.host, alpha.coordinator_email)
    assert client.post(AUTHENTICATE, {"code": recovery_codes[0]},
                       HTTP_HOST=alpha.host).status_code == 302
    client.post("/accounts/logout/", HTTP_HOST=alpha.host)
    log_in(client, alpha.host, alpha.coordinator_email)
    again = client.post(AUTHENTICATE, {"code": recovery_codes[0]}, HTTP_HOST=alpha.host)
    assert again.status_code == 200 and "_auth_user_id" not in client.session

    with in_group(alpha.slug):
        types = set(Authenticator.objects.filter(user__email=alpha.coordinator_email)
                    .values_list("type", flat=True))
    assert types == {"totp", "recovery_codes"}


def test_the_app_cannot_be_switched_off_while_the_group_requires_it(
        client, alpha, django_capture_on_commit_callbacks):
    from allauth.mfa.models import Authenticator

    require_staff_2fa(alpha.slug, django_capture_on_commit_callbacks)
    log_in(client, alpha.host, alpha.coordinator_email)
    set_up_app(client, alpha.host)
    page = client.get("/accounts/2fa/totp/deactivate/", HTTP_HOST=alpha.host)
    assert "You cannot deactivate two-factor authentication." in page.content.decode()
    client.post("/accounts/2fa/totp/deactivate/", HTTP_HOST=alpha.host)
    with in_group(alpha.slug):
        assert Authenticator.objects.filter(user__email=alpha.coordinator_email,
                                            type="totp").exists()


def test_an_admin_sets_the_rule_on_the_security_page(client, alpha,
                                                     django_capture_on_commit_callbacks):
    from core.audit.models import AuditEntry
    from core.tenancy.models import Group

    log_in(client, alpha.host, alpha.admin_email)
    page = client.get("/accounts/security/", HTTP_HOST=alpha.host)
    assert page.status_code == 200
    assert 'name="require_staff_2fa"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post("/accounts/security/", {"require_staff_2fa": "on"},
                            HTTP_HOST=alpha.host)
    assert saved.status_code == 302
    assert Group.objects.get(schema_name=alpha.slug).require_staff_2fa is True
    with in_group(alpha.slug):
        entry = AuditEntry.objects.get(action="group.require_staff_2fa")
    assert (entry.actor_label, entry.data) == (alpha.admin_email, {"required": True})
    # The cached routing was dropped: the admin's very next page asks for the app.
    assert client.get("/setup/", HTTP_HOST=alpha.host)["Location"] == ACTIVATE


def test_only_admins_set_the_rule(client, alpha):
    from core.tenancy.models import Group

    log_in(client, alpha.host, alpha.coordinator_email)
    page = client.get("/accounts/security/", HTTP_HOST=alpha.host)
    assert page.status_code == 200
    assert 'name="require_staff_2fa"' not in page.content.decode()
    refused = client.post("/accounts/security/", {"require_staff_2fa": "on"},
                          HTTP_HOST=alpha.host)
    assert refused.status_code == 403
    assert Group.objects.get(schema_name=alpha.slug).require_staff_2fa is False
    client.post("/accounts/logout/", HTTP_HOST=alpha.host)
    log_in(client, alpha.host, alpha.volunteer_email)
    assert client.get("/accounts/security/", HTTP_HOST=alpha.host).status_code == 403


def test_authenticator_tables_live_in_each_group_schema(alpha, beta):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'mfa_authenticator' AND table_schema = ANY(%s)",
            [["public", alpha.slug, beta.slug]],
        )
        assert {row[0] for row in cursor.fetchall()} == {"public", alpha.slug, beta.slug}
