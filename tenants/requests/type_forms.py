"""The admins' form for a kind of help: its name in each of the group's languages, icon,
in person or remote, vetting needed, check-in, offered or retired."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.errors import Refused
from core.forms import AccessibleForm
from core.localized import LocalizedTextField, language_names
from tenants.requests.models import RequestType, VettingLevel
from tenants.requests.types import ICON_MAX, TypeSpec, clean_icon


def form_languages(group) -> list[str]:
    """The group's languages, its default first (LocalizedTextField requires the first)."""
    return [group.default_language] + [code for code in group.enabled_languages
                                       if code != group.default_language]


def boxes_in_order(languages: list[str]) -> str:
    """Help text naming each box's language: they are labelled for screen readers only."""
    names = language_names()
    return _("One box per language, in this order: %(languages)s.") % {
        "languages": ", ".join(str(names.get(code, code)) for code in languages)}


class RequestTypeForm(AccessibleForm):
    icon = forms.CharField(label=_("Icon"), max_length=ICON_MAX,
                           help_text=_("An emoji, like 🛒, or a short word."))
    mode = forms.ChoiceField(label=_("In person or remote?"), choices=RequestType.Mode.choices,
                             widget=forms.RadioSelect, initial=RequestType.Mode.IN_PERSON)
    vetting_level = forms.TypedChoiceField(
        label=_("Vetting a volunteer needs for it"), choices=VettingLevel.choices, coerce=int,
        initial=VettingLevel.NONE)
    checkin_required = forms.BooleanField(
        label=_("Volunteers check in safe and well after a visit"), required=False)
    active = forms.BooleanField(
        label=_("Offered"), required=False, initial=True,
        help_text=_("Untick to retire it: it is no longer offered, and requests and volunteers "
                    "that have it keep it."))

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        languages = form_languages(group)
        self.fields["names"] = LocalizedTextField(
            languages=languages, max_length=80, label=_("Name"),
            help_text=format_lazy("{} {}", boxes_in_order(languages), _(
                "Where one is left empty, people see the name in your default language.")))
        self.order_fields(["names", "icon", "mode", "vetting_level", "checkin_required",
                           "active"])

    def clean_icon(self):
        try:
            return clean_icon(self.cleaned_data["icon"])
        except Refused as refused:
            raise forms.ValidationError(refused.message, code="icon") from None

    def spec(self) -> TypeSpec:
        d = self.cleaned_data
        return TypeSpec(names=d["names"], icon=d["icon"], mode=d["mode"],
                        vetting_level=d["vetting_level"], checkin_required=d["checkin_required"],
                        active=d["active"])

    @staticmethod
    def initial_for(kind: RequestType, *, group) -> dict:
        # Types made before names per language have only `name`: shown as the default's.
        names = dict(kind.names) or {group.default_language: kind.name}
        return {"names": names, "icon": kind.icon, "mode": kind.mode,
                "vetting_level": kind.vetting_level, "checkin_required": kind.checkin_required,
                "active": kind.active}
