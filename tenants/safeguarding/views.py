"""Safeguarding pages: raising a concern (any member), reading them (named leads only),
naming leads (admins), and a volunteer's "safe and well"."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Refused
from tenants.safeguarding import selectors, services
from tenants.safeguarding.forms import (
    CheckinSettingsForm, ConcernForm, LeadNoteForm, NameLeadForm,
)
from tenants.safeguarding.models import CheckIn, Concern

# Where 112 is not the number people know (112 also works from mobiles in most countries).
EMERGENCY_NUMBERS = {"GB": "999", "US": "911", "CA": "911", "AU": "000", "NZ": "111"}


def members_only(view):
    @wraps(view)
    @login_required
    def guarded(request, *args, **kwargs):
        if not request.user.role:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def admins_only(view):
    @wraps(view)
    @login_required
    def guarded(request, *args, **kwargs):
        if not request.user.is_group_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def _emergency_number(request) -> str:
    country = getattr(getattr(request, "group", None), "country", None)
    return EMERGENCY_NUMBERS.get(getattr(country, "code", ""), "112")


# --- raising a concern -------------------------------------------------------------------

@members_only
def raise_concern(request):
    staff = request.user.role in ("admin", "coordinator")
    if request.method != "POST":
        form = ConcernForm(staff=staff, initial={"request": request.GET.get("request", "")})
        return _raise_page(request, form)
    form = ConcernForm(request.POST, staff=staff)
    if not form.is_valid():
        return _raise_page(request, form, status=400)
    d = form.cleaned_data
    try:
        concern = services.raise_concern(
            actor=request.user, what_happened=d["what_happened"], urgency=d["urgency"],
            about=d["about"], request_id=d["request"],
            member_id=d["member"].pk if d.get("member") else None)
    except Refused as refused:
        form.add_error(None, refused.message)
        return _raise_page(request, form, status=400)
    if concern.urgency == Concern.Urgency.DANGER:
        messages.warning(request, _("If someone is in danger right now, call the emergency "
                                    "services on %(number)s.")
                         % {"number": _emergency_number(request)})
    return redirect("safeguarding_raised", concern.pk)


def _raise_page(request, form, status: int = 200):
    return render(request, "safeguarding/raise.html", {
        "form": form, "emergency_number": _emergency_number(request),
        "leads": selectors.leads(), "mine": selectors.raised_by_me(user=request.user),
        "is_lead": selectors.is_lead(request.user),
        "open_count": selectors.open_concern_count(user=request.user),
    }, status=status)


@members_only
def raised(request, concern_id: int):
    """The confirmation: the concern's state, nothing else (see privacy.py)."""
    found = selectors.raised_by_me(user=request.user, concern_id=concern_id)
    if not found:
        raise Http404
    return render(request, "safeguarding/raised.html", {"concern": found[0]})


# --- leads' pages ------------------------------------------------------------------------

@members_only
def concerns(request):
    closed = request.GET.get("closed") == "1"
    try:
        rows = selectors.concerns_for_lead(user=request.user, closed=closed)
    except Concern.DoesNotExist:
        raise Http404 from None
    return render(request, "safeguarding/concerns.html", {"concerns": rows, "closed": closed})


@members_only
def concern(request, concern_id: int, form: LeadNoteForm | None = None, status: int = 200):
    try:
        shown, notes = selectors.concern_for_lead(user=request.user, concern_id=concern_id)
    except Concern.DoesNotExist:
        raise Http404 from None
    return render(request, "safeguarding/concern.html", {
        "concern": shown, "notes": notes, "form": form or LeadNoteForm(),
    }, status=status)


ACTS = {"acknowledge": services.acknowledge_concern, "close": services.close_concern}


@members_only
@require_POST
def concern_act(request, concern_id: int, act: str):
    if act not in (*ACTS, "note"):
        raise Http404
    form = LeadNoteForm(request.POST)
    if not form.is_valid():
        return concern(request, concern_id, form=form, status=400)
    note = form.cleaned_data["note"]
    try:
        if act == "note":
            services.add_concern_note(concern_id=concern_id, actor=request.user, text=note)
        else:
            ACTS[act](concern_id=concern_id, actor=request.user, note=note)
    except Concern.DoesNotExist:
        raise Http404 from None
    except Refused as refused:
        form.add_error(None, refused.message)
        return concern(request, concern_id, form=form, status=400)
    return redirect("safeguarding_concern", concern_id)


# --- admins: leads and the check-in time -------------------------------------------------

@admins_only
def leads(request, name_form=None, time_form=None, status: int = 200):
    return render(request, "safeguarding/leads.html", {
        "leads": selectors.leads(), "name_form": name_form or NameLeadForm(),
        "time_form": time_form or CheckinSettingsForm(
            initial={"minutes": selectors.checkin_minutes()}),
    }, status=status)


@admins_only
@require_POST
def name_lead(request):
    form = NameLeadForm(request.POST)
    if not form.is_valid():
        return leads(request, name_form=form, status=400)
    try:
        services.name_lead(user_id=form.cleaned_data["user"].pk, actor=request.user)
    except Refused as refused:
        form.add_error(None, refused.message)
        return leads(request, name_form=form, status=400)
    return redirect("safeguarding_leads")


@admins_only
@require_POST
def remove_lead(request, user_id: int):
    services.remove_lead(user_id=user_id, actor=request.user)
    return redirect("safeguarding_leads")


@admins_only
@require_POST
def checkin_time(request):
    form = CheckinSettingsForm(request.POST)
    if not form.is_valid():
        return leads(request, time_form=form, status=400)
    services.set_checkin_minutes(minutes=form.cleaned_data["minutes"], actor=request.user)
    messages.success(request, _("Saved."))
    return redirect("safeguarding_leads")


# --- volunteers: safe and well -----------------------------------------------------------

@members_only
@require_POST
def confirm_checkin(request, checkin_id: int):
    try:
        services.confirm_checkin(checkin_id=checkin_id, actor=request.user)
    except CheckIn.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Thank you. We are glad you are safe and well."))
    return redirect("volunteer_tasks")
