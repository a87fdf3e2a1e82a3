"""Admins change members' roles and remove members; a group always keeps one admin."""

import html
import threading

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection, connections
from django.test import Client, TestCase

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.errors import Refused
from core.tenancy.models import Group
from core.testing.people import PASSWORD
from tenants.team import services
from tenants.team.models import Invitation

LAST_ADMIN = "You are this group's only admin"


def log_in(client, host, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password},
                       HTTP_HOST=host)


def text(response) -> str:
    return html.unescape(response.content.decode())


def team_rows():
    return (list(User.objects.order_by("pk").values("pk", "role", "is_active")),
            list(AuditEntry.objects.filter(action__startswith="team.").values("pk")))


def sessions_of(user) -> int:
    return sum(s.get_decoded().get("_auth_user_id") == str(user.pk)
               for s in Session.objects.all())


@pytest.mark.django_db
def test_an_admin_changes_a_members_role(client, in_alpha):
    admin, volunteer = User.objects.get(role="admin"), User.objects.get(role="volunteer")
    log_in(client, in_alpha.host, in_alpha.admin_email)
    page = client.get("/team/", HTTP_HOST=in_alpha.host)
    assert page.status_code == 200
    assert [m.pk for m in page.context["members"]] == list(
        User.objects.order_by("pk").values_list("pk", flat=True))  # admin, coordinator, volunteer
    response = client.post(f"/team/members/{volunteer.pk}/role/", {"role": "coordinator"},
                           HTTP_HOST=in_alpha.host)
    assert response.status_code == 302 and response["Location"] == "/team/"
    volunteer.refresh_from_db()
    assert volunteer.role == "coordinator"
    row = AuditEntry.objects.get(action="team.change_role")
    assert (row.actor, row.target_id, row.data) == (
        admin, str(volunteer.pk), {"from": "volunteer", "to": "coordinator"})

    # The new coordinator reaches coordinators' pages.
    client.logout()
    log_in(client, in_alpha.host, in_alpha.volunteer_email)
    assert client.get("/dispatch/", HTTP_HOST=in_alpha.host).status_code == 200

    # Nonsense or no change: a message, nothing written.
    client.logout()
    log_in(client, in_alpha.host, in_alpha.admin_email)
    before = team_rows()
    for role in ("overlord", "coordinator"):
        assert client.post(f"/team/members/{volunteer.pk}/role/", {"role": role},
                           HTTP_HOST=in_alpha.host).status_code == 400
    assert client.post("/team/members/999999/role/", {"role": "admin"},
                       HTTP_HOST=in_alpha.host).status_code == 400
    assert team_rows() == before


@pytest.mark.django_db
def test_a_removed_member_is_logged_out_and_cannot_log_in(client, in_alpha):
    admin, volunteer = User.objects.get(role="admin"), User.objects.get(role="volunteer")
    theirs = Client()
    assert log_in(theirs, in_alpha.host, in_alpha.volunteer_email).status_code == 302
    assert sessions_of(volunteer) == 1

    log_in(client, in_alpha.host, in_alpha.admin_email)
    confirm = client.get(f"/team/members/{volunteer.pk}/remove/", HTTP_HOST=in_alpha.host)
    assert confirm.status_code == 200 and "Yes, remove" in confirm.content.decode()
    assert User.objects.get(pk=volunteer.pk).is_active  # asking changed nothing
    response = client.post(f"/team/members/{volunteer.pk}/remove/", HTTP_HOST=in_alpha.host)
    assert response.status_code == 302 and response["Location"] == "/team/"

    volunteer.refresh_from_db()
    assert (volunteer.is_active, volunteer.role) == (False, "volunteer")  # kept, closed
    assert sessions_of(volunteer) == 0
    assert "_auth_user_id" not in theirs.session
    again = log_in(theirs, in_alpha.host, in_alpha.volunteer_email)
    assert again["Location"] == "/accounts/inactive/" and "_auth_user_id" not in theirs.session
    assert theirs.get(again["Location"], HTTP_HOST=in_alpha.host).status_code == 200
    row = AuditEntry.objects.get(action="team.remove")
    assert (row.actor, row.target_id, row.data) == (admin, str(volunteer.pk),
                                                    {"role": "volunteer"})
    assert volunteer.pk not in [m.pk for m in client.get(
        "/team/", HTTP_HOST=in_alpha.host).context["members"]]
    assert client.get(f"/team/members/{volunteer.pk}/remove/",
                      HTTP_HOST=in_alpha.host).status_code == 404
    before = team_rows()
    assert client.post(f"/team/members/{volunteer.pk}/remove/",
                       HTTP_HOST=in_alpha.host).status_code == 400  # not a member any more
    assert team_rows() == before


@pytest.mark.django_db
def test_a_removed_member_invited_back_gets_their_account_again(client, in_alpha):
    admin, volunteer = User.objects.get(role="admin"), User.objects.get(role="volunteer")
    services.remove_member(member_id=volunteer.pk, actor=admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.invite(email=volunteer.email, role="coordinator", actor=admin,
                        site_url="http://alpha.localhost")
    token = mail.outbox[-1].body.split("/team/join/")[1].split("/")[0]
    assert Invitation.objects.get().email == volunteer.email
    assert client.post(f"/team/join/{token}/", {"name": "Back Again", "password": "a-long-walk-home-7"},
                       HTTP_HOST=in_alpha.host).status_code == 302
    back = User.objects.get(email=volunteer.email)
    assert (back.pk, back.is_active, back.role, back.name) == (
        volunteer.pk, True, "coordinator", "Back Again")
    assert back.check_password("a-long-walk-home-7") and not back.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_last_admin_can_neither_leave_nor_step_down(client, in_alpha):
    admin = User.objects.get(role="admin")
    log_in(client, in_alpha.host, in_alpha.admin_email)
    before = team_rows()
    removed = client.post(f"/team/members/{admin.pk}/remove/", HTTP_HOST=in_alpha.host)
    assert removed.status_code == 400 and LAST_ADMIN in text(removed)
    demoted = client.post(f"/team/members/{admin.pk}/role/", {"role": "coordinator"},
                          HTTP_HOST=in_alpha.host)
    assert demoted.status_code == 400 and LAST_ADMIN in text(demoted)
    with pytest.raises(Refused):
        services.remove_member(member_id=admin.pk, actor=admin)
    with pytest.raises(Refused):
        services.change_role(member_id=admin.pk, role="volunteer", actor=admin)
    assert team_rows() == before
    assert client.get("/team/", HTTP_HOST=in_alpha.host).status_code == 200  # still an admin


@pytest.mark.django_db
def test_with_another_admin_an_admin_may_step_down_or_leave(client, in_alpha):
    admin, coordinator = User.objects.get(role="admin"), User.objects.get(role="coordinator")
    services.change_role(member_id=coordinator.pk, role="admin", actor=admin)
    log_in(client, in_alpha.host, in_alpha.admin_email)
    stepped = client.post(f"/team/members/{admin.pk}/role/", {"role": "coordinator"},
                          HTTP_HOST=in_alpha.host)
    assert stepped.status_code == 302 and stepped["Location"] == "/"
    assert client.get("/team/", HTTP_HOST=in_alpha.host).status_code == 403
    # Now the other admin is the last one: they can't remove themselves either.
    with pytest.raises(Refused, match=LAST_ADMIN):
        services.remove_member(member_id=coordinator.pk, actor=coordinator)
    services.change_role(member_id=admin.pk, role="admin", actor=coordinator)
    client.logout()
    log_in(client, in_alpha.host, in_alpha.coordinator_email)
    left = client.post(f"/team/members/{coordinator.pk}/remove/", HTTP_HOST=in_alpha.host)
    assert left.status_code == 302 and left["Location"] == "/"
    assert "_auth_user_id" not in client.session
    assert list(User.objects.filter(role="admin", is_active=True)) == [admin]
    assert list(AuditEntry.objects.filter(action__startswith="team.").order_by("pk")
                .values_list("action", "actor", "target_id")) == [
        ("team.change_role", admin.pk, str(coordinator.pk)),
        ("team.change_role", admin.pk, str(admin.pk)),
        ("team.change_role", coordinator.pk, str(admin.pk)),
        ("team.remove", coordinator.pk, str(coordinator.pk))]


def race(target, count=2):
    """Run target(0..count-1) on threads released together, each on its own connection."""
    barrier = threading.Barrier(count)
    outcomes = []

    def run(i):
        connection.set_tenant(Group.objects.get(schema_name="alpha"))
        try:
            barrier.wait(timeout=10)
            outcomes.append(target(i))
        except Refused as refused:
            outcomes.append(str(refused.message))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.committed
@pytest.mark.parametrize("act", ["remove", "demote"])
def test_two_admins_removing_each_other_at_once_leave_one_admin(in_alpha, act):
    admin, coordinator = User.objects.get(role="admin"), User.objects.get(role="coordinator")
    last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        services.change_role(member_id=coordinator.pk, role="admin", actor=admin)
        pair = [(admin, coordinator), (coordinator, admin)]

        def act_on(i):
            actor, other = pair[i]
            if act == "remove":
                return services.remove_member(member_id=other.pk, actor=actor).pk
            return services.change_role(member_id=other.pk, role="volunteer", actor=actor).pk

        outcomes = race(act_on)
        assert len(outcomes) == 2
        done = [o for o in outcomes if isinstance(o, int)]
        refused = [o for o in outcomes if isinstance(o, str)]
        assert len(done) == 1 and len(refused) == 1, outcomes
        assert User.objects.filter(role="admin", is_active=True).count() == 1
        assert AuditEntry.objects.filter(
            pk__gt=last_audit, action__in=["team.remove", "team.change_role"]).count() == 2
    finally:
        User.objects.filter(pk=admin.pk).update(role="admin", is_active=True)
        User.objects.filter(pk=coordinator.pk).update(role="coordinator", is_active=True)
        AuditEntry.objects.filter(pk__gt=last_audit).delete()
