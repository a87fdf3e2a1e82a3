"""The console's forms: the fleet list's filters and the group page's actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries

from core.forms import AccessibleForm
from core.tenancy.models import Group
from mutualaid.console.selectors import FleetQuery

ACTIVITY = [
    ("", _("Any time")), ("week", _("Active in the last 7 days")),
    ("month", _("Active in the last 30 days")), ("quiet", _("Nothing in 30 days")),
    ("never", _("No activity recorded")),
]
SCHEMA = [("", _("Any")), ("current", _("Up to date")), ("behind", _("Behind")),
          ("unknown", _("Not measured yet"))]


class FleetFilterForm(AccessibleForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        help_text=_("Part of a group's name, address or domain."))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any"))] + list(Group.Status.choices))
    plan = forms.ChoiceField(label=_("Plan"), required=False, choices=[("", _("Any"))])
    country = forms.ChoiceField(label=_("Country"), required=False)
    signed_up_from = forms.DateField(label=_("Signed up on or after"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    signed_up_to = forms.DateField(label=_("Signed up on or before"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    activity = forms.ChoiceField(label=_("Last activity"), required=False, choices=ACTIVITY)
    schema = forms.ChoiceField(label=_("Migrations"), required=False, choices=SCHEMA)

    def __init__(self, *args, plans: list[str] = (), countries: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", _("Any"))] + [(p, p) for p in plans]
        names = dict(all_countries)
        self.fields["country"].choices = [("", _("Any"))] + [
            (code, names.get(code, code)) for code in countries]

    def clean(self):
        data = super().clean()
        start, end = data.get("signed_up_from"), data.get("signed_up_to")
        if start and end and start > end:
            self.add_error("signed_up_to", _("The end date is before the start date."))
        return data

    def query(self) -> FleetQuery:
        """The filters as given (call after is_valid(); invalid fields count as unset)."""
        data = getattr(self, "cleaned_data", {})
        return FleetQuery(**{name: data.get(name) or default for name, default in (
            ("q", ""), ("status", ""), ("plan", ""), ("country", ""), ("signed_up_from", None),
            ("signed_up_to", None), ("activity", ""), ("schema", ""))})


class ReasonForm(AccessibleForm):
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             help_text=_("Kept in the audit log."))


class CloseForm(ReasonForm):
    confirm = forms.CharField(label=_("Type the group's address to confirm"), max_length=63)

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["confirm"].help_text = _(
            "Type %(slug)s. The group's data is deleted when the grace period ends; an "
            "export is kept.") % {"slug": group.slug}

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value != self.group.slug:
            raise forms.ValidationError(_("This is not the group's address."))
        return value


class DomainForm(AccessibleForm):
    hostname = forms.CharField(label=_("Custom domain"), max_length=253,
                               help_text=_("Like help.example.org. Its DNS must point here."))
