"""Wording a group writes itself (request type names, form labels, help texts, choices,
welcome text), in each language it offers: stored as {"en": "...", "es": "..."}, read in
the page's language, falling back to the group's default language, then to any.

    label = pick(field.labels)          # in the active language, or the default's
    LocalizedTextField(languages=group.enabled_languages)  # one input per language
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms
from django.conf import settings
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def pick(texts: Mapping[str, str] | None, *, language: str | None = None,
         default_language: str | None = None, fallback: str = "") -> str:
    """The text in `language` (default: the active one), else in the group's default
    language, else the first one written, else `fallback`."""
    if not texts:
        return fallback
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    default_language = default_language or getattr(connection.tenant, "default_language",
                                                   settings.LANGUAGE_CODE)
    for code in (language, language.split("-")[0], default_language):
        if texts.get(code):
            return texts[code]
    return next((text for text in texts.values() if text), fallback)


def language_names() -> dict[str, str]:
    return dict(settings.LANGUAGES)


class LocalizedTextWidget(forms.MultiWidget):
    """One text input per language, each labelled with its language for screen readers."""

    def __init__(self, languages: Sequence[str], *, textarea: bool = False, attrs=None):
        self.languages = list(languages)
        names = language_names()
        widgets = {
            code: (forms.Textarea if textarea else forms.TextInput)(
                attrs={**(attrs or {}), "lang": code,
                       "aria-label": str(names.get(code, code))})
            for code in self.languages}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        value = value or {}
        return [value.get(code, "") for code in self.languages]


class LocalizedTextField(forms.MultiValueField):
    """{language: text} for the group's languages; `required` means in the default language
    (the first of `languages`), the others may be left for the fallback."""

    def __init__(self, *, languages: Sequence[str], max_length: int = 200,
                 textarea: bool = False, **kwargs):
        self.languages = list(languages)
        fields = [forms.CharField(max_length=max_length, required=False)
                  for _code in self.languages]
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields, widget=LocalizedTextWidget(self.languages, textarea=textarea),
                         **kwargs)

    def compress(self, data_list):
        texts = {code: (text or "").strip() for code, text in zip(self.languages, data_list or [])}
        return {code: text for code, text in texts.items() if text}

    def clean(self, value):
        texts = super().clean(value)
        if self.required and not texts.get(self.languages[0]):
            raise forms.ValidationError(
                _("Write it at least in %(language)s.")
                % {"language": language_names().get(self.languages[0], self.languages[0])},
                code="required")
        return texts
