from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.accounts.models import User
from core.forms import AccessibleForm
from tenants.safeguarding import selectors
from tenants.safeguarding.models import (
    MAX_CHECKIN_MINUTES, MIN_CHECKIN_MINUTES, Concern, ConcernNote,
)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.name} ({obj.get_role_display()})" if obj.name else obj.email


class ConcernForm(AccessibleForm):
    about = forms.CharField(
        label=_("Who is it about?"), required=False,
        max_length=Concern._meta.get_field("about").max_length,
        help_text=_("A name, or a description such as “the neighbour at the Tuesday visit”."))
    request = forms.IntegerField(
        label=_("Request number, if it is about a visit"), required=False, min_value=1,
        help_text=_("The number shown on your tasks page. Leave it empty if you are not sure."))
    member = MemberChoiceField(
        label=_("A member of our group, if it is about one"), required=False,
        queryset=User.objects.none())
    what_happened = forms.CharField(
        label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 6}),
        max_length=Concern._meta.get_field("what_happened").max_length,
        help_text=_("What you saw or heard, when, and anything already done about it."))
    urgency = forms.ChoiceField(label=_("How urgent is it?"), choices=Concern.Urgency.choices,
                                widget=forms.RadioSelect)

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if staff:  # only coordinators and admins pick from the group's members
            self.fields["member"].queryset = User.objects.filter(is_active=True) \
                .exclude(role="").order_by("name", "pk")
        else:
            del self.fields["member"]

    def clean(self):
        data = super().clean()
        if not (data.get("about") or data.get("request") or data.get("member")):
            self.add_error("about", _("Please say who or which visit it is about."))
        return data


class LeadNoteForm(AccessibleForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        max_length=ConcernNote._meta.get_field("text").max_length,
        help_text=_("What you did, who you told. Only the safeguarding leads see notes."))


class NameLeadForm(AccessibleForm):
    user = MemberChoiceField(label=_("Coordinator or admin"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.lead_candidates()


class CheckinSettingsForm(AccessibleForm):
    minutes = forms.IntegerField(
        label=_("Safe-and-well check-in due after (minutes)"),
        min_value=MIN_CHECKIN_MINUTES, max_value=MAX_CHECKIN_MINUTES,
        help_text=_("After a volunteer starts a visit that needs a check-in. If they have not "
                    "said they are safe and well by then, coordinators and admins are emailed."))
