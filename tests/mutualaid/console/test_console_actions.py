"""Operators' actions on a group: suspend and resume (what the group's host serves follows),
custom domains (routed to the group; bad or taken host names refused, nothing written), and
exports (a zip under the group's prefix in the documents storage, downloaded through a
short-lived signed link). Each is in the public audit log."""

import html
import io
import json
import uuid
import zipfile

import pytest
import requests
from django.db import connection

from core.audit.models import AuditEntry
from core.tenancy.models import Domain, Group
from mutualaid.console.models import GroupExport

pytestmark = pytest.mark.django_db
PLATFORM = {"HTTP_HOST": "localhost"}


def alpha_row() -> Group:
    return Group.objects.get(schema_name="alpha")


def on_host(client, path, host, **extra):
    """A request to a group's host; the test's own queries go back to public after it."""
    try:
        return client.get(path, HTTP_HOST=host, **extra)
    finally:
        connection.set_schema_to_public()


def test_suspend_and_resume_change_what_the_groups_host_serves(
        ops, client, alpha, operator, django_capture_on_commit_callbacks):
    assert on_host(client, "/", alpha.host).status_code == 200  # routing has it cached
    with django_capture_on_commit_callbacks(execute=True):
        response = ops.post("/operators/groups/alpha/suspend/",
                            {"suspend-reason": "Spam reports"}, **PLATFORM)
    assert response.status_code == 302 and alpha_row().status == "suspended"
    for path in ("/", "/ask/", "/accounts/login/"):
        page = on_host(client, path, alpha.host)
        assert page.status_code == 403, path
        assert b"Alpha Mutual Aid is paused" in page.content
    entry = AuditEntry.objects.get(action="group.suspend")
    assert (entry.actor, entry.reason, entry.target_id) == (operator, "Spam reports",
                                                            str(alpha_row().pk))
    assert on_host(client, "/", "beta.localhost").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        ops.post("/operators/groups/alpha/resume/", {"resume-reason": "Sorted"}, **PLATFORM)
    assert alpha_row().status == "active"
    page = on_host(client, "/", alpha.host)
    assert page.status_code == 200 and b"is paused" not in page.content


def test_the_suspended_page_is_in_the_groups_language(ops, client, alpha):
    Group.objects.filter(schema_name="alpha").update(status="suspended")
    page = on_host(client, "/", alpha.host, HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 403 and page["Content-Security-Policy"]


def test_a_suspension_needs_a_reason_and_a_refused_one_changes_nothing(ops, alpha):
    before = AuditEntry.objects.count()
    response = ops.post("/operators/groups/alpha/suspend/", {"suspend-reason": ""}, **PLATFORM)
    assert response.status_code == 400 and alpha_row().status == "active"
    Group.objects.filter(schema_name="alpha").update(status="suspended")
    response = ops.post("/operators/groups/alpha/suspend/", {"suspend-reason": "Again"},
                        **PLATFORM)
    assert response.status_code == 400
    assert b"Only an active group can be suspended." in response.content
    assert AuditEntry.objects.count() == before


def test_a_custom_domain_routes_to_the_group(ops, client, alpha,
                                            django_capture_on_commit_callbacks):
    assert on_host(client, "/", "help.alpha-aid.org").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = ops.post("/operators/groups/alpha/domains/",
                            {"domain-hostname": "  Help.Alpha-Aid.org. "}, **PLATFORM)
    assert response.status_code == 302
    domain = Domain.objects.get(domain="help.alpha-aid.org")
    assert domain.tenant.schema_name == "alpha" and not domain.is_primary
    page = on_host(client, "/", "help.alpha-aid.org")
    assert page.status_code == 200 and b"Alpha Mutual Aid" in page.content
    assert AuditEntry.objects.get(action="group.domain.add").data == {
        "domain": "help.alpha-aid.org"}
    assert b"help.alpha-aid.org" in ops.get("/operators/groups/alpha/", **PLATFORM).content


def test_an_internationalised_domain_is_stored_as_idna(ops, alpha):
    ops.post("/operators/groups/alpha/domains/", {"domain-hostname": "ayuda.españa.es"},
             **PLATFORM)
    assert Domain.objects.filter(domain="ayuda.xn--espaa-rta.es", tenant=alpha_row()).exists()


BAD_HOSTS = [
    ("", "This field is required"),
    ("https://help.example.org", "Enter only the domain"),
    ("help.example.org/ask", "Enter only the domain"),
    ("help.example.org:8443", "Enter only the domain"),
    ("user@help.example.org", "Enter only the domain"),
    ("help example.org", "Enter only the domain"),
    ("localhost", "not a valid domain name"),
    ("help", "not a valid domain name"),
    ("-help.example.org", "not a valid domain name"),
    ("help..example.org", "not a valid domain name"),
    ("help_desk.example.org", "not a valid domain name"),
    ("a" * 64 + ".example.org", "not a valid domain name"),
    ("10.0.0.1", "not an IP address"),
    ("gamma.localhost", "the platform's own"),
    ("www.localhost", "the platform's own"),
    ("beta.localhost", "the platform's own"),
    ("taken.example.org", "already in use"),
]


@pytest.mark.parametrize("hostname,message", BAD_HOSTS, ids=[h[0] or "empty" for h in BAD_HOSTS])
def test_bad_or_taken_host_names_are_refused_and_nothing_is_written(ops, alpha, beta, hostname,
                                                                   message):
    Domain.objects.create(domain="taken.example.org", is_primary=False,
                          tenant=Group.objects.get(schema_name="beta"))
    domains = list(Domain.objects.values_list("domain", "tenant_id").order_by("domain"))
    audit = AuditEntry.objects.count()
    response = ops.post("/operators/groups/alpha/domains/", {"domain-hostname": hostname},
                        **PLATFORM)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert list(Domain.objects.values_list("domain", "tenant_id").order_by("domain")) == domains
    assert AuditEntry.objects.count() == audit


def read_zip(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist()}


def a_request_with_a_keysafe_code(slug: str) -> None:
    from tenants.requests.models import RequestType
    from tenants.requests.services import submit_request

    connection.set_tenant(Group.objects.get(schema_name=slug))
    try:
        submit_request(fields={"type": RequestType.objects.get(code="shopping"),
                               "description": "Weekly shop", "person_name": "Grace",
                               "keysafe_code": "xyzzy-safe"},
                       submission_key=uuid.uuid4(), channel="phone")
    finally:
        connection.set_schema_to_public()


def test_an_export_is_a_zip_under_the_groups_prefix_offered_through_a_signed_link(
        ops, client, alpha, operator, local_documents):
    a_request_with_a_keysafe_code("alpha")
    response = ops.post("/operators/groups/alpha/export/", {"export-reason": "Asked by admin"},
                        **PLATFORM)
    assert response.status_code == 302
    export = GroupExport.objects.get()
    assert export.key.startswith("groups/alpha/") and export.key.endswith(".zip")
    assert (local_documents / export.key).is_file()
    assert export.requested_by == operator and export.size > 0
    files = read_zip((local_documents / export.key).read_bytes())
    manifest = files["manifest.json"]
    assert manifest["schema"] == "alpha"
    users = files["accounts.user.json"]
    assert sorted(u["email"] for u in users) == ["admin@alpha.example.org",
                                                 "coordinator@alpha.example.org",
                                                 "volunteer@alpha.example.org"]
    assert all("password" not in u for u in users)
    assert "sessions.session.json" not in files and "mfa.authenticator.json" not in files
    [help_request] = files["requests.helprequest.json"]
    assert help_request["description"] == "Weekly shop" and "keysafe_code" not in help_request
    assert "xyzzy-safe" not in json.dumps(files)
    assert manifest["tables"]["requests.requesttype.json"]["rows"] > 0
    assert AuditEntry.objects.get(action="group.export").actor == operator

    download = ops.post(f"/operators/exports/{export.pk}/download/", **PLATFORM)
    assert download.status_code == 303
    link = download["Location"]
    assert link.startswith("/operators/exports/file/")
    got = ops.get(link, **PLATFORM)
    assert got.status_code == 200 and got["Content-Type"] == "application/zip"
    assert read_zip(b"".join(got.streaming_content))["manifest.json"]["schema"] == "alpha"
    assert AuditEntry.objects.filter(action="group.export.download").count() == 1
    # The link is no use to anyone but an operator, nor once tampered with.
    assert client.get(link, **PLATFORM).status_code == 302
    assert ops.get(link[:-3] + "xyz/", **PLATFORM).status_code == 403
    assert connection.schema_name == "public"


def test_an_export_on_s3_is_under_the_groups_prefix_with_a_presigned_link(ops, alpha,
                                                                         s3_documents):
    ops.post("/operators/groups/alpha/export/", {"export-reason": "Backup"}, **PLATFORM)
    export = GroupExport.objects.get()
    assert s3_documents.keys() == [export.key] and export.key.startswith("groups/alpha/")
    download = ops.post(f"/operators/exports/{export.pk}/download/", **PLATFORM)
    url = download["Location"]
    assert url.startswith(s3_documents.server.endpoint_url) and "Signature" in url
    fetched = requests.get(url, timeout=10)
    assert fetched.status_code == 200
    assert read_zip(fetched.content)["manifest.json"]["schema"] == "alpha"
    assert requests.get(s3_documents.object_url(export.key), timeout=10).status_code == 403
