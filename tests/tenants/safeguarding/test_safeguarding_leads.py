"""Admins name the group's safeguarding leads among its coordinators and admins."""

import pytest

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.errors import Refused
from core.testing.people import PASSWORD
from tenants.safeguarding import selectors, services
from tenants.safeguarding.models import SafeguardingLead

pytestmark = pytest.mark.django_db


def log_in(client, host, email):
    assert client.post("/accounts/login/", {"login": email, "password": PASSWORD},
                       HTTP_HOST=host).status_code == 302
    return client


def test_an_admin_names_and_removes_a_lead(client, in_alpha):
    coordinator = User.objects.get(role="coordinator")
    log_in(client, in_alpha.host, in_alpha.admin_email)
    page = client.get("/safeguarding/leads/", HTTP_HOST=in_alpha.host)
    offered = {u.pk for u in page.context["name_form"].fields["user"].queryset}
    assert offered == set(User.objects.filter(role__in=["admin", "coordinator"])
                          .values_list("pk", flat=True))  # never a volunteer
    response = client.post("/safeguarding/leads/name/", {"user": coordinator.pk},
                           HTTP_HOST=in_alpha.host)
    assert response.status_code == 302
    assert list(selectors.leads()) == [coordinator] and selectors.is_lead(coordinator)
    client.post(f"/safeguarding/leads/{coordinator.pk}/remove/", HTTP_HOST=in_alpha.host)
    assert not SafeguardingLead.objects.exists()
    assert list(AuditEntry.objects.filter(action__startswith="safeguarding.")
                .order_by("pk").values_list("action", "data")) == [
        ("safeguarding.name_lead", {"user": coordinator.pk}),
        ("safeguarding.remove_lead", {"user": coordinator.pk})]


def test_only_admins_name_leads_and_only_staff_can_be_named(client, in_alpha):
    admin, volunteer = User.objects.get(role="admin"), User.objects.get(role="volunteer")
    coordinator = User.objects.get(role="coordinator")
    with pytest.raises(Refused):
        services.name_lead(user_id=volunteer.pk, actor=admin)
    with pytest.raises(Refused):
        services.name_lead(user_id=coordinator.pk, actor=coordinator)
    log_in(client, in_alpha.host, in_alpha.coordinator_email)
    assert client.get("/safeguarding/leads/", HTTP_HOST=in_alpha.host).status_code == 403
    assert client.post("/safeguarding/leads/name/", {"user": coordinator.pk},
                       HTTP_HOST=in_alpha.host).status_code == 403
    assert not SafeguardingLead.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="safeguarding.").exists()


def test_a_lead_who_stops_being_staff_stops_reading(in_alpha):
    admin, coordinator = User.objects.get(role="admin"), User.objects.get(role="coordinator")
    services.name_lead(user_id=coordinator.pk, actor=admin)
    User.objects.filter(pk=coordinator.pk).update(role="volunteer")
    coordinator.refresh_from_db()
    assert not selectors.is_lead(coordinator) and list(selectors.leads()) == []


@pytest.mark.parametrize("who", ["volunteer_email", "coordinator_email", "admin_email"])
def test_every_member_finds_the_way_to_raise_a_concern(client, in_alpha, who):
    from tenants.volunteers.models import VolunteerProfile

    if who == "volunteer_email":  # the tasks page is for volunteers with a profile
        VolunteerProfile.objects.get_or_create(user=User.objects.get(role="volunteer"))
    log_in(client, in_alpha.host, getattr(in_alpha, who))
    home = client.get("/", HTTP_HOST=in_alpha.host).content.decode()
    assert 'href="/safeguarding/"' in home
    if who == "volunteer_email":
        tasks = client.get("/volunteer/tasks/", HTTP_HOST=in_alpha.host).content.decode()
        assert 'href="/safeguarding/"' in tasks
    assert client.get("/safeguarding/", HTTP_HOST=in_alpha.host).status_code == 200
    client.logout()
    assert client.get("/safeguarding/", HTTP_HOST=in_alpha.host).status_code == 302  # log in
