"""The storage seam: every file under its group's prefix with a random name; no key of another
group opens, signs or deletes; signed links (S3 presigned, local) expire and are bound to one
file and one group. S3 runs for real: moto's server over HTTP."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
import requests
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.db import connection

from core.accounts.models import User
from core.documents.filetypes import detect, named_type
from core.documents.links import signed_url
from core.documents.storage import documents_storage
from core.tenancy.models import Group

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


@dataclass
class Doc:
    """What `signed_url` needs of a document (tenants.documents.Document has the same)."""

    key: str
    owner_id: int | None = None
    content_type: str = "application/pdf"
    download_name: str = "certificate-1.pdf"


def use(slug: str) -> None:
    connection.set_tenant(Group.objects.get(schema_name=slug))


def staff() -> User:
    return User.objects.get(role="coordinator")


@pytest.fixture(params=["local", "s3"])
def backend(request):
    return request.getfixturevalue(f"{request.param}_documents")


def test_keys_are_random_and_under_the_groups_prefix(backend, alpha, beta):
    use("alpha")
    first = documents_storage().save("Jane Doe passport.PDF", ContentFile(PDF))
    second = documents_storage().save("Jane Doe passport.PDF", ContentFile(PDF))
    use("beta")
    theirs = documents_storage().save("groups/alpha/x.pdf", ContentFile(PDF))
    with pytest.raises(SuspiciousFileOperation):
        documents_storage().save("../../alpha/x.pdf", ContentFile(PDF))
    assert first.startswith("groups/alpha/") and second.startswith("groups/alpha/")
    assert theirs.startswith("groups/beta/") and theirs.count("/") == 2
    assert first != second
    for key in (first, second, theirs):
        name = key.rsplit("/", 1)[1]
        assert len(name) == len("0" * 32 + ".pdf") and name.endswith(".pdf")
        assert "jane" not in key.lower() and "passport" not in key.lower()


def test_another_groups_key_is_refused_for_every_operation(backend, alpha, beta):
    use("alpha")
    key = documents_storage().save("scan.pdf", ContentFile(PDF))
    use("beta")
    storage = documents_storage()
    for attempt in (lambda: storage.open(key), lambda: storage.exists(key),
                    lambda: storage.size(key), lambda: storage.delete(key),
                    lambda: storage.open(f"groups/beta/../alpha/{key.rsplit('/', 1)[1]}")):
        with pytest.raises(SuspiciousFileOperation):
            attempt()
    with pytest.raises(SuspiciousFileOperation):
        signed_url(Doc(key=key), viewer=staff())
    use("alpha")
    assert documents_storage().open(key).read() == PDF  # untouched


def test_no_file_outside_a_group(backend):
    connection.set_schema_to_public()
    with pytest.raises(SuspiciousFileOperation):
        documents_storage().save("scan.pdf", ContentFile(PDF))


def test_only_staff_and_the_owner_get_a_signed_url(backend, alpha):
    use("alpha")
    key = documents_storage().save("scan.pdf", ContentFile(PDF))
    volunteer = User.objects.get(role="volunteer")
    assert signed_url(Doc(key=key, owner_id=volunteer.pk), viewer=volunteer)
    assert signed_url(Doc(key=key), viewer=User.objects.get(role="admin"))
    with pytest.raises(PermissionDenied):
        signed_url(Doc(key=key), viewer=volunteer)
    volunteer.is_active = False
    with pytest.raises(PermissionDenied):
        signed_url(Doc(key=key, owner_id=volunteer.pk), viewer=volunteer)


def wait_past(seconds: float) -> None:
    """Let a signed URL made now expire (both S3 and signing count whole seconds)."""
    deadline = time.time() + seconds + 1.1
    while time.time() < deadline:
        time.sleep(deadline - time.time())


# --- S3 (moto over HTTP) ---------------------------------------------------------------

def test_s3_objects_are_private_and_served_through_presigned_urls(s3_documents, alpha):
    use("alpha")
    key = documents_storage().save("scan.pdf", ContentFile(PDF))
    assert s3_documents.keys() == [key]

    guessed = requests.get(s3_documents.object_url(key), timeout=10)
    assert guessed.status_code == 403 and guessed.content != PDF

    url = signed_url(Doc(key=key), viewer=staff())
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url and "scan" not in url
    response = requests.get(url, timeout=10)
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["Content-Disposition"] == 'attachment; filename="certificate-1.pdf"'
    assert response.headers["Content-Type"] == "application/pdf"


def test_a_presigned_url_opens_its_own_key_only(s3_documents, alpha):
    use("alpha")
    mine = documents_storage().save("a.pdf", ContentFile(PDF))
    other = documents_storage().save("b.pdf", ContentFile(b"%PDF-someone else's"))
    url = signed_url(Doc(key=mine), viewer=staff())
    swapped = requests.get(url.replace(mine, other), timeout=10)
    assert swapped.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in swapped.content


def test_an_expired_presigned_url_is_refused_by_s3(s3_documents, alpha, settings):
    settings.DOCUMENTS_URL_LIFETIME = 1
    use("alpha")
    key = documents_storage().save("scan.pdf", ContentFile(PDF))
    url = signed_url(Doc(key=key), viewer=staff())
    assert "X-Amz-Expires=1&" in url
    wait_past(1)
    response = requests.get(url, timeout=10)
    assert response.status_code == 403
    assert b"<Code>AccessDenied</Code><Message>Request has expired</Message>" in response.content


# --- local files (development) ---------------------------------------------------------

def fetch(client, url: str, host: str):
    response = client.get(url, HTTP_HOST=host)
    # Reading streaming_content to the end closes the file (the client's wrapper does).
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body, response


def test_a_local_link_serves_its_file_on_its_groups_host_only(local_documents, client,
                                                               alpha, beta):
    use("alpha")
    key = documents_storage().save("scan.pdf", ContentFile(PDF))
    url = signed_url(Doc(key=key), viewer=staff())
    assert url.startswith("/documents/file/") and "scan" not in url
    status, body, response = fetch(client, url, alpha.host)
    assert (status, body) == (200, PDF)
    assert response["Content-Disposition"] == 'attachment; filename="certificate-1.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    status, body, _ = fetch(client, url, beta.host)
    assert status == 403 and PDF not in body
    # Signed on alpha's host for alpha's key, then cut into: a forged token.
    head, timestamp, _signature = url.rstrip("/").rsplit("/", 1)[1].split(":")
    assert fetch(client, f"/documents/file/{head}:{timestamp}:forged/", alpha.host)[0] == 403


def test_local_files_are_readable_by_this_process_only(local_documents, alpha):
    use("alpha")
    key = documents_storage().save("scan.pdf", ContentFile(PDF))
    assert (local_documents / key).stat().st_mode & 0o077 == 0


def test_an_expired_local_link_is_refused(local_documents, client, alpha, settings):
    settings.DOCUMENTS_URL_LIFETIME = 1
    use("alpha")
    key = documents_storage().save("scan.pdf", ContentFile(PDF))
    url = signed_url(Doc(key=key), viewer=staff())
    assert fetch(client, url, alpha.host)[0] == 200
    wait_past(1)
    status, body, _ = fetch(client, url, alpha.host)
    assert status == 403 and PDF not in body


def test_the_local_view_is_closed_when_s3_is_in_use(s3_documents, client, alpha):
    use("alpha")
    assert fetch(client, "/documents/file/anything/", alpha.host)[0] == 404


# --- file types ------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "expected"), [
    (PDF, "application/pdf"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    (b"<html><script>alert(1)</script>", None),
    (b"GIF89a", None),
    (b"", None),
])
def test_types_are_told_by_content(content, expected):
    found = detect(ContentFile(content))
    assert (found.content_type if found else None) == expected


def test_names_claim_types():
    assert named_type("scan.JPEG").content_type == "image/jpeg"
    assert named_type("scan.pdf.exe") is None and named_type("pdf") is None
