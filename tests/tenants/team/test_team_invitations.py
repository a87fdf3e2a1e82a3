"""Admins invite people by email; the invitee joins through the emailed link, once."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.errors import Refused
from core.tenancy.models import Group
from core.testing.people import PASSWORD
from tenants.team import selectors, services
from tenants.team.models import Invitation

pytestmark = pytest.mark.django_db

NEW = "new.person@example.org"
LINK = re.compile(r"(https?://[^/\s]+)(/team/join/([^/\s]+)/)")


def log_in(client, host, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password},
                       HTTP_HOST=host)


def invite(client, host, capture, email=NEW, role="coordinator", **extra):
    with capture(execute=True):
        return client.post("/team/invite/", {"email": email, "role": role},
                           HTTP_HOST=host, **extra)


def link_in(mail):
    found = LINK.search(mail.body)
    assert found, mail.body
    return found.group(1), found.group(2), found.group(3)


def team_rows():
    """Everything the team pages could change, to show a refusal changed nothing."""
    return (list(Invitation.objects.order_by("pk").values()),
            list(User.objects.order_by("pk").values("pk", "email", "role", "is_active")),
            list(AuditEntry.objects.filter(action__startswith="team.").values("pk")))


def test_an_invitee_joins_with_the_emailed_link_and_logs_in_with_their_role(
        client, in_alpha, mailoutbox, django_capture_on_commit_callbacks):
    admin = User.objects.get(role="admin")
    assert log_in(client, in_alpha.host, in_alpha.admin_email).status_code == 302
    assert client.get("/team/", HTTP_HOST=in_alpha.host).status_code == 200
    response = invite(client, in_alpha.host, django_capture_on_commit_callbacks,
                      email="New.Person@Example.org")
    assert response.status_code == 302 and response["Location"] == "/team/"

    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by, invitation.sent_count) \
        == (NEW, "coordinator", admin, 1)
    assert invitation.accepted_at is None and invitation.revoked_at is None
    [mail] = mailoutbox
    assert mail.to == [NEW]
    assert mail.subject == "You are invited to join Alpha Mutual Aid"
    assert "Ada Admin has invited you to join Alpha Mutual Aid" in mail.body
    assert "Your role: Coordinator" in mail.body
    origin, path, token = link_in(mail)
    assert origin == "http://alpha.localhost"  # the group's primary host, as reached
    # Only the token's hash is kept.
    assert invitation.token_hash == services.hash_token(token)
    assert token not in str(Invitation.objects.values().get())
    assert list(AuditEntry.objects.filter(action__startswith="team.")
                .values_list("action", "actor", "target_id", "data")) == [
        ("team.invite", admin.pk, str(invitation.pk), {"role": "coordinator"})]

    client.logout()
    page = client.get(path, HTTP_HOST=in_alpha.host)
    assert page.status_code == 200 and NEW in page.content.decode()
    joined = client.post(path, {"name": "Noor Newcomer", "password": "a-long-walk-home-7"},
                         HTTP_HOST=in_alpha.host)
    assert joined.status_code == 302 and joined["Location"] == "/dispatch/"
    member = User.objects.get(email=NEW)
    assert (member.name, member.role, member.is_active) == ("Noor Newcomer", "coordinator", True)
    assert list(EmailAddress.objects.filter(user=member).values_list("email", "verified",
                                                                     "primary")) == [
        (NEW, True, True)]
    assert client.get("/dispatch/", HTTP_HOST=in_alpha.host).status_code == 200  # logged in
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    accepted = AuditEntry.objects.get(action="team.accept")
    assert (accepted.actor, accepted.target_id, accepted.data) == (
        member, str(member.pk), {"invitation": invitation.pk, "role": "coordinator"})

    # The link works once; the new member logs in with the password they chose.
    client.logout()
    again = client.get(path, HTTP_HOST=in_alpha.host)
    assert again.status_code == 400 and "already been used" in again.content.decode()
    assert log_in(client, in_alpha.host, NEW, "a-long-walk-home-7").status_code == 302
    assert client.get("/dispatch/", HTTP_HOST=in_alpha.host).status_code == 200
    assert client.get("/team/", HTTP_HOST=in_alpha.host).status_code == 403  # not an admin


def test_the_link_keeps_the_port_the_admin_used_in_development(
        client, in_alpha, mailoutbox, django_capture_on_commit_callbacks):
    host = f"{in_alpha.host}:8000"
    log_in(client, host, in_alpha.admin_email)
    assert invite(client, host, django_capture_on_commit_callbacks).status_code == 302
    origin, path, _token = link_in(mailoutbox[0])
    assert f"{origin}{path}".startswith("http://alpha.localhost:8000/team/join/")


@pytest.mark.parametrize("role, home", [("admin", "/setup/"), ("volunteer", "/volunteer/welcome/")])
def test_each_role_lands_on_its_own_page(client, in_alpha, role, home):
    admin = User.objects.get(role="admin")
    token = _token_of(services.invite, email=NEW, role=role, actor=admin)
    joined = client.post(f"/team/join/{token}/", {"name": "Noor", "password": "a-long-walk-home-7"},
                         HTTP_HOST=in_alpha.host)
    assert joined.status_code == 302 and joined["Location"] == home
    assert User.objects.get(email=NEW).role == role


def _token_of(service, **kwargs) -> str:
    """Run an invite/resend service and return the token its email would carry."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        service(site_url="http://alpha.localhost", **kwargs)
    return link_in(mail.outbox[-1])[2]


def test_bad_name_or_password_refused_with_nothing_made(client, in_alpha):
    admin = User.objects.get(role="admin")
    token = _token_of(services.invite, email=NEW, role="volunteer", actor=admin)
    before = team_rows()
    for data, error in [({"name": "Noor", "password": "123"}, "too short"),
                        ({"name": "Noor", "password": "password123"}, "too common"),
                        ({"name": "", "password": "a-long-walk-home-7"}, "required")]:
        response = client.post(f"/team/join/{token}/", data, HTTP_HOST=in_alpha.host)
        assert response.status_code == 400 and error in response.content.decode()
    assert team_rows() == before
    with pytest.raises(Refused):
        services.accept(token=token, name="Noor", password="short")
    with pytest.raises(Refused):
        services.accept(token=token, name="   ", password="a-long-walk-home-7")
    assert team_rows() == before


def test_resending_kills_the_old_link(client, in_alpha, mailoutbox):
    admin = User.objects.get(role="admin")
    old = _token_of(services.invite, email=NEW, role="volunteer", actor=admin)
    invitation = Invitation.objects.get()
    log_in(client, in_alpha.host, in_alpha.admin_email)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/team/invitations/{invitation.pk}/resend/",
                               HTTP_HOST=in_alpha.host)
    assert response.status_code == 302
    assert len(mailoutbox) == 2 and mailoutbox[1].to == [NEW]
    new = link_in(mailoutbox[1])[2]
    assert new != old
    invitation.refresh_from_db()
    assert invitation.sent_count == 2 and invitation.token_hash == services.hash_token(new)
    assert AuditEntry.objects.get(action="team.resend").data == {"sent_count": 2}

    client.logout()
    dead = client.get(f"/team/join/{old}/", HTTP_HOST=in_alpha.host)
    assert dead.status_code == 400 and "no longer works" in dead.content.decode()
    assert client.post(f"/team/join/{old}/", {"name": "Noor", "password": "a-long-walk-home-7"},
                       HTTP_HOST=in_alpha.host).status_code == 400
    assert not User.objects.filter(email=NEW).exists()
    assert client.post(f"/team/join/{new}/", {"name": "Noor", "password": "a-long-walk-home-7"},
                       HTTP_HOST=in_alpha.host).status_code == 302
    assert User.objects.get(email=NEW).role == "volunteer"


def test_revoking_kills_the_link(client, in_alpha, mailoutbox):
    admin = User.objects.get(role="admin")
    token = _token_of(services.invite, email=NEW, role="volunteer", actor=admin)
    invitation = Invitation.objects.get()
    log_in(client, in_alpha.host, in_alpha.admin_email)
    assert client.post(f"/team/invitations/{invitation.pk}/revoke/",
                       HTTP_HOST=in_alpha.host).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEntry.objects.get(action="team.revoke").target_id == str(invitation.pk)
    assert selectors.pending_invitations(viewer=admin) == []

    # Withdrawn is final: neither sent again nor withdrawn twice.
    before = team_rows()
    for act in ("resend", "revoke"):
        response = client.post(f"/team/invitations/{invitation.pk}/{act}/",
                               HTTP_HOST=in_alpha.host)
        assert response.status_code == 400
        assert "already been accepted or withdrawn" in response.content.decode()
    assert team_rows() == before and len(mailoutbox) == 1

    client.logout()
    dead = client.get(f"/team/join/{token}/", HTTP_HOST=in_alpha.host)
    assert dead.status_code == 400 and "no longer works" in dead.content.decode()
    assert not User.objects.filter(email=NEW).exists()


def test_an_expired_link_is_refused_and_the_address_can_be_invited_again(client, in_alpha):
    admin = User.objects.get(role="admin")
    token = _token_of(services.invite, email=NEW, role="volunteer", actor=admin)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    before = team_rows()
    page = client.get(f"/team/join/{token}/", HTTP_HOST=in_alpha.host)
    assert page.status_code == 400 and "has expired" in page.content.decode()
    posted = client.post(f"/team/join/{token}/", {"name": "Noor", "password": "a-long-walk-home-7"},
                         HTTP_HOST=in_alpha.host)
    assert posted.status_code == 400 and "has expired" in posted.content.decode()
    with pytest.raises(services.InvitationUnusable):
        services.accept(token=token, name="Noor", password="a-long-walk-home-7")
    assert team_rows() == before

    old = Invitation.objects.get()
    [pending] = selectors.pending_invitations(viewer=admin)
    assert pending.expired
    fresh = _token_of(services.invite, email=NEW, role="coordinator", actor=admin)
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert AuditEntry.objects.filter(action="team.invite").latest("pk").data == {
        "role": "coordinator", "replaces": old.pk}
    assert client.post(f"/team/join/{fresh}/", {"name": "Noor", "password": "a-long-walk-home-7"},
                       HTTP_HOST=in_alpha.host).status_code == 302


def test_a_link_from_alpha_does_nothing_on_beta(client, alpha, beta, in_alpha):
    admin = User.objects.get(role="admin")
    token = _token_of(services.invite, email=NEW, role="admin", actor=admin)
    for response in (client.get(f"/team/join/{token}/", HTTP_HOST=beta.host),
                     client.post(f"/team/join/{token}/",
                                 {"name": "Mallory", "password": "a-long-walk-home-7"},
                                 HTTP_HOST=beta.host)):
        assert response.status_code == 400
        assert "no longer works" in response.content.decode()
    assert "_auth_user_id" not in client.session
    connection.set_tenant(Group.objects.get(schema_name=beta.slug))
    assert not User.objects.filter(email=NEW).exists()
    assert not AuditEntry.objects.filter(action__startswith="team.").exists()
    connection.set_tenant(Group.objects.get(schema_name=alpha.slug))
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is None and not User.objects.filter(email=NEW).exists()


def test_inviting_a_member_or_inviting_twice_is_refused_with_nothing_changed(
        client, in_alpha, mailoutbox, django_capture_on_commit_callbacks):
    log_in(client, in_alpha.host, in_alpha.admin_email)
    before = team_rows()
    member = invite(client, in_alpha.host, django_capture_on_commit_callbacks,
                    email="Volunteer@Alpha.example.org")
    assert member.status_code == 400
    assert "volunteer@alpha.example.org is already a member of this group." \
        in member.content.decode()
    assert team_rows() == before and mailoutbox == []

    assert invite(client, in_alpha.host, django_capture_on_commit_callbacks).status_code == 302
    once = team_rows()
    twice = invite(client, in_alpha.host, django_capture_on_commit_callbacks,
                   email=NEW.upper(), role="admin")
    assert twice.status_code == 400 and "has already been invited" in twice.content.decode()
    assert team_rows() == once and len(mailoutbox) == 1


def test_bad_invitations_are_refused_with_nothing_changed(client, in_alpha):
    admin = User.objects.get(role="admin")
    before = team_rows()
    for email, role in [("not-an-address", "volunteer"), (NEW, "overlord"), ("", "admin")]:
        with pytest.raises(Refused):
            services.invite(email=email, role=role, actor=admin, site_url="http://x")
    log_in(client, in_alpha.host, in_alpha.admin_email)
    response = client.post("/team/invite/", {"email": "nope", "role": "overlord"},
                           HTTP_HOST=in_alpha.host)
    assert response.status_code == 400
    assert team_rows() == before


def test_only_admins_manage_the_team(client, in_alpha):
    admin = User.objects.get(role="admin")
    _token_of(services.invite, email=NEW, role="volunteer", actor=admin)
    invitation = Invitation.objects.get()
    volunteer = User.objects.get(role="volunteer")
    before = team_rows()
    posts = [("/team/invite/", {"email": "x@example.org", "role": "admin"}),
             (f"/team/invitations/{invitation.pk}/resend/", {}),
             (f"/team/invitations/{invitation.pk}/revoke/", {}),
             (f"/team/members/{volunteer.pk}/role/", {"role": "admin"}),
             (f"/team/members/{volunteer.pk}/remove/", {})]
    for email in (in_alpha.coordinator_email, in_alpha.volunteer_email):
        log_in(client, in_alpha.host, email)
        assert client.get("/team/", HTTP_HOST=in_alpha.host).status_code == 403
        assert client.get(f"/team/members/{volunteer.pk}/remove/",
                          HTTP_HOST=in_alpha.host).status_code == 403
        for path, data in posts:
            assert client.post(path, data, HTTP_HOST=in_alpha.host).status_code == 403, path
        client.logout()
    anonymous = client.get("/team/", HTTP_HOST=in_alpha.host)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert team_rows() == before
    coordinator = User.objects.get(role="coordinator")
    for call in (lambda: services.invite(email="x@example.org", role="admin", actor=coordinator,
                                         site_url="http://x"),
                 lambda: services.revoke(invitation_id=invitation.pk, actor=coordinator),
                 lambda: services.change_role(member_id=volunteer.pk, role="admin",
                                              actor=coordinator),
                 lambda: services.remove_member(member_id=volunteer.pk, actor=coordinator)):
        with pytest.raises(Refused):
            call()
    assert team_rows() == before


def test_the_setup_checklist_links_to_the_team_and_ticks_once_started(client, in_alpha):
    from tenants.home.selectors import setup_checklist

    admin = User.objects.get(role="admin")
    User.objects.exclude(pk=admin.pk).update(is_active=False)  # the admin alone, nobody asked
    [item] = [i for i in setup_checklist(user=admin) if i.key == "team"]
    assert (item.done, item.url) == (False, "/team/")
    _token_of(services.invite, email=NEW, role="volunteer", actor=admin)
    [item] = [i for i in setup_checklist(user=admin) if i.key == "team"]
    assert item.done
    log_in(client, in_alpha.host, in_alpha.admin_email)
    page = client.get("/", HTTP_HOST=in_alpha.host).content.decode()
    assert 'href="/team/"' in page  # the admin's navigation
