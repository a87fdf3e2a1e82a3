from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Refused
from tenants.requests.forms import AskForHelpForm, PlanDayForm
from tenants.requests.models import HelpRequest
from tenants.requests.planning import days_a_volunteer_comes_near
from tenants.requests.services import plan_day, submit_request


def ask(request):
    """The public request form. Never turned away: it works whatever the group's plan."""
    if request.method != "POST":
        return render(request, "requests/ask.html", {"form": AskForHelpForm()})
    form = AskForHelpForm(request.POST)
    if not form.is_valid():
        return render(request, "requests/ask.html", {"form": form}, status=400)
    help_request, _created = submit_request(
        fields=form.request_fields(), submission_key=form.cleaned_data["submission_key"],
        channel=HelpRequest.Channel.WEB,
    )
    request.session["asked"] = str(help_request.submission_key)
    return redirect("ask_thanks")


def thanks(request):
    help_request = _asked(request)
    return render(request, "requests/thanks.html", {
        "help_request": help_request,
        # Days a volunteer already comes near them: only while they can still choose.
        "days": (days_a_volunteer_comes_near(help_request)
                 if help_request and help_request.status in CHOOSABLE else []),
    })


def _asked(request) -> HelpRequest | None:
    """The request this browser just made (its key is kept in the session), if any."""
    key = request.session.get("asked")
    return (HelpRequest.objects.select_related("type").filter(submission_key=key).first()
            if key else None)


# The person may choose the day until a volunteer has the request (plan_day says so too).
CHOOSABLE = (HelpRequest.Status.NEW, HelpRequest.Status.OPEN)


@require_POST
def choose_day(request):
    """The person who asked picks one of the suggested days (or any day that suits)."""
    help_request = _asked(request)
    if help_request is None:
        return redirect("ask")
    form = PlanDayForm(request.POST)
    if not form.is_valid() or form.cleaned_data["day"] is None:
        messages.info(request, _("Choose a day from the list."))
        return redirect("ask_thanks")
    try:
        plan_day(request_id=help_request.pk, day=form.cleaned_data["day"], actor=None,
                 by_requester=True)
        messages.success(request, _("Thank you. We have noted %(day)s.") % {
            "day": date_format(form.cleaned_data["day"], "DATE_FORMAT")})
    except Refused as refused:
        messages.info(request, refused.message)
    return redirect("ask_thanks")
