from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.reports.figures import PERIOD_WEEKS, UNMET_DAYS

PERIOD_LABELS = {4: _("The last 4 weeks"), 12: _("The last 12 weeks"),
                 52: _("The last 52 weeks")}
DEFAULT_WEEKS = 12


class DashboardForm(forms.Form):
    """The period shown and the unmet-need threshold; both in the URL, so a view is a link."""

    weeks = forms.TypedChoiceField(label=_("Period"), coerce=int, required=False,
                                   choices=[(w, PERIOD_LABELS[w]) for w in PERIOD_WEEKS],
                                   initial=DEFAULT_WEEKS)
    days = forms.IntegerField(
        label=_("Unmet need: open longer than (days)"), required=False, min_value=1,
        max_value=365, initial=UNMET_DAYS,
        error_messages={"min_value": _("Enter a number of days from 1 to 365."),
                        "max_value": _("Enter a number of days from 1 to 365."),
                        "invalid": _("Enter a number of days from 1 to 365.")})

    def choice(self) -> tuple[int, int]:
        """(weeks, days) asked for; the defaults where a field is empty or wrong."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("weeks") or DEFAULT_WEEKS, data.get("days") or UNMET_DAYS
