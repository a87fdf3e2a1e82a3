"""Serving local documents (development) through signed links; S3 serves its own."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.views.decorators.cache import never_cache

from core.documents.local_links import read_link
from core.documents.storage import GroupFileSystemStorage, documents_storage, owns


@never_cache
def serve(request, token: str):
    """The file of a valid link; a forged, expired or other group's link gets the same 403,
    as S3 answers a bad presigned URL."""
    storage = documents_storage()
    if not isinstance(storage, GroupFileSystemStorage):
        raise Http404  # S3 in use: its presigned URLs are the only way in
    link = read_link(token)
    if link is None or not owns(link.key):
        raise PermissionDenied
    try:
        file = storage.open(link.key)
    except FileNotFoundError:  # deleted (erased) since the link was made
        raise PermissionDenied from None
    response = FileResponse(file, as_attachment=True, filename=link.filename,
                            content_type=link.content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
