"""A person's data exported or erased by an admin; the requests export and the audit log,
each through the privacy policy and recorded."""

import csv
import io
import json
import uuid
from datetime import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.testing.people import PASSWORD
from core.tenancy.models import Group
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import submit_request
from tenants.volunteers.services import Registration, register_volunteer

pytestmark = pytest.mark.django_db


def asked(name="Rosa", email="rosa@example.org", phone="07700 900111"):
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code="shopping"), "description": f"Milk for {name}",
                "person_name": name, "person_email": email, "person_phone": phone,
                "address": "4 Elm Row"},
        submission_key=uuid.uuid4(), channel="phone")
    return request


def login(client, group, email):
    client.post("/accounts/login/", {"login": email, "password": PASSWORD}, HTTP_HOST=group.host)
    connection.set_tenant(Group.objects.get(schema_name=group.slug))
    return client


def test_find_by_phone_whatever_the_spacing_then_export(client, in_alpha):
    mine, other = asked(), asked(name="Sam", email="sam@example.org", phone="0161 000 0000")
    login(client, in_alpha, in_alpha.admin_email)
    response = client.post("/records/person/", {"phone": "(07700) 900-111", "action": "export"},
                           HTTP_HOST=in_alpha.host)
    assert response["Content-Disposition"] == 'attachment; filename="personal-data.json"'
    data = json.loads(response.content)
    assert [r["id"] for r in data["requests"]] == [mine.pk]
    assert data["requests"][0]["person_name"] == "Rosa"
    row = AuditEntry.objects.filter(action="reveal").latest("pk")
    assert row.reason == "person's data export" and row.target_id == str(mine.pk)
    assert other.pk not in row.data.get("ids", [])


def test_a_volunteers_export_holds_their_account_profile_and_documents(client, in_alpha):
    profile = register_volunteer(registration=Registration(
        name="Vera", email="vera@example.org", password=PASSWORD, request_type_codes=["shopping"],
        postcode="SW1A 1AA", availability=[(1, time(9), time(12))]))
    login(client, in_alpha, in_alpha.admin_email)
    data = json.loads(client.post("/records/person/", {"email": "VERA@example.org",
                                                       "action": "export"},
                                  HTTP_HOST=in_alpha.host).content)
    assert data["account"]["email"] == "vera@example.org" and "password" not in data["account"]
    assert data["volunteer_profile"]["postcode"] == "SW1A 1AA"
    assert data["availability"][0]["weekday"] == 1
    assert data["documents"] == [] and data["vetting_checks"] == []
    assert profile.pk == data["volunteer_profile"]["id"]


def test_erasing_a_person_needs_a_reason_and_a_tick_and_then_takes_it_all(
        client, in_alpha, s3_documents):
    from tenants.documents.models import Document
    from tenants.documents.services import store_document

    request = asked(email="vera@example.org")
    profile = register_volunteer(registration=Registration(
        name="Vera", email="vera@example.org", password=PASSWORD, request_type_codes=["shopping"],
        postcode="SW1A 1AA", availability=[(1, time(9), time(12))]))
    vera = User.objects.get(pk=profile.user_id)
    scan = store_document(uploaded_file=SimpleUploadedFile("id.pdf", b"%PDF-1.4 test", "application/pdf"),
                          kind="id_scan", owner=vera, uploaded_by=vera)
    key = scan.key
    assert [k for k in s3_documents.keys() if k.endswith(key)]  # stored on the S3 server
    login(client, in_alpha, in_alpha.admin_email)
    refused = client.post("/records/person/", {"email": "vera@example.org", "action": "erase",
                                               "reason": "asked by phone"}, HTTP_HOST=in_alpha.host)
    assert refused.status_code == 400 and "Tick the box to confirm." in refused.content.decode()
    assert HelpRequest.objects.get(pk=request.pk).person_name == "Rosa"
    done = client.post("/records/person/", {"email": "vera@example.org", "action": "erase",
                                            "reason": "asked by phone", "confirm": "on"},
                       HTTP_HOST=in_alpha.host)
    assert done.status_code == 302
    assert HelpRequest.objects.get(pk=request.pk).person_name == ""
    vera.refresh_from_db()
    assert not vera.is_active and vera.email.endswith("@erased.invalid")
    assert not Document.objects.filter(pk=scan.pk).exists()
    assert not [k for k in s3_documents.keys() if k.endswith(key)]  # the file is gone too
    row = AuditEntry.objects.get(action="person.erase")
    assert row.reason == "asked by phone" and row.data["requests"] == [request.pk]
    assert "vera" not in json.dumps(row.data)  # the log names records, not the person
    # Vera's own earlier log rows now carry a pseudonym.
    assert not AuditEntry.objects.filter(actor_label="vera@example.org").exists()


def test_only_admins_reach_a_persons_data(client, in_alpha):
    login(client, in_alpha, in_alpha.coordinator_email)
    assert client.get("/records/person/", HTTP_HOST=in_alpha.host).status_code == 403
    assert client.post("/records/person/", {"email": "x@example.org", "action": "export"},
                       HTTP_HOST=in_alpha.host).status_code == 403


def test_the_requests_export_is_audited_and_safe_for_spreadsheets(client, in_alpha):
    asked(name="=HYPERLINK(\"http://evil\")")
    login(client, in_alpha, in_alpha.coordinator_email)
    response = client.get("/records/requests.csv", HTTP_HOST=in_alpha.host)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["id", "created_at", "status"]
    assert rows[1][rows[0].index("person_name")].startswith("'=")
    assert AuditEntry.objects.filter(action="reveal", reason="requests export").count() == 1


def test_volunteers_cannot_export(client, in_alpha):
    login(client, in_alpha, in_alpha.volunteer_email)
    assert client.get("/records/requests.csv", HTTP_HOST=in_alpha.host).status_code == 403


def test_admins_read_and_download_the_audit_log(client, in_alpha):
    asked()
    login(client, in_alpha, in_alpha.admin_email)
    page = client.get("/records/audit/?action=request.submit", HTTP_HOST=in_alpha.host)
    assert page.status_code == 200 and "request.submit" in page.content.decode()
    download = client.get("/records/audit/?action=request.submit&format=csv",
                          HTTP_HOST=in_alpha.host)
    lines = download.content.decode().splitlines()
    assert lines[0].startswith("at,actor_label,action") and len(lines) == 2
    assert AuditEntry.objects.filter(action="audit.export").exists()
    client.logout()
    login(client, in_alpha, in_alpha.coordinator_email)
    assert client.get("/records/audit/", HTTP_HOST=in_alpha.host).status_code == 403


def test_retention_settings_refuse_nonsense(client, in_alpha):
    login(client, in_alpha, in_alpha.admin_email)
    bad = client.post("/records/retention/", {"keep_request_days": "0",
                                              "keep_volunteer_days": "abc"},
                      HTTP_HOST=in_alpha.host)
    assert bad.status_code == 400
    assert Group.objects.get(schema_name="alpha").keep_request_days == 30
    good = client.post("/records/retention/", {"keep_request_days": "14",
                                               "keep_volunteer_days": "180"},
                       HTTP_HOST=in_alpha.host)
    assert good.status_code == 302
    assert Group.objects.get(schema_name="alpha").keep_request_days == 14
