"""Writes to documents: storing an upload, revealing it, deleting it (erasure); each writes
an audit row naming who acted.

A stored file and its row go together. The file is written first, so no row ever names a
file that is not there, and it is deleted again if the row cannot be committed. Call these
outside a transaction (views are not wrapped in one): a caller's own transaction rolling
back later would leave the file behind with no row.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.accounts.models import User
from core.audit.services import record
from core.documents.filetypes import FileType, detect, named_type
from core.documents.links import signed_url
from core.documents.storage import documents_storage
from core.errors import Refused
from core.tenancy.entitlements import ensure_room
from tenants.documents.models import Document


def store_document(*, uploaded_file: UploadedFile, kind: str, owner: User | None,
                   uploaded_by: User) -> Document:
    """Keep an upload (PDF, JPEG or PNG, at most DOCUMENTS_MAX_BYTES) about `owner`.
    Refused, with a reason for the uploader, when it is too big, empty, not such a file or
    past the plan's storage limit."""
    if kind not in Document.Kind.values:
        raise ValueError(f"unknown document kind {kind!r}")
    file_type = _check(uploaded_file)
    ensure_room(connection.tenant, "storage_mb", adding=uploaded_file.size)  # LimitReached
    storage = documents_storage()
    # Only the extension of this name is kept: the key is random, under the group's prefix.
    key = storage.save(f"upload{file_type.extension}", uploaded_file)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                kind=kind, owner=owner, uploaded_by=uploaded_by,
                original_name=(uploaded_file.name or "")[:255],
                content_type=file_type.content_type, size=uploaded_file.size, key=key,
            )
            record(actor=uploaded_by, action="document.store", target=document,
                   data={"kind": kind, "size": uploaded_file.size})
    except BaseException:
        storage.delete(key)
        raise
    return document


def _check(uploaded_file: UploadedFile) -> FileType:
    limit = settings.DOCUMENTS_MAX_BYTES
    if uploaded_file.size > limit:
        raise Refused(_("This file is too large: the limit is %(limit)s.")
                      % {"limit": filesizeformat(limit)})
    if not uploaded_file.size:
        raise Refused(_("This file is empty."))
    claimed, actual = named_type(uploaded_file.name or ""), detect(uploaded_file)
    if claimed is None or actual is None:
        raise Refused(_("Only PDF, JPEG and PNG files can be uploaded."))
    if claimed != actual:
        raise Refused(_("This file is not the kind of file its name says. "
                        "Only PDF, JPEG and PNG files can be uploaded."))
    return actual


@transaction.atomic
def reveal_document(*, document: Document, viewer: User) -> str:
    """A short-lived URL to the file, for staff or the person it is about (anyone else:
    PermissionDenied). Every reveal is audited."""
    url = signed_url(document, viewer=viewer)
    record(actor=viewer, action="reveal", target=document, fields=["file"],
           reason="owner" if document.owner_id == viewer.pk else viewer.role)
    return url


@transaction.atomic
def delete_document(*, document: Document, actor: User | None) -> None:
    """Erase a document: its file leaves the storage, then its row. File first: if the
    database then fails, the row is still there to retry with (deleting a missing file does
    nothing); the other order could leave someone's ID scan behind, named by nothing."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    record(actor=actor, action="document.delete", target=document, data={"kind": document.kind})
    documents_storage().delete(document.key)
    document.delete()
