from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from tenants.home.selectors import setup_checklist, welcome_text


def home(request):
    """The group's public front page."""
    from django.conf import settings

    from tenants.requests.selectors import helped_lately

    return render(request, "home/home.html", {"helped": helped_lately(),
                                              "k": settings.PRIVACY_MIN_COUNT,
                                              "welcome": welcome_text(request.group)})


@login_required
def setup(request):
    """The setup checklist a new group's admin lands on."""
    if not request.user.is_group_admin:
        raise PermissionDenied
    items = setup_checklist(user=request.user)
    return render(
        request, "home/setup.html",
        {"items": items, "done_count": sum(item.done for item in items)},
    )
