"""The public form through which people ask for help (no account needed)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleForm
from tenants.forms.formfields import CustomFieldsMixin
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import day_refusal


class DateInput(forms.DateInput):
    input_type = "date"


class AskForHelpForm(CustomFieldsMixin, AccessibleForm):
    custom_form = "request"  # the group's own questions, after the built-in ones
    custom_after = "language"

    type = forms.ModelChoiceField(
        label=_("What kind of help do you need?"), queryset=RequestType.objects.none(),
        empty_label=None, widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("Tell us a little more"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: what shopping, which pharmacy, when suits you."),
    )
    person_name = forms.CharField(label=_("Name of the person who needs help"), max_length=100)
    person_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    person_email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=16, required=False)
    access_notes = forms.CharField(
        label=_("How to get in (optional)"), max_length=300, required=False,
        help_text=_("Only the volunteer who takes this on will see it, and only until it is "
                    "done."),
    )
    keysafe_code = forms.CharField(
        label=_("Key-safe code (optional)"), max_length=20, required=False,
        help_text=_("Only the volunteer who takes this on will see it, and only until it is "
                    "done."),
    )
    urgency = forms.TypedChoiceField(
        label=_("How soon?"), choices=HelpRequest.Urgency.choices, coerce=int,
        initial=HelpRequest.Urgency.NORMAL,
    )
    wanted_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    wanted_until = forms.DateField(label=_("Until"), required=False, widget=DateInput)
    scheduled_for = forms.DateField(
        label=_("A day that suits you (optional)"), required=False, widget=DateInput,
        help_text=_("Afterwards we will show you days when a volunteer is already coming "
                    "near you, if there are any."),
    )
    recurrence = forms.ChoiceField(label=_("How often?"), choices=HelpRequest.Recurrence.choices,
                                   initial=HelpRequest.Recurrence.ONCE)
    language = forms.CharField(label=_("Language spoken"), max_length=8, required=False)
    for_someone_else = forms.BooleanField(label=_("I am asking for someone else"),
                                          required=False)
    requester_name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    consent = forms.BooleanField(
        label=_("They know I am asking and agree to be contacted"), required=False,
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = RequestType.objects.filter(active=True)

    def clean_wanted_from(self):
        day = self.cleaned_data.get("wanted_from")
        if day and day < timezone.localdate():
            raise forms.ValidationError(_("This date has passed."), code="past")
        return day

    def clean(self):
        data = super().clean()
        if not data.get("person_phone") and not data.get("person_email"):
            self.add_error("person_phone", _("Give a phone number or an email, so we can reply."))
        start, end = data.get("wanted_from"), data.get("wanted_until")
        if start and end and end < start:
            self.add_error("wanted_until", _("The end of the window is before its start."))
        elif end and end < timezone.localdate():
            self.add_error("wanted_until", _("This date has passed."))
        day = data.get("scheduled_for")
        if day and "scheduled_for" not in self.errors:
            reason = day_refusal(day, wanted_from=data.get("wanted_from"),
                                 wanted_until=data.get("wanted_until"))
            if reason:
                self.add_error("scheduled_for", reason)
        if data.get("for_someone_else"):
            if not data.get("requester_name"):
                self.add_error("requester_name", _("Tell us your name too."))
            if not data.get("consent"):
                self.add_error("consent", _("We need their agreement before we contact them."))
        return data

    def request_fields(self) -> dict:
        """The HelpRequest fields from the cleaned form."""
        d = self.cleaned_data
        on_behalf = d["for_someone_else"]
        return {
            "type": d["type"], "description": d["description"],
            "person_name": d["person_name"], "person_phone": d["person_phone"],
            "person_email": d["person_email"], "address": d["address"],
            "postcode": d["postcode"], "urgency": d["urgency"],
            "access_notes": d["access_notes"], "keysafe_code": d["keysafe_code"],
            "wanted_from": d["wanted_from"], "wanted_until": d["wanted_until"],
            "recurrence": d["recurrence"], "language": d["language"],
            "scheduled_for": d["scheduled_for"],
            "requester_name": d["requester_name"] if on_behalf else "",
            "consent_recorded": bool(on_behalf and d["consent"]),
            "answers": self.answers(),
        }


class LogRequestForm(AskForHelpForm):
    """A coordinator logs a request that came by phone, email, social media or in person."""

    channel = forms.ChoiceField(
        label=_("How did it reach us?"),
        choices=[c for c in HelpRequest.Channel.choices if c[0] != HelpRequest.Channel.WEB],
    )
    field_order = ["channel"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheduled_for"].label = _("Planned for (optional)")
        self.fields["scheduled_for"].help_text = ""


class LocationForm(AccessibleForm):
    """A coordinator sets where a request is, when its postcode could not be found."""

    postcode = forms.CharField(label=_("Postcode"), max_length=16, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("postcode") and not data.get("address"):
            raise forms.ValidationError(_("Give a postcode or an address."))
        return data


class CloseForm(AccessibleForm):
    """Closing a request without doing it: why, in a few words, for the timeline."""

    note = forms.CharField(label=_("Why? (a few words for the timeline)"), max_length=500,
                           required=False)


class PlanDayForm(AccessibleForm):
    """The day a request is planned for; empty clears it (coordinators only)."""

    day = forms.DateField(label=_("Planned for"), required=False, widget=DateInput)
