from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleForm


class SearchForm(AccessibleForm):
    postcode = forms.CharField(label=_("Your postcode"), max_length=16, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, countries: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = countries


class ListingForm(AccessibleForm):
    listed = forms.BooleanField(
        label=_("List our group in the directory"), required=False,
        help_text=_("People looking for help near them can find your group's name, area, "
                    "languages and a link to your request form on Mutual Aid Commons' home "
                    "page. Nothing else is shown."))
    area = forms.CharField(
        label=_("Area you cover"), max_length=100, required=False,
        help_text=_("Like “Hackney and Stoke Newington”. The map shows your group at "
                    "the centre of your map."))
    description = forms.CharField(
        label=_("A sentence about your group"), max_length=280, required=False,
        widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("listed") and not (data.get("area") or "").strip():
            self.add_error("area", _("Say which area you cover, so people know if you are "
                                     "near them."))
        return data
