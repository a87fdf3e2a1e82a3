"""Forms of the group's records pages."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleForm


class FindPersonForm(AccessibleForm):
    email = forms.EmailField(label=_("Their email"), required=False)
    phone = forms.CharField(label=_("Their phone"), max_length=32, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("email") and not any(c.isdigit() for c in data.get("phone") or ""):
            raise forms.ValidationError(_("Give an email or a phone number to look for."))
        return data


class EraseForm(AccessibleForm):
    reason = forms.CharField(label=_("Why (for the audit log)"), max_length=200,
                             help_text=_("For example: asked by the person on 3 May, by phone."))
    confirm = forms.BooleanField(
        label=_("I understand this cannot be undone"),
        error_messages={"required": _("Tick the box to confirm.")})


class RetentionForm(AccessibleForm):
    keep_request_days = forms.IntegerField(
        label=_("Erase a closed request's personal data after (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Names, contact details, addresses and notes. What kind of help and when "
                    "stay, without the person, for your reports."))
    keep_volunteer_days = forms.IntegerField(
        label=_("Erase a former volunteer's personal data after (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Counted from the day they left."))


class AuditFilterForm(AccessibleForm):
    action = forms.CharField(label=_("Action"), max_length=64, required=False)
    actor = forms.CharField(label=_("Who (email)"), max_length=254, required=False)
