"""Closing a group: its hosts say so (members can still sign in and export their records)
for GROUP_CLOSING_GRACE_DAYS, then the daily task drops it, and only groups past their
grace period, keeping a final export of its data."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.documents.storage import documents_storage
from core.testing.people import PASSWORD
from core.tenancy.models import Domain, Group
from core.tenancy.provisioning import AdminSpec, GroupSpec, provision_group
from mutualaid.console import services
from mutualaid.console.models import GroupExport
from mutualaid.console.tasks import drop_closed_groups

PLATFORM = {"HTTP_HOST": "localhost"}


def on_host(client, path, host, method="get", **data):
    try:
        return getattr(client, method)(path, data, HTTP_HOST=host)
    finally:
        connection.set_schema_to_public()


@pytest.mark.django_db
def test_closing_needs_the_groups_address_typed_and_a_reason(ops, alpha):
    audit = AuditEntry.objects.count()
    for data in ({"close-reason": "Group asked", "close-confirm": "beta"},
                 {"close-reason": "", "close-confirm": "alpha"}):
        response = ops.post("/operators/groups/alpha/close/", data, **PLATFORM)
        assert response.status_code == 400
    assert b"This is not the group&#x27;s address." in ops.post(
        "/operators/groups/alpha/close/", {"close-reason": "x", "close-confirm": "alph"},
        **PLATFORM).content
    group = Group.objects.get(schema_name="alpha")
    assert (group.status, group.closes_at) == ("active", None)
    assert AuditEntry.objects.count() == audit


@pytest.mark.django_db
def test_a_closing_group_says_so_and_still_lets_members_export(
        ops, client, alpha, operator, settings, django_capture_on_commit_callbacks):
    settings.GROUP_CLOSING_GRACE_DAYS = 30
    assert on_host(client, "/", alpha.host).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = ops.post("/operators/groups/alpha/close/",
                            {"close-reason": "The group asked", "close-confirm": "alpha"},
                            **PLATFORM)
    assert response.status_code == 302
    group = Group.objects.get(schema_name="alpha")
    assert group.status == "closing"
    assert abs(group.closes_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=5)
    entry = AuditEntry.objects.get(action="group.close")
    assert (entry.actor, entry.reason) == (operator, "The group asked")

    page = on_host(client, "/", alpha.host)
    assert page.status_code == 200 and b"Alpha Mutual Aid is closing" in page.content
    assert group.closes_at.strftime("%Y").encode() in page.content
    refused = on_host(client, "/ask/", alpha.host, method="post", description="Milk")
    assert refused.status_code == 403 and b"is closing" in refused.content
    # Signing in and the records pages (exports) still work.
    login = on_host(client, "/accounts/login/", alpha.host)
    assert login.status_code == 200 and b"is closing" not in login.content
    on_host(client, "/accounts/login/", alpha.host, method="post",
            login=alpha.admin_email, password=PASSWORD)
    records = on_host(client, "/records/", alpha.host)
    assert records.status_code == 200 and b"is closing" not in records.content
    export = on_host(client, "/records/requests.csv", alpha.host)
    assert export.status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        ops.post("/operators/groups/alpha/resume/", {"resume-reason": "Changed their mind"},
                 **PLATFORM)
    group.refresh_from_db()
    assert (group.status, group.closes_at) == ("active", None)
    assert on_host(client, "/", alpha.host).content.count(b"is closing") == 0


@pytest.mark.django_db
def test_a_closing_group_cannot_be_closed_again(ops, alpha, operator):
    services.close_group(group=Group.objects.get(schema_name="alpha"), actor=operator,
                         reason="first")
    response = ops.post("/operators/groups/alpha/close/",
                        {"close-reason": "again", "close-confirm": "alpha"}, **PLATFORM)
    # The form is not offered for a closing group; a replayed post is refused all the same.
    assert response.status_code == 400 and b"already closing" in response.content
    assert AuditEntry.objects.filter(action="group.close").count() == 1


def make_group(slug: str) -> Group:
    result = provision_group(
        spec=GroupSpec(name=f"{slug.title()} Aid", slug=slug, country="GB",
                       timezone="Europe/London", default_language="en",
                       map_center_lat=53.48, map_center_lng=-2.24),
        admin=AdminSpec(name="Ada", email=f"ada@{slug}.example.org", password=PASSWORD))
    result.password_stored.result(timeout=30)
    return Group.objects.get(pk=result.group.pk)


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


@pytest.mark.committed
def test_the_daily_task_drops_only_groups_past_their_grace_keeping_an_export(
        alpha, local_documents):
    audit_before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    due, later = make_group("closing-due"), make_group("closing-later")
    try:
        connection.set_tenant(due)
        admin = User.objects.get(role="admin")
        from tenants.documents.services import store_document

        scan = store_document(uploaded_file=SimpleUploadedFile("id.pdf", b"%PDF-1.4 test",
                                                               "application/pdf"),
                              kind="id_scan", owner=admin, uploaded_by=admin)
        connection.set_schema_to_public()
        assert (local_documents / scan.key).is_file()
        for group in (due, later):
            services.close_group(group=group, actor=None, reason="test")
        Group.objects.filter(pk=due.pk).update(closes_at=timezone.now() - timedelta(minutes=1))

        assert drop_closed_groups() == ["closing-due"]

        assert not Group.objects.filter(pk=due.pk).exists()
        assert not Domain.objects.filter(domain__startswith="closing-due.").exists()
        assert not schema_exists("closing-due")
        assert not (local_documents / scan.key).exists()  # the group's own files go
        export = GroupExport.objects.get(schema_name="closing-due")
        assert export.group is None and export.key.startswith("groups/closing-due/")
        assert (local_documents / export.key).is_file()  # the export stays
        drop = AuditEntry.objects.get(action="group.drop", target_id=str(due.pk))
        assert drop.actor is None and drop.data["export"] == export.pk
        # Not yet due, and active groups, are left alone.
        assert Group.objects.get(pk=later.pk).status == "closing" and schema_exists(
            "closing-later")
        assert Group.objects.get(schema_name="alpha").status == "active"
        assert schema_exists("alpha")
        assert drop_closed_groups() == []
    finally:
        connection.set_schema_to_public()
        for export in GroupExport.objects.filter(schema_name__startswith="closing-"):
            connection.set_schema(export.schema_name)
            documents_storage().delete(export.key)
            connection.set_schema_to_public()
        GroupExport.objects.filter(schema_name__startswith="closing-").delete()
        AuditEntry.objects.filter(pk__gt=audit_before).delete()
