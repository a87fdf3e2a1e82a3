"""The one way to a document's content: `signed_url(document, *, viewer)`, the same for S3
and local files. It checks the viewer may see the document before signing anything."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied

from core.accounts.decorators import STAFF_ROLES
from core.documents.storage import documents_storage


class StoredDocument(Protocol):
    key: str
    content_type: str
    owner_id: int | None

    @property
    def download_name(self) -> str: ...


def may_view(document: StoredDocument, *, viewer) -> bool:
    """The group's staff (coordinators, admins) and the person the document is about."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return False
    return viewer.role in STAFF_ROLES or (
        document.owner_id is not None and document.owner_id == viewer.pk)


def signed_url(document: StoredDocument, *, viewer) -> str:
    """A URL that serves the file for `DOCUMENTS_URL_LIFETIME` seconds, as an attachment named
    `download_name` (never the uploader's file name: URLs end up in logs)."""
    if not may_view(document, viewer=viewer):
        raise PermissionDenied
    return documents_storage().signed_url(
        document.key, filename=document.download_name, content_type=document.content_type,
        lifetime=settings.DOCUMENTS_URL_LIFETIME,
    )
