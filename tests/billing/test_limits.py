"""Plan limits in product code: crossing one gives a clear message (with a link to the
plans for admins), never an error and never a partial write; the public request form is
never limited."""

from datetime import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from billing import plans
from core.accounts.models import User
from core.accounts.services import create_member
from core.tenancy import entitlements
from core.tenancy.entitlements import LimitReached
from core.tenancy.models import Group
from tenants.documents.models import Document
from tenants.documents.services import store_document
from tenants.volunteers.models import VolunteerProfile
from tenants.volunteers.services import Registration, move_volunteer, register_volunteer
from tests.billing.conftest import in_group, login
from tests.billing.test_dunning import ask

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


def volunteers(count: int, *, approve: int) -> list[int]:
    """`count` applied volunteers in alpha, the first `approve` of them approved."""
    def make():
        coordinator = User.objects.get(role="coordinator")
        ids = []
        for i in range(count):
            profile = register_volunteer(registration=Registration(
                name=f"V{i}", email=f"v{i}@example.org", password=None,
                request_type_codes=["shopping"], availability=[(0, time(9), time(17))]))
            if i < approve:
                move_volunteer(profile_id=profile.pk, move="approve", actor=coordinator)
            ids.append(profile.pk)
        return ids
    return in_group("alpha", make)


def status(profile_id: int) -> str:
    return in_group("alpha", lambda: VolunteerProfile.objects.get(pk=profile_id).status)


def test_the_free_plan_is_cores_default_snapshot(alpha):
    assert plans.FREE.limits == entitlements.FREE_PLAN["limits"]
    assert Group.objects.get(schema_name="alpha").entitlements["plan"] == "free"


def test_approving_past_the_volunteer_limit_says_so_with_a_link_for_admins(client, alpha):
    limit = entitlements.FREE_PLAN["limits"]["active_volunteers"]
    ids = volunteers(limit + 1, approve=limit)
    login(client, alpha, alpha.admin_email)
    response = client.post(f"/volunteers/{ids[-1]}/approve/", HTTP_HOST=alpha.host,
                           follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Your plan allows {limit} active volunteers" in html
    assert '<a href="/billing/">See plans</a>' in html
    assert status(ids[-1]) == "applied"
    coordinator = login(Client(), alpha, alpha.coordinator_email)
    html = coordinator.post(f"/volunteers/{ids[-1]}/approve/", HTTP_HOST=alpha.host,
                            follow=True).content.decode()
    assert f"Your plan allows {limit} active volunteers" in html and "See plans" not in html
    # Pausing someone makes room; resuming them is then refused in turn.
    client.post(f"/volunteers/{ids[0]}/pause/", HTTP_HOST=alpha.host)
    client.post(f"/volunteers/{ids[-1]}/approve/", HTTP_HOST=alpha.host)
    assert (status(ids[0]), status(ids[-1])) == ("paused", "active")
    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    with pytest.raises(LimitReached):
        move_volunteer(profile_id=ids[0], move="resume", actor=None)
    connection.set_schema_to_public()
    # People asking for help are never turned away, however full the group is.
    assert ask(alpha.host, "A lift to the clinic on Tuesday").status_code == 302


def test_adding_a_coordinator_past_the_limit_is_refused_in_one_place(in_alpha):
    limit = entitlements.FREE_PLAN["limits"]["coordinators"]
    for i in range(limit - 1):  # alpha has one coordinator already
        create_member(email=f"c{i}@example.org", name="C", role="coordinator", password=None)
    with pytest.raises(LimitReached) as refused:
        create_member(email="one-more@example.org", name="C", role="coordinator",
                      password=None)
    assert f"Your plan allows {limit} coordinators" in refused.value.message
    assert not User.objects.filter(email="one-more@example.org").exists()
    # Admins and volunteers are not limited by it.
    create_member(email="admin2@example.org", name="A", role="admin", password=None)
    create_member(email="vol2@example.org", name="V", role="volunteer", password=None)


def test_a_file_past_the_storage_limit_is_refused_and_nothing_is_stored(
        in_alpha, local_documents):
    admin = User.objects.get(role="admin")
    limit_bytes = entitlements.FREE_PLAN["limits"]["storage_mb"] * 1024 * 1024
    Document.objects.create(kind="other", original_name="big.pdf", content_type="x",
                            size=limit_bytes - 10, key="groups/alpha/big.pdf")
    with pytest.raises(LimitReached) as refused:
        store_document(uploaded_file=SimpleUploadedFile("scan.png", PNG), kind="id_scan",
                       owner=None, uploaded_by=admin)
    assert "Your plan allows 200 MB of files" in refused.value.message
    assert Document.objects.count() == 1
    assert not local_documents.exists() or not any(local_documents.rglob("*.png"))


def test_limits_follow_the_snapshot_and_missing_keys_fall_back_to_free():
    group = Group(entitlements={"plan": "network", "limits": {"active_volunteers": None}})
    assert entitlements.limit(group, "active_volunteers") is None
    assert entitlements.limit(group, "coordinators") == 3  # not in this snapshot: free's
    assert entitlements.is_read_only(group) is False
    assert entitlements.allows(Group(entitlements={"features": ["sms"]}), "sms")
    assert not entitlements.allows(Group(entitlements={}), "sms")
