"""The admins' form for the queue's priority weights (/setup/priority/)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleForm
from tenants.matching.priority import MAX_WEIGHT

WEIGHT_ERRORS = {
    "min_value": _("Choose a number from 0 to 10."),
    "max_value": _("Choose a number from 0 to 10."),
    "invalid": _("Enter a number, like 1 or 0.5."),
    "required": _("Enter a number; 0 turns this factor off."),
    "max_decimal_places": _("Use at most two decimals, like 0.25."),
    "max_digits": _("Choose a number from 0 to 10."),
    "max_whole_digits": _("Choose a number from 0 to 10."),
}


def _weight(label, help_text) -> forms.DecimalField:
    return forms.DecimalField(label=label, help_text=help_text, min_value=Decimal(0),
                              max_value=MAX_WEIGHT, max_digits=4, decimal_places=2,
                              error_messages=WEIGHT_ERRORS,
                              widget=forms.NumberInput(attrs={"step": "0.05", "min": "0",
                                                              "max": str(MAX_WEIGHT)}))


class PriorityWeightsForm(AccessibleForm):
    urgency = _weight(
        _("Urgency"),
        _("Points for each step of urgency above “In the next few days” (an urgent request "
          "gets twice this), taken off for “Whenever possible”."))
    waiting = _weight(
        _("Time waiting"),
        _("Points for each day a request has been waiting, so nobody is left at the bottom "
          "for ever."))
    deprivation = _weight(
        _("Area deprivation"),
        _("Points for a request from the most deprived tenth of areas, a little less for each "
          "tenth after, taken off in the same steps for the least deprived half. An area we "
          "could not look up counts as the middle."))
