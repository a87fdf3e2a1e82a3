from __future__ import annotations

from datetime import time

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_POST
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.shortcuts import redirect, render

from tenants.volunteers.forms import VolunteerProfileForm, VolunteerSignupForm
from core.accounts.decorators import coordinators_only
from core.errors import Refused
from core.tenancy.entitlements import refusal_html
from tenants.volunteers.models import VolunteerProfile
from tenants.volunteers.services import (
    MOVES, Registration, complete_profile, locate_home, move_volunteer, register_volunteer,
)


def join(request):
    """Volunteer registration: an account in this group, waiting for a coordinator's approval."""
    if request.method != "POST":
        return render(request, "volunteers/join.html", {"form": VolunteerSignupForm()})
    form = VolunteerSignupForm(request.POST)
    if not form.is_valid():
        return render(request, "volunteers/join.html", {"form": form}, status=400)
    d = form.cleaned_data
    try:
        profile = _register(request, d, form)
    except IntegrityError:  # the same email registered a moment ago
        form.add_error("email", _("This email already has an account here. Log in instead."))
        return render(request, "volunteers/join.html", {"form": form}, status=400)
    login(request, profile.user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return redirect("volunteer_welcome")


def _register(request, d: dict, form: VolunteerSignupForm):
    return register_volunteer(registration=_registration(request, d, form))


def _registration(request, d: dict, form: VolunteerProfileForm, *, user=None) -> Registration:
    """The form's answers as a Registration (account fields from `user` when they have one)."""
    return Registration(
        name=user.name if user else d["name"], email=user.email if user else d["email"],
        password="" if user else d["password"],
        request_type_codes=[t.code for t in d["request_types"]], languages=d["languages"],
        postcode=d["postcode"], radius_km=d["radius_km"], travel=d["travel"],
        max_per_week=d["max_per_week"],
        availability=[(day, time(8), time(20)) for day in d["days"]],
        location=locate_home(country=request.group.country.code, postcode=d["postcode"]),
        answers=form.answers(),
    )


@login_required
def complete(request):
    """An invited volunteer tells us what they will do, where and when."""
    if request.user.role != request.user.Role.VOLUNTEER:
        raise Http404
    if VolunteerProfile.objects.filter(user=request.user).exists():
        return redirect("volunteer_welcome")
    form = VolunteerProfileForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "volunteers/complete.html", {"form": form},
                      status=400 if request.method == "POST" else 200)
    try:
        complete_profile(user=request.user,
                         registration=_registration(request, form.cleaned_data, form,
                                                    user=request.user))
    except Refused as refused:
        messages.info(request, refused.message)
    return redirect("volunteer_welcome")


def welcome(request):
    profile = getattr(request.user, "volunteer", None) if request.user.is_authenticated else None
    return render(request, "volunteers/welcome.html", {"profile": profile})


# What the roster shows of each volunteer.
ROSTER_FIELDS = ("user", "status", "request_types", "radius_km", "vetting_level")


@coordinators_only
def roster(request):
    """Coordinators: volunteers by status, with the moves each can take."""
    from tenants.volunteers.models import VolunteerProfile

    from core.privacy.engine import Viewer, show_many
    from tenants.forms.selectors import answers_for

    profiles = list(VolunteerProfile.objects.select_related("user")
                    .prefetch_related("request_types").order_by("status", "user__name"))
    viewer = Viewer.of(request.user)
    shown = show_many(viewer, profiles, why="volunteer roster", fields=ROSTER_FIELDS)
    answers = answers_for(viewer, profiles, "volunteer", why="volunteer roster")
    return render(request, "volunteers/roster.html", {"profiles": shown, "moves": MOVES,
                                                      "answers": answers})


@coordinators_only
@require_POST
def move(request, profile_id: int, move: str):
    if move not in MOVES:
        raise Http404
    try:
        move_volunteer(profile_id=profile_id, move=move, actor=request.user)
    except Refused as refused:  # not possible now, or the plan's limit (with a plans link)
        messages.info(request, refusal_html(refused, request.user))
    except VolunteerProfile.DoesNotExist:
        raise Http404 from None
    return redirect("volunteer_roster")
