"""The admins' forms for the group's languages and branding."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.errors import Refused
from core.forms import AccessibleForm
from core.localized import LocalizedTextField
from core.tenancy import branding
from core.tenancy.services import Branding
from tenants.requests.type_forms import boxes_in_order, form_languages


def _refusal_to_error(check, value, code: str):
    try:
        return check(value)
    except Refused as refused:
        raise forms.ValidationError(refused.message, code=code) from None


class LanguagesForm(AccessibleForm):
    enabled = forms.MultipleChoiceField(
        label=_("Languages your pages are offered in"), choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Offer at least one language.")})
    default = forms.ChoiceField(
        label=_("Default language"), choices=settings.LANGUAGES, widget=forms.RadioSelect,
        help_text=_("Pages open in it when a visitor's browser asks for a language you do not "
                    "offer, and your wording falls back to it."))

    def clean(self):
        data = super().clean()
        if data.get("default") and data.get("enabled") is not None \
                and data["default"] not in data["enabled"]:
            self.add_error("default", _("The default language must be one of the languages "
                                        "you offer."))
        return data


class BrandingForm(AccessibleForm):
    name = forms.CharField(label=_("Group name"), max_length=100)
    logo = forms.FileField(
        label=_("Logo"), required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("A PNG or JPEG image, at most 1 MB. It is shown to everyone."))
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    accent = forms.CharField(
        label=_("Accent colour"), max_length=7, required=False,
        help_text=_("A hex code, like #0b5f4a, for buttons and links. White text on it must be "
                    "easy to read. Leave empty for the platform's green."))
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        languages = form_languages(group)
        self.fields["welcome_texts"] = LocalizedTextField(
            languages=languages, max_length=1000, textarea=True, required=False,
            label=_("Welcome text on your home page"),
            help_text=format_lazy("{} {}", boxes_in_order(languages), _(
                "Where one is left empty, the default language's is shown, or else a "
                "standard welcome.")))
        if not group.brand_logo_key:
            del self.fields["remove_logo"]
        self.order_fields(["name", "logo", "remove_logo", "accent", "welcome_texts",
                           "contact_email", "contact_phone"])

    def clean_accent(self):
        return _refusal_to_error(branding.clean_accent, self.cleaned_data["accent"], "accent")

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo:
            _refusal_to_error(branding.check_logo, logo, "logo")
        return logo

    def branding(self) -> Branding:
        d = self.cleaned_data
        return Branding(name=d["name"], accent=d["accent"], welcome_texts=d["welcome_texts"],
                        contact_email=d["contact_email"], contact_phone=d["contact_phone"])

    @staticmethod
    def initial_for(group) -> dict:
        return {"name": group.name, "accent": group.brand_accent,
                "welcome_texts": group.welcome_texts, "contact_email": group.contact_email,
                "contact_phone": group.contact_phone}
