"""The admins' page for the queue's priority weights: /setup/priority/."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.accounts.decorators import admins_only
from core.errors import Refused
from tenants.matching.forms import PriorityWeightsForm
from tenants.matching.priority import DEFAULT_WEIGHTS, group_weights
from tenants.matching.services import set_priority_weights


@admins_only
def weights(request):
    current = group_weights()
    form = PriorityWeightsForm(request.POST or None, initial={
        "urgency": current.urgency, "waiting": current.waiting,
        "deprivation": current.deprivation})
    if request.method == "POST" and form.is_valid():
        try:
            set_priority_weights(**form.cleaned_data, actor=request.user)
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Saved. The queue and auto-assign use the new weights."))
            return redirect("setup")
    return render(request, "matching/priority.html", {
        "form": form, "defaults": DEFAULT_WEIGHTS, "current": current,
        "days_for_deprivation": (current.deprivation / current.waiting
                                 if current.waiting and current.deprivation else None),
    }, status=400 if form.is_bound else 200)
