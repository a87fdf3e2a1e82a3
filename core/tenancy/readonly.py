"""Read-only mode for a group suspended for non-payment (its entitlement snapshot says
`read_only`): every page can still be read and every export downloaded, but nothing new is
written, except what must never be cut off: the public request form (people asking for help
are never turned away), signing in and out, the language switcher, the billing pages (to pay
again) and providers' webhooks. Those paths are settings.READ_ONLY_ALLOWED_PATHS.

Group status is left alone: a suspended group still gets its nightly retention sweep and
vetting reminders (fan-out goes to active groups), and its data stays exportable.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from core.tenancy.entitlements import is_read_only

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ReadOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        group = getattr(request, "group", None)
        if (group is not None and request.method not in SAFE_METHODS and is_read_only(group)
                and not request.path_info.startswith(tuple(settings.READ_ONLY_ALLOWED_PATHS))):
            return render(request, "tenancy/read_only.html", status=403)
        return self.get_response(request)
