from __future__ import annotations

from datetime import time

from django.contrib.auth import login
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.shortcuts import redirect, render

from tenants.volunteers.forms import VolunteerSignupForm
from tenants.volunteers.services import Registration, locate_home, register_volunteer


def join(request):
    """Volunteer registration: an account in this group, waiting for a coordinator's approval."""
    if request.method != "POST":
        return render(request, "volunteers/join.html", {"form": VolunteerSignupForm()})
    form = VolunteerSignupForm(request.POST)
    if not form.is_valid():
        return render(request, "volunteers/join.html", {"form": form}, status=400)
    d = form.cleaned_data
    try:
        profile = _register(request, d)
    except IntegrityError:  # the same email registered a moment ago
        form.add_error("email", _("This email already has an account here. Log in instead."))
        return render(request, "volunteers/join.html", {"form": form}, status=400)
    login(request, profile.user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return redirect("volunteer_welcome")


def _register(request, d: dict):
    return register_volunteer(registration=Registration(
        name=d["name"], email=d["email"], password=d["password"],
        request_type_codes=[t.code for t in d["request_types"]], languages=d["languages"],
        postcode=d["postcode"], radius_km=d["radius_km"], travel=d["travel"],
        max_per_week=d["max_per_week"],
        availability=[(day, time(8), time(20)) for day in d["days"]],
        location=locate_home(country=request.group.country.code, postcode=d["postcode"]),
    ))


def welcome(request):
    profile = getattr(request.user, "volunteer", None) if request.user.is_authenticated else None
    return render(request, "volunteers/welcome.html", {"profile": profile})
