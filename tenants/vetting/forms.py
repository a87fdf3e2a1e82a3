"""Coordinators' vetting forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleForm
from core.vetting.providers.base import Provider
from core.vetting.states import CheckLevel, CheckState

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestCheckForm(AccessibleForm):
    level = forms.ChoiceField(label=_("Level of check"), choices=CheckLevel.choices)
    provider = forms.ChoiceField(label=_("Who does the check"))
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=DATE,
        help_text=_("Only for providers that need it (DBS). Sent to the provider, not kept here."))
    phone = forms.CharField(
        label=_("Mobile number"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=_("International format, e.g. +447700900123. Sent to the provider, not "
                    "kept here."))

    def __init__(self, *args, providers: list[Provider], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(p.name, p.label) for p in providers]


class VerifyForm(AccessibleForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), widget=forms.RadioSelect,
        choices=[(CheckState.CLEAR, _("Clear: the check is satisfactory")),
                 (CheckState.NEEDS_REVIEW, _("Needs review: come back to it")),
                 (CheckState.FAILED, _("Failed: not suitable"))])
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=64, required=False,
        help_text=_("Needed for an enhanced check."))
    expires_on = forms.DateField(label=_("Valid until"), required=False, widget=DATE,
                                 help_text=_("Needed when the check is clear."))
    scan = forms.FileField(label=_("Certificate or ID scan"), required=False,
                           help_text=_("Optional. A PDF, JPEG or PNG, kept privately."))
    note = forms.CharField(label=_("Note for the record"), max_length=200, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ProviderAccountForm(AccessibleForm):
    """One provider's credentials. Secrets are never shown back: left blank, they stay."""

    def __init__(self, *args, provider: Provider, filled: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.provider = provider
        for f in provider.credential_fields:
            kept = f.secret and f.name in filled
            widget = forms.PasswordInput(attrs={"autocomplete": "off"}) if f.secret \
                else forms.TextInput()
            self.fields[f.name] = forms.CharField(
                label=f.label, max_length=200, required=False, widget=widget,
                help_text=_("Saved. Leave blank to keep it.") if kept else "")
