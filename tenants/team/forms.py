from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.accounts.models import User
from core.forms import AccessibleForm


class InviteForm(AccessibleForm):
    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(
        label=_("Role"), choices=User.Role.choices, initial=User.Role.VOLUNTEER,
        help_text=_("Admins manage the group and its team; coordinators match requests with "
                    "volunteers; volunteers take requests."))


class RoleForm(AccessibleForm):
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)


class JoinForm(AccessibleForm):
    name = forms.CharField(
        label=_("Your name"), max_length=User._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password = forms.CharField(
        label=_("Choose a password"), strip=False, max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not a common or all-numeric password."))

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        from allauth.account.adapter import get_adapter

        data = super().clean()
        if data.get("password"):
            candidate = User(email=self.email, name=data.get("name", ""))
            try:
                get_adapter().clean_password(data["password"], user=candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data
