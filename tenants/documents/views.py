from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from tenants.documents.selectors import document_for
from tenants.documents.services import reveal_document


@never_cache
@login_required
def open_document(request, document_id: int):
    """Staff and the owner are sent on to a short-lived signed URL (audited); anyone else
    gets the 404 an id that does not exist gets."""
    document = document_for(viewer=request.user, document_id=document_id)
    if document is None:
        raise Http404
    return redirect(reveal_document(document=document, viewer=request.user))
