"""Field levels of documents (see core/privacy/registry.py). What a document is and when it
came is for staff and the person it is about; the storage key for admins only (nobody needs
it: the file is reached through `/documents/<id>/`, audited)."""

from core.privacy.registry import declare
from tenants.documents.models import Document

declare(Document,
        public=["id"],
        assigned=["kind", "owner", "original_name", "content_type", "size", "created_at"],
        staff=["uploaded_by"],
        restricted=["key"],
        # The uploader's file name may hold the person's name ("jane-doe-passport.jpg").
        personal=["original_name"],
        subject=lambda d: d.owner_id)
