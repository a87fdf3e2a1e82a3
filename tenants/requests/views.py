from __future__ import annotations

from django.shortcuts import redirect, render

from tenants.requests.forms import AskForHelpForm
from tenants.requests.models import HelpRequest
from tenants.requests.services import submit_request


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
    key = request.session.get("asked")
    help_request = HelpRequest.objects.filter(submission_key=key).first() if key else None
    return render(request, "requests/thanks.html", {"help_request": help_request})
