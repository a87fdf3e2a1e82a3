"""Reads of documents, scoped to the viewer: staff (coordinators, admins) see the group's,
anyone else only the documents about them."""

from __future__ import annotations

from django.db.models import QuerySet

from core.accounts.decorators import STAFF_ROLES
from core.accounts.models import User
from tenants.documents.models import Document


def visible_documents(*, viewer: User | None) -> QuerySet[Document]:
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return Document.objects.none()
    documents = Document.objects.order_by("-created_at", "-pk")
    return documents if viewer.role in STAFF_ROLES else documents.filter(owner=viewer)


def document_for(*, viewer: User | None, document_id: int) -> Document | None:
    """The document if it exists and `viewer` may open it; None either way otherwise, so a
    caller cannot tell the two apart."""
    return visible_documents(viewer=viewer).filter(pk=document_id).first()

