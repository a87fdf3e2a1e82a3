"""Scheduling pages: a coordinator plans a request's day; a volunteer sees their day as a
route, and keeps a calendar feed of their tasks."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.accounts.decorators import coordinators_only
from core.errors import Refused
from tenants.matching import calendar
from tenants.matching.my_day import volunteer_day
from tenants.matching.views import _profile, _set_it_up
from tenants.requests.forms import PlanDayForm
from tenants.requests.models import HelpRequest
from tenants.requests.planning import group_today
from tenants.requests.services import plan_day as plan

# The session key holding a new feed URL until the tasks page has shown it once.
NEW_FEED_URL = "calendar_feed_url"


@coordinators_only
@require_POST
def plan_day(request, request_id: int):
    """Set or clear a request's planned day (the request page's "Plan a day")."""
    form = PlanDayForm(request.POST, prefix="plan")
    clearing = "clear" in request.POST
    if not form.is_valid():
        messages.info(request, _("That is not a date. Choose a day from the calendar."))
    elif form.cleaned_data["day"] is None and not clearing:
        messages.info(request, _("Choose a day first."))
    else:
        day = None if clearing else form.cleaned_data["day"]
        try:
            plan(request_id=request_id, day=day, actor=request.user)
            messages.success(request, _("Planned for %(day)s.") % {
                "day": date_format(day, "DATE_FORMAT")} if day else _("The day is cleared."))
        except HelpRequest.DoesNotExist:
            raise Http404 from None
        except Refused as refused:
            messages.info(request, refused.message)
    return redirect("dispatch_request", request_id=request_id)


@login_required
def my_day(request):
    """/volunteer/day/?date=YYYY-MM-DD (default today): the day's stops in a good order."""
    if _profile(request) is None:
        return _set_it_up()
    today = group_today()
    day = today
    if request.GET.get("date"):
        try:
            day = date.fromisoformat(request.GET["date"])
        except ValueError:
            messages.info(request, _("That is not a date: here is today."))
    day_plan = volunteer_day(user=request.user, day=day)
    return render(request, "matching/my_day.html", {
        "plan": day_plan, "today": today,
        "previous": day - timedelta(days=1), "next": day + timedelta(days=1),
    })


@login_required
@require_POST
def calendar_link(request):
    """Make (or make again) the volunteer's calendar feed URL, or stop the feed."""
    if _profile(request) is None:
        return _set_it_up()
    if request.POST.get("action") == "stop":
        calendar.stop_calendar_link(user=request.user)
        messages.success(request, _("Your calendar feed is stopped. The old link no longer "
                                    "works."))
    else:
        token = calendar.new_calendar_link(user=request.user)
        # Shown once, on the next page: only its hash is kept.
        request.session[NEW_FEED_URL] = request.build_absolute_uri(
            reverse("volunteer_calendar_feed", kwargs={"token": token}))
        messages.success(request, _("Here is your new calendar link. Any older link no "
                                    "longer works."))
    return redirect(reverse("volunteer_tasks") + "#calendar")


def calendar_feed(request, token: str):
    """The feed itself, for calendar apps (no login: the secret URL is the key)."""
    profile = calendar.volunteer_for_token(token)
    if profile is None:
        raise Http404
    group = request.group
    with translation.override(profile.user.preferred_language or group.default_language):
        body = calendar.calendar_feed(
            events=calendar.feed_events(user=profile.user),
            name=_("%(group)s: my tasks") % {"group": group.name},
            host=request.get_host().split(":")[0],
            day_url=lambda d: request.build_absolute_uri(
                f"{reverse('volunteer_day')}?date={d.isoformat()}"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tasks.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
