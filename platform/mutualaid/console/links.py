"""Signed, short-lived links to an export bundle. On S3, the storage's presigned URL; with
local files (development) a signed link to the console's own file view, on the platform host
(the documents view lives on group hosts, and a dropped group has none)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django_tenants.utils import schema_context

from core.documents.storage import GroupFileSystemStorage, documents_storage
from mutualaid.console.models import GroupExport

CONTENT_TYPE = "application/zip"
_SALT = "mutualaid.console.export"


def signed_url(export: GroupExport) -> str:
    storage = documents_storage()
    lifetime = settings.DOCUMENTS_URL_LIFETIME
    if isinstance(storage, GroupFileSystemStorage):
        token = signing.TimestampSigner(salt=_SALT).sign_object({"e": export.pk, "k": export.key})
        return reverse("console_export_file", args=[token])
    with schema_context(export.schema_name):  # the storage signs keys of the active group only
        return storage.signed_url(export.key, filename=export.download_name,
                                  content_type=CONTENT_TYPE, lifetime=lifetime)


def read_token(token: str) -> GroupExport | None:
    """The export a local link names, or None when forged or expired."""
    try:
        data = signing.TimestampSigner(salt=_SALT).unsign_object(
            token, max_age=settings.DOCUMENTS_URL_LIFETIME)
        return GroupExport.objects.filter(pk=data["e"], key=data["k"]).first()
    except (signing.BadSignature, KeyError, TypeError):
        return None
