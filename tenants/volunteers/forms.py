"""Volunteer registration on the group's site."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from core.accounts.models import User
from core.forms import AccessibleForm
from tenants.forms.formfields import CustomFieldsMixin
from tenants.requests.models import RequestType
from tenants.volunteers.models import VolunteerProfile

WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
            (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]


class VolunteerProfileForm(CustomFieldsMixin, AccessibleForm):
    """What a volunteer will do, where and when (and the group's own questions, at the end)."""

    custom_form = "volunteer"

    request_types = forms.ModelMultipleChoiceField(
        label=_("What will you help with?"), queryset=RequestType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(label=_("Languages you speak"), max_length=100, required=False,
                                help_text=_("Separated by commas, e.g. en, es"))
    postcode = forms.CharField(label=_("Your postcode"), max_length=16)
    radius_km = forms.FloatField(label=_("How far will you travel (km)?"), min_value=0.1,
                                 max_value=100, initial=3)
    travel = forms.ChoiceField(label=_("How do you get around?"),
                               choices=VolunteerProfile.Travel.choices)
    max_per_week = forms.IntegerField(label=_("Most tasks a week"), min_value=1, max_value=50,
                                      initial=3)
    days = forms.TypedMultipleChoiceField(
        label=_("Days you are usually free"), choices=WEEKDAYS, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request_types"].queryset = RequestType.objects.filter(active=True)

    def clean_languages(self):
        codes = [c.strip().lower() for c in self.cleaned_data["languages"].split(",") if c.strip()]
        if any(len(code) > 8 or not code.isalpha() for code in codes):
            raise forms.ValidationError(_("Use short language codes such as en, es."))
        return codes


class VolunteerSignupForm(VolunteerProfileForm):
    """Registration on the group's site: an account, then the profile."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Your email"), max_length=254)
    password = forms.CharField(label=_("Password"), strip=False, max_length=128,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    field_order = ["name", "email", "password"]

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("This email already has an account here. Log in instead."))
        return email

    def clean(self):
        data = super().clean()
        if data.get("password"):
            candidate = User(email=data.get("email", ""), name=data.get("name", ""))
            try:
                password_validation.validate_password(data["password"], candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data
