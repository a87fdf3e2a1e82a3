"""The self-service signup form. Every rule here has a row in tests/mutualaid/test_signup.py."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.accounts.models import User
from core.forms import AccessibleForm
from core.tenancy.models import Group
from core.tenancy.slugs import MAX_LENGTH, suggest_slug, validate_slug

TIMEZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


# Callables, not lists: a form copies its fields' choices on every instantiation, and
# hundreds of countries and zones made that the slowest part of validating a signup.
def country_choices():
    return [("", "—"), *countries]


def timezone_choices():
    return [(zone, zone) for zone in TIMEZONES]


class LongChoiceField(forms.ChoiceField):
    """A ChoiceField for long fixed lists: checking a value is a set lookup, not a scan."""

    def __init__(self, *, allowed, **kwargs):
        super().__init__(**kwargs)
        self.allowed = frozenset(allowed)

    def valid_value(self, value) -> bool:
        return str(value) in self.allowed


class SignupForm(AccessibleForm):
    group_name = forms.CharField(label=_("Group name"), max_length=100)
    slug = forms.CharField(
        label=_("Web address"),
        max_length=MAX_LENGTH,
        required=False,
        help_text=_("Lowercase letters, digits and hyphens; 3 to 40 characters."),
    )
    admin_name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Your email"), max_length=254)
    password = forms.CharField(
        label=_("Password"), strip=False, max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not a common or all-numeric password."),
    )
    country = LongChoiceField(
        label=_("Country"), choices=country_choices, allowed=dict(countries).keys()
    )
    timezone = LongChoiceField(label=_("Time zone"), choices=timezone_choices, allowed=TIMEZONES)
    default_language = forms.ChoiceField(label=_("Language"), choices=Group.Language.choices)
    map_center_lat = forms.FloatField(
        label=_("Map centre latitude"), min_value=-90, max_value=90,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    map_center_lng = forms.FloatField(
        label=_("Map centre longitude"), min_value=-180, max_value=180,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )

    def clean_group_name(self) -> str:
        name = " ".join(self.cleaned_data["group_name"].split())
        if any(ord(ch) < 32 for ch in name):
            raise forms.ValidationError(_("The name contains characters that cannot be shown."))
        return name

    def clean_slug(self) -> str:
        # Left blank, the address is suggested from the group's name.
        slug = self.cleaned_data["slug"].strip() or suggest_slug(self.data.get("group_name", ""))
        validate_slug(slug)
        if Group.objects.filter(schema_name=slug).exists():
            raise forms.ValidationError(
                _("This address is already taken. Please choose another."), code="taken"
            )
        return slug

    def clean_email(self) -> str:
        return self.cleaned_data["email"].lower()

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            candidate = User(email=data.get("email", ""), name=data.get("admin_name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data
