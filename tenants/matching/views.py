"""Volunteers' self-service: nearby open requests, claiming, and their own live tasks."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.geo.cells import describe_cell, fuzzed_cell
from core.privacy.engine import Viewer
from tenants.forms.selectors import answers_by_pk, answers_for
from tenants.matching.selectors import my_past_tasks, my_tasks, nearby_open_requests
from tenants.matching.services import claim_request, start_task, unclaim_request
from tenants.requests.models import HelpRequest
from tenants.requests.services import TransitionRefused, advance
from tenants.volunteers.models import VolunteerProfile


def _profile(request) -> VolunteerProfile | None:
    """The volunteer's profile; None for a volunteer who has not set it up yet (invited, then
    joined: the pages send them to set it up); anyone else without one gets a 403."""
    profile = VolunteerProfile.objects.filter(user=request.user).first()
    if profile is None and request.user.role != request.user.Role.VOLUNTEER:
        raise PermissionDenied
    return profile


def _set_it_up():
    return redirect("volunteer_complete")


PAGE_SIZE = 30
MAX_SHOWN = 600


@login_required
def nearby(request):
    profile = _profile(request)
    if profile is None:
        return _set_it_up()
    km = _number(request.GET.get("km"))
    day = _day(request.GET.get("day"))
    order = request.GET.get("order")
    order = order if order in ("urgency", "priority") else "distance"
    # "Show more" grows the list a page at a time (one list on a phone, not numbered pages).
    showing = min(MAX_SHOWN, PAGE_SIZE * max(1, int(_number(request.GET.get("pages")) or 1)))
    rows = nearby_open_requests(profile=profile, km=km, type_code=request.GET.get("type", ""),
                                day=day, order=order, limit=showing + 1)
    more = len(rows) > showing
    rows = rows[:showing]
    return render(request, "matching/nearby.html", {
        "answers": answers_by_pk(Viewer.of(request.user), [row.id for row in rows], "request",
                                 why="nearby requests"),
        "profile": profile, "rows": rows, "km": km or profile.radius_km, "day": day,
        "order": order, "type_code": request.GET.get("type", ""),
        "more_url": _with(request, pages=showing // PAGE_SIZE + 1) if more else "",
        "types": profile.request_types.filter(active=True),
        "map": _map_data(profile, rows),
    })


def _with(request, **changes) -> str:
    """This page's URL with some query parameters changed."""
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    return f"?{query.urlencode()}"


def _map_data(profile: VolunteerProfile, rows) -> dict:
    """What the map draws: areas (cells), never points; the list stays the page's content."""
    areas = [
        {"id": row.id, "label": f"{row.type.icon} {row.type.label}",
         "outline": describe_cell(row.area).boundary}
        for row in rows if row.area
    ]
    home = describe_cell(fuzzed_cell(profile.lat, profile.lng).cell).centre \
        if profile.lat is not None else None
    return {"areas": areas, "home": home, "tiles": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION}


@login_required
@require_POST
def claim(request, request_id: int):
    _profile(request)
    try:
        claim_request(request_id=request_id, volunteer_user=request.user)
    except (TransitionRefused, HelpRequest.DoesNotExist) as refused:
        messages.info(request, getattr(refused, "message", _("This request is no longer open.")))
        return redirect("volunteer_nearby")
    messages.success(request, _("It is yours. Thank you! The details are below."))
    return redirect("volunteer_tasks")


@login_required
def tasks(request):
    if _profile(request) is None:
        return _set_it_up()
    live = my_tasks(user=request.user)
    # Answers to the group's own questions, each at its level (assigned: while it is theirs).
    answers = answers_for(Viewer.of(request.user), [task.record for task in live], "request",
                          why="volunteer's tasks page")
    return render(request, "matching/tasks.html", {"tasks": live, "answers": answers,
                                                   "past": my_past_tasks(user=request.user)})


@login_required
@require_POST
def task_step(request, request_id: int, step: str):
    _profile(request)
    mine = HelpRequest.objects.filter(pk=request_id, volunteer=request.user).exists()
    if step not in ("start", "complete", "unclaim") or not mine:
        raise PermissionDenied
    try:
        if step == "unclaim":
            unclaim_request(request_id=request_id, volunteer_user=request.user)
        elif step == "start":
            start_task(request_id=request_id, volunteer_user=request.user,
                       note=request.POST.get("note", ""))
        else:
            advance(request_id=request_id, step=step, actor=request.user,
                    note=request.POST.get("note", ""))
    except TransitionRefused as refused:
        messages.info(request, refused.message)
    return redirect("volunteer_tasks")


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value and 0 < value <= 100 else None


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
