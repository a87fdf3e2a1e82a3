"""Documents end to end, on both backends (local files, and S3 as moto's server over HTTP):
stored under the group's prefix, opened by staff and the owner only through short-lived
signed URLs (each opening audited), never across groups, refused after expiry; bad uploads
and failed writes leave nothing behind; deleting removes the file."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test import Client

from core.accounts.models import User
from core.accounts.services import create_member
from core.audit.models import AuditEntry
from core.documents.links import signed_url
from core.errors import Refused
from core.tenancy.models import Group
from core.testing.people import PASSWORD
from tenants.documents.models import Document
from tenants.documents.services import delete_document, store_document

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


@dataclass
class Backend:
    name: str
    where: object  # the S3Bucket, or the local folder

    def keys(self) -> list[str]:
        if self.name == "s3":
            return self.where.keys()
        root: Path = self.where
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    def fetch(self, client, url: str, host: str) -> tuple[int, bytes]:
        """Follow a signed URL as the browser would: S3's over HTTP, local ones on the host."""
        if self.name == "s3":
            response = requests.get(url, timeout=10)
            return response.status_code, response.content
        response = client.get(url, HTTP_HOST=host)
        return response.status_code, (b"".join(response.streaming_content)
                                      if response.streaming else response.content)


@pytest.fixture(params=["local", "s3"])
def backend(request) -> Backend:
    return Backend(request.param, request.getfixturevalue(f"{request.param}_documents"))


def use(group) -> None:
    connection.set_tenant(Group.objects.get(schema_name=group.slug))


def member(role: str) -> User:
    return User.objects.get(role=role, email__startswith=role)


def store(group, *, content: bytes = PDF, name: str = "Passport scan.pdf", owner=None,
          kind: str = "id_scan") -> Document:
    use(group)
    return store_document(uploaded_file=SimpleUploadedFile(name, content, "application/pdf"),
                          kind=kind, owner=owner, uploaded_by=member("coordinator"))


def log_in(client, group, email: str) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD},
                           HTTP_HOST=group.host)
    assert response.status_code == 302, response.content[:500]


def open_document(client, group, document_id: int):
    return client.get(f"/documents/{document_id}/", HTTP_HOST=group.host)


def reveals(group) -> list[tuple]:
    use(group)
    return list(AuditEntry.objects.filter(action="reveal").order_by("pk")
                .values_list("actor__email", "target_id", "fields", "reason"))


def without_csrf(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", html)


def wait_past(seconds: float) -> None:
    deadline = time.time() + seconds + 1.1  # signatures count whole seconds
    while time.time() < deadline:
        time.sleep(deadline - time.time())


@pytest.mark.django_db
def test_staff_open_a_document_through_a_short_lived_url(backend, client, alpha):
    use(alpha)
    volunteer = member("volunteer")
    document = store(alpha, owner=volunteer)
    document.refresh_from_db()
    assert (document.kind, document.owner, document.original_name, document.content_type,
            document.size) == ("id_scan", volunteer, "Passport scan.pdf", "application/pdf",
                               len(PDF))
    assert document.key.startswith("groups/alpha/") and "Passport" not in document.key
    assert backend.keys() == [document.key]
    stored = AuditEntry.objects.get(action="document.store")
    assert (stored.actor.email, stored.target_id) == (alpha.coordinator_email, str(document.pk))

    log_in(client, alpha, alpha.admin_email)
    for _ in range(2):
        response = open_document(client, alpha, document.pk)
        assert response.status_code == 302
        assert "no-store" in response["Cache-Control"]
        assert backend.fetch(client, response["Location"], alpha.host) == (200, PDF)
    assert reveals(alpha) == [(alpha.admin_email, str(document.pk), ["file"], "admin")] * 2


@pytest.mark.django_db
def test_the_owner_may_open_theirs_and_nobody_else_but_staff(backend, client, alpha):
    use(alpha)
    owner = member("volunteer")
    other = create_member(email="other@alpha.example.org", name="Other", role="volunteer",
                          password=PASSWORD)
    document = store(alpha, owner=owner)

    assert open_document(client, alpha, document.pk)["Location"].startswith("/accounts/login/")
    log_in(client, alpha, other.email)
    open_document(client, alpha, 999999)  # shows (and so clears) the "signed in" message
    refused = open_document(client, alpha, document.pk)
    missing = open_document(client, alpha, 999999)
    assert refused.status_code == missing.status_code == 404
    # Nothing tells "exists" from "not yours" (bar the CSRF token, masked anew each time,
    # and the page's own address).
    assert (without_csrf(refused.content).replace(f"/{document.pk}/".encode(), b"/N/")
            == without_csrf(missing.content).replace(b"/999999/", b"/N/"))

    client = Client()
    log_in(client, alpha, owner.email)
    response = open_document(client, alpha, document.pk)
    assert backend.fetch(client, response["Location"], alpha.host) == (200, PDF)
    assert reveals(alpha) == [(owner.email, str(document.pk), ["file"], "owner")]


@pytest.mark.django_db
def test_beta_cannot_reach_alphas_document(backend, client, alpha, beta):
    alphas = store(alpha, content=PDF + b"alpha's")
    betas = store(beta, content=PDF + b"beta's")
    assert betas.key.startswith("groups/beta/")

    log_in(client, beta, beta.admin_email)
    response = open_document(client, beta, alphas.pk)
    if alphas.pk != betas.pk:
        assert response.status_code == 404
    else:  # the same id in beta's schema is beta's own document
        assert backend.fetch(client, response["Location"], beta.host) == (200, PDF + b"beta's")

    # Beta staff given alpha's key cannot get a URL for it.
    use(beta)
    with pytest.raises(Exception, match="not the current group's"):
        signed_url(alphas, viewer=member("admin"))
    # Alpha's own signed URL is refused on beta's host (local) ...
    use(alpha)
    url = signed_url(alphas, viewer=member("admin"))
    if backend.name == "local":
        assert backend.fetch(client, url, beta.host)[0] == 403
    # ... and alpha's file is private: its plain address, guessed, is refused (S3).
    else:
        guessed = requests.get(backend.where.object_url(alphas.key), timeout=10)
        assert guessed.status_code == 403 and b"alpha's" not in guessed.content

    # Alpha's session means nothing on beta's host, and the other way round.
    log_in(client, alpha, alpha.admin_email)
    response = open_document(client, beta, alphas.pk)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert reveals(alpha) == [] and reveals(beta) == []


@pytest.mark.django_db
def test_an_expired_url_is_refused(backend, client, alpha, settings):
    settings.DOCUMENTS_URL_LIFETIME = 1
    document = store(alpha)
    log_in(client, alpha, alpha.coordinator_email)
    url = open_document(client, alpha, document.pk)["Location"]
    wait_past(1)
    status, body = backend.fetch(client, url, alpha.host)
    assert status == 403 and PDF not in body
    if backend.name == "s3":
        assert b"<Message>Request has expired</Message>" in body


BAD_UPLOADS = {
    "too big": ("scan.pdf", PDF + b"\0" * 2048, "This file is too large: the limit is 1.0"),
    "empty": ("scan.pdf", b"", "This file is empty."),
    "wrong type": ("notes.txt", b"just some words", "Only PDF, JPEG and PNG files"),
    "spoofed extension": ("scan.pdf", b"<html><script>alert(1)</script>",
                          "Only PDF, JPEG and PNG files"),
    "not what its name says": ("scan.pdf", PNG, "not the kind of file its name says"),
    "named after an accepted type": ("scan.exe", PDF, "Only PDF, JPEG and PNG files"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_bad_uploads_change_nothing(backend, alpha, settings, case):
    settings.DOCUMENTS_MAX_BYTES = 1024
    name, content, message = BAD_UPLOADS[case]
    use(alpha)
    audit_rows = AuditEntry.objects.count()
    with pytest.raises(Refused) as refused:
        store(alpha, content=content, name=name)
    assert message in str(refused.value.message)
    assert Document.objects.count() == 0 and AuditEntry.objects.count() == audit_rows
    assert backend.keys() == []


@pytest.mark.django_db
def test_a_png_is_kept_as_a_png(backend, alpha):
    document = store(alpha, content=PNG, name="photo.PNG")
    assert document.content_type == "image/png" and document.key.endswith(".png")
    assert document.download_name == f"id_scan-{document.pk}.png"


@pytest.mark.committed
def test_a_failed_database_write_leaves_no_file(backend, in_alpha):
    gone = User(pk=10**9, email="erased@alpha.example.org")  # removed a moment ago
    with pytest.raises(IntegrityError):
        store(in_alpha, owner=gone)
    assert Document.objects.count() == 0
    assert backend.keys() == []


@pytest.mark.django_db
def test_deleting_a_document_removes_its_file(backend, client, alpha):
    document = store(alpha)
    admin = member("admin")
    url = signed_url(document, viewer=admin)
    delete_document(document=document, actor=admin)
    assert not Document.objects.filter(pk=document.pk).exists()
    assert backend.keys() == []
    assert list(AuditEntry.objects.filter(action="document.delete")
                .values_list("actor", "target_id")) == [(admin.pk, str(document.pk))]
    status, body = backend.fetch(client, url, alpha.host)
    assert status in (403, 404) and PDF not in body
