"""Operators' sponsors page, on the platform's host (operators are staff users of the public
schema). Also: `manage.py create_sponsor`."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from billing import selectors, services
from billing.forms import SponsorForm
from core.errors import Refused


def operators_only(view):
    @wraps(view)
    @login_required
    def guarded(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return guarded


@operators_only
def sponsors(request):
    form = SponsorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            sponsor = services.create_sponsor(name=d["name"], max_groups=d["max_groups"],
                                              ends_on=d["ends_on"], actor=request.user)
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Sponsor %(name)s created with %(count)d codes.")
                             % {"name": sponsor.name, "count": sponsor.max_groups})
            return redirect("operator_sponsors")
    return render(request, "billing/sponsors.html",
                  {"form": form, "sponsors": selectors.sponsors()},
                  status=400 if request.method == "POST" else 200)
