from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleForm
from tenants.reports.figures import PERIOD_WEEKS
from tenants.reports.forms import DEFAULT_WEEKS, PERIOD_LABELS


class PeriodForm(AccessibleForm):
    """The period the public impact page shows, in its URL (a view is a link)."""

    weeks = forms.TypedChoiceField(
        label=_("Period"), coerce=int, required=False, initial=DEFAULT_WEEKS,
        choices=[(w, PERIOD_LABELS[w]) for w in PERIOD_WEEKS],
        error_messages={"invalid_choice": _("Choose one of the periods in the list.")})

    def weeks_asked(self) -> int:
        """The period asked for; the default where none is given or it is not one we offer."""
        return (self.cleaned_data.get("weeks") if self.is_valid() else None) or DEFAULT_WEEKS


class ImpactPageForm(AccessibleForm):
    published = forms.BooleanField(
        label=_("Publish our impact page"), required=False,
        help_text=_("Anyone can then see how many requests you received and helped with, "
                    "and a map of the areas they came from, and other websites can show a "
                    "summary. Never a name, an address or a small number: figures under "
                    "%(k)s read “fewer than %(k)s”, and areas on the map hold at least "
                    "%(k)s requests."))

    def __init__(self, *args, k: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["published"]
        field.help_text = field.help_text % {"k": k}
