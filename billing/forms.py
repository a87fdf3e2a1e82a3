"""Forms of the billing pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleForm


class RedeemForm(AccessibleForm):
    code = forms.CharField(label=_("Sponsor code"), max_length=32,
                           help_text=_("The code your sponsor gave you, like ABCD-EFGH-JKLM."))


class SponsorForm(AccessibleForm):
    name = forms.CharField(label=_("Sponsor's name"), max_length=200)
    max_groups = forms.IntegerField(label=_("Number of groups"), min_value=1, max_value=10000)
    ends_on = forms.DateField(label=_("Sponsored until"),
                              help_text=_("The last day sponsored groups pay nothing "
                                          "(YYYY-MM-DD)."),
                              widget=forms.DateInput(attrs={"type": "date"}))
