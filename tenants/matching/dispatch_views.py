"""Coordinators' dispatch pages: the queue with suggestions, assigning, auto-assign."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.accounts.decorators import coordinators_only
from core.accounts.models import User
from core.errors import Refused
from core.privacy.engine import Viewer, show, show_many
from tenants.forms import selectors as answers
from tenants.matching import dispatch, plans, priority
from tenants.requests.models import HelpRequest
from tenants.requests.services import OPEN_TO_END, TransitionRefused


SUGGESTED_ROWS = 10  # queue rows that come with suggested volunteers

# What the queue shows of each waiting request (the deprivation decile through its
# priority explanation).
QUEUE_FIELDS = ("type", "status", "urgency", "description", "person_name", "postcode",
                "location_status", "deprivation_decile")


@coordinators_only
def queue(request):
    viewer = Viewer.of(request.user)
    # ?answer.<key>=<value>: only requests with that answer to the group's own question.
    waiting, used, problems = answers.filter_by_answers(dispatch.queue(), request.GET,
                                                        form="request", viewer=viewer)
    for problem in problems:
        messages.info(request, problem)
    waiting = list(waiting[:50])
    shown = show_many(viewer, waiting, why="dispatch queue", fields=QUEUE_FIELDS)
    # Suggestions are a candidate search each: for the rows a coordinator acts on first; the
    # others link to their request page (the queue was a third of the server's CPU under load).
    rows = [(s, priority.explain(r),
             dispatch.suggestions(r, limit=3) if i < SUGGESTED_ROWS else None)
            for i, (s, r) in enumerate(zip(shown, waiting))]
    return render(request, "matching/queue.html", {
        "rows": rows, "answer_filters_used": used,
        "answer_filters": answers.filter_inputs(viewer, "request", request.GET)})


@coordinators_only
@require_POST
def assign(request, request_id: int):
    try:
        dispatch.assign(request_id=request_id, user_id=int(request.POST.get("volunteer", 0)),
                        actor=request.user,
                        override_reason=request.POST.get("override_reason", "")[:200])
        messages.success(request, _("Assigned. The volunteer has been emailed."))
    except (TransitionRefused, HelpRequest.DoesNotExist, ValueError) as refused:
        messages.info(request, getattr(refused, "message", _("That volunteer cannot take it.")))
    except dispatch.VolunteerProfile.DoesNotExist:
        messages.info(request, _("That volunteer cannot take it."))
    if request.POST.get("back") == "request":
        return redirect("dispatch_request", request_id=request_id)
    return redirect("dispatch_queue")


@coordinators_only
def auto_assign(request):
    """GET: start planning the whole queue (on a worker; in-process without one) and show
    its progress, then the plan as a preview. POST: confirm the plan being shown."""
    if request.method == "POST":
        plan = plans.load(request.POST.get("plan", ""))
        if plan is None or plan["state"] != plans.DONE:
            messages.info(request, _("That plan is no longer available. Please plan again."))
            return redirect("dispatch_queue")
        planned = [dispatch.PlannedPair(*p) for p in plan["pairs"]]
        done, skipped = dispatch.confirm_plan(pairs=planned, actor=request.user)
        plans.forget(request.POST["plan"])
        messages.success(request, _("%(done)d requests assigned, %(skipped)d skipped because "
                                    "something changed.") % {"done": done, "skipped": skipped})
        return redirect("dispatch_queue")
    plan_id = request.GET.get("plan") or plans.start()
    plan = plans.load(plan_id)
    if plan is None:
        return redirect("dispatch_queue")
    if plan["state"] != plans.DONE:
        return render(request, "matching/auto_assign_progress.html",
                      {"plan": plan, "plan_id": plan_id})
    requests = HelpRequest.objects.in_bulk([p[0] for p in plan["pairs"]]
                                           + [r for r, _ in plan["unassigned"]])
    people = User.objects.in_bulk([p[1] for p in plan["pairs"]])
    return render(request, "matching/auto_assign.html", {
        "plan_id": plan_id,
        "pairs": [(requests[r], people[u], km) for r, u, km in plan["pairs"] if r in requests],
        "unassigned": [(requests[r], why) for r, why in plan["unassigned"] if r in requests],
        "total_km": round(sum(p[2] for p in plan["pairs"]), 1),
    })


@coordinators_only
def log_request(request):
    """Back office: record a request taken by phone, email, social media or in person. It
    goes straight to the open queue: a coordinator has already spoken to the person."""
    from tenants.requests.forms import LogRequestForm
    from tenants.matching.services import open_request
    from tenants.requests.services import submit_request

    if request.method != "POST":
        return render(request, "matching/log_request.html", {"form": LogRequestForm()})
    form = LogRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "matching/log_request.html", {"form": form}, status=400)
    logged, created = submit_request(
        fields=form.request_fields(), submission_key=form.cleaned_data["submission_key"],
        channel=form.cleaned_data["channel"], logged_by=request.user,
    )
    if created:
        open_request(request_id=logged.pk, actor=request.user)
    messages.success(request, _("Request %(number)s logged.") % {"number": logged.pk})
    return redirect("dispatch_queue")


@coordinators_only
@require_POST
def open_to_volunteers(request, request_id: int):
    from tenants.matching.services import open_request

    try:
        open_request(request_id=request_id, actor=request.user)
        messages.success(request, _("Opened. The nearest volunteers are being told."))
    except (TransitionRefused, HelpRequest.DoesNotExist) as refused:
        messages.info(request, getattr(refused, "message", _("This request is no longer new.")))
    return redirect("dispatch_queue")


@coordinators_only
def request_page(request, request_id: int, *, location_form=None, close_form=None,
                 status: int = 200):
    """One request for coordinators: its details, timeline and suggestions; set its location
    and close it without doing it."""
    from tenants.requests.forms import CloseForm, LocationForm

    help_request = get_object_or_404(HelpRequest.objects.select_related("type", "volunteer"),
                                     pk=request_id)
    events = help_request.events.select_related("actor")
    viewer = Viewer.of(request.user)
    waiting = dispatch.queue().filter(pk=request_id).first()  # with its priority, if waiting
    return render(request, "matching/request_page.html", {
        "why": priority.explain(waiting) if waiting else None,
        "help_request": show(viewer, help_request, why="request page"),
        "answers": answers.visible_answers(viewer, help_request, "request", why="request page"),
        "events": events,
        "can_close": help_request.status in OPEN_TO_END,
        "unvetted": (dispatch.unvetted_candidates(help_request)
                     if request.user.is_group_admin
                     and help_request.status in dispatch.QUEUE_STATUSES else []),
        "suggestions": (dispatch.suggestions(help_request, limit=5)
                        if help_request.status in dispatch.QUEUE_STATUSES else []),
        "location_form": location_form or LocationForm(prefix="where", initial={
            "postcode": help_request.postcode, "address": help_request.address}),
        "close_form": close_form or CloseForm(prefix="close"),
    }, status=status)


@coordinators_only
@require_POST
def set_location(request, request_id: int):
    from tenants.requests.forms import LocationForm
    from tenants.requests.services import set_location as place

    form = LocationForm(request.POST, prefix="where")
    if form.is_valid():
        try:
            place(request_id=request_id, country=request.group.country.code,
                  postcode=form.cleaned_data["postcode"], address=form.cleaned_data["address"],
                  actor=request.user)
            messages.success(request, _("Location set."))
            return redirect("dispatch_request", request_id=request_id)
        except Refused as refused:
            form.add_error(None, refused.message)
    return request_page(request, request_id, location_form=form, status=400)


@coordinators_only
@require_POST
def close(request, request_id: int, step: str):
    from tenants.requests.forms import CloseForm
    from tenants.requests.services import advance

    if step not in ("cancel", "could_not_help"):
        raise Http404
    form = CloseForm(request.POST, prefix="close")
    if not form.is_valid():
        return request_page(request, request_id, close_form=form, status=400)
    try:
        advance(request_id=request_id, step=step, actor=request.user,
                note=form.cleaned_data["note"])
        messages.success(request, _("Request closed."))
    except TransitionRefused as refused:
        messages.info(request, refused.message)
    return redirect("dispatch_request", request_id=request_id)
