"""A group's logo and theme stylesheet, public on its host (a logo is no secret).

Both URLs carry a version (core.tenancy.branding): a request for the current version may be
cached for a year, any other for five minutes. Neither sets a cookie.
"""

from __future__ import annotations

import re

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.http import require_safe

from core.documents.storage import documents_storage
from core.tenancy.branding import version

YEAR, FIVE_MINUTES = 365 * 24 * 3600, 300
_COLOUR = re.compile(r"#[0-9a-f]{6}")


def _cache(response, request, current: str):
    fresh = request.GET.get("v") == current
    response["Cache-Control"] = (f"public, max-age={YEAR}, immutable" if fresh
                                 else f"public, max-age={FIVE_MINUTES}")
    response["ETag"] = f'"{current}"'
    response["X-Content-Type-Options"] = "nosniff"
    # The same in every language (pages otherwise get "Vary: Accept-Language").
    response["Vary"] = "Accept-Encoding"
    return response


@require_safe
def logo(request):
    group = request.group
    if not group.brand_logo_key:
        raise Http404
    current = version(group.brand_logo_key)
    if request.headers.get("If-None-Match") == f'"{current}"':
        return _cache(HttpResponse(status=304), request, current)
    try:
        # The storage opens only keys under this group's prefix: another group's key fails.
        file = documents_storage().open(group.brand_logo_key)
    except (FileNotFoundError, SuspiciousFileOperation):
        raise Http404 from None
    extension = group.brand_logo_key.rsplit(".", 1)[-1]
    response = FileResponse(file, content_type=group.brand_logo_type,
                            filename=f"logo.{extension}")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _cache(response, request, current)


@require_safe
def theme_css(request):
    accent = request.group.brand_accent
    current = version(accent)
    # Checked again on the way out: only a colour ever reaches the stylesheet.
    css = f":root {{ --accent: {accent}; }}\n" if _COLOUR.fullmatch(accent) else ""
    return _cache(HttpResponse(css, content_type="text/css; charset=utf-8"), request, current)
