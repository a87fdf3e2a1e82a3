"""What each kind of question is: its form field (with the server's checks), how an answer
is stored in JSON, shown to a person, written in an export, and matched by a filter.

Stored answers are plain JSON: text, phone and email as strings, numbers as numbers, dates
as "YYYY-MM-DD", yes/no as true/false, a choice as its value, several choices as a list of
values. An empty answer is not stored at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.localized import pick
from tenants.forms.models import CustomField

K = CustomField.Kind

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000
PHONE_CHARACTERS = re.compile(r"^[0-9 +\-()]+$")
PHONE_DIGITS = (6, 20)
YES, NO = "yes", "no"


def validate_phone(value: str) -> None:
    digits = sum(c.isdigit() for c in value)
    if not PHONE_CHARACTERS.match(value) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValidationError(
            _("Enter a phone number: 6 to 20 digits; spaces, +, - and brackets are fine."),
            code="invalid_phone")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")  # what a date input reads and sends


class NumberInput(forms.NumberInput):
    def __init__(self, attrs=None):
        super().__init__({"step": "any", **(attrs or {})})


def choice_options(field: CustomField, language: str | None = None) -> list[tuple[str, str]]:
    """(value, label in the page's language) for each of the question's choices."""
    return [(c["value"], pick(c.get("labels"), language=language, fallback=c["value"]))
            for c in field.choices]


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _text(value):
    return value or None


@dataclass(frozen=True)
class KindRules:
    """How one kind of question behaves."""

    make: Callable[..., forms.Field]  # (required=, label=, help_text=, choices=) -> field
    store: Callable  # cleaned value -> JSON value, or None for no answer
    show: Callable[[object, CustomField, str | None], str]  # stored -> what a person reads
    match: Callable[[str], object]  # a filter's text -> the stored value; ValueError if not


def _plain(value, field, language) -> str:
    return str(value)


def _show_number(value, field, language) -> str:
    return formats.number_format(value) if isinstance(value, (int, float)) else str(value)


def _show_date(value, field, language) -> str:
    try:
        return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):
        return str(value)


def _show_yes_no(value, field, language) -> str:
    return str(_("Yes") if value is True else _("No") if value is False else value)


def _show_choices(value, field, language) -> str:
    labels = dict(choice_options(field, language))
    values = value if isinstance(value, list) else [value]
    return ", ".join(labels.get(v, str(v)) for v in values)


def _match_number(text: str):
    try:
        value = Decimal(text.strip())
    except ArithmeticError:  # decimal.InvalidOperation
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return _number(value)


def _match_date(text: str) -> str:
    return date.fromisoformat(text.strip()).isoformat()


def _match_yes_no(text: str) -> bool:
    answer = text.strip().lower()
    if answer not in (YES, NO, "true", "false"):
        raise ValueError(text)
    return answer in (YES, "true")


def _short_text(*, choices, **kwargs):
    return forms.CharField(max_length=SHORT_TEXT_MAX, **kwargs)


def _long_text(*, choices, **kwargs):
    return forms.CharField(max_length=LONG_TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}), **kwargs)


def _number_field(*, choices, **kwargs):
    return forms.DecimalField(max_digits=15, decimal_places=4, widget=NumberInput, **kwargs)


def _date_field(*, choices, **kwargs):
    return forms.DateField(
        widget=DateInput, input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a real date, as year-month-day "
                                     "(for example 2026-03-31).")},
        **kwargs)


def _yes_no_field(*, choices, **kwargs):
    return forms.TypedChoiceField(
        choices=[(YES, _("Yes")), (NO, _("No"))], coerce=lambda v: v == YES,
        empty_value=None, widget=forms.RadioSelect, **kwargs)


def _choice_field(*, choices, **kwargs):
    return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **kwargs)


def _multiple_field(*, choices, **kwargs):
    return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple,
                                     **kwargs)


def _phone_field(*, choices, **kwargs):
    return forms.CharField(max_length=32, validators=[validate_phone],
                           widget=forms.TextInput(attrs={"type": "tel",
                                                         "autocomplete": "off"}), **kwargs)


def _email_field(*, choices, **kwargs):
    return forms.EmailField(max_length=254, **kwargs)


def _same(text: str) -> str:
    return text.strip()


RULES: dict[str, KindRules] = {
    K.SHORT_TEXT: KindRules(_short_text, _text, _plain, _same),
    K.LONG_TEXT: KindRules(_long_text, _text, _plain, _same),
    K.NUMBER: KindRules(_number_field, _number, _show_number, _match_number),
    K.DATE: KindRules(_date_field, lambda d: d.isoformat() if d else None, _show_date,
                      _match_date),
    K.YES_NO: KindRules(_yes_no_field, lambda v: v, _show_yes_no, _match_yes_no),
    K.CHOICE: KindRules(_choice_field, _text, _show_choices, _same),
    K.MULTIPLE: KindRules(_multiple_field, lambda vs: list(vs) or None, _show_choices,
                          lambda text: [text.strip()]),
    K.PHONE: KindRules(_phone_field, lambda v: " ".join(v.split()) or None, _plain, _same),
    K.EMAIL: KindRules(_email_field, _text, _plain, _same),
}


def export_text(value) -> str:
    """A stored answer in a CSV cell: as stored (values, not labels: stable across
    languages), several choices separated by "; "."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


# Kind changes that keep every stored answer valid as it is, and the one that rewrites them
# ("wrap": a single choice becomes a list of one). Any other change needs no answers yet.
AS_IS = "as_is"
WRAP = "wrap"
CHANGES_WITH_ANSWERS: dict[tuple[str, str], str] = {
    (K.SHORT_TEXT, K.LONG_TEXT): AS_IS,
    (K.PHONE, K.SHORT_TEXT): AS_IS,
    (K.PHONE, K.LONG_TEXT): AS_IS,
    (K.EMAIL, K.LONG_TEXT): AS_IS,
    (K.CHOICE, K.MULTIPLE): WRAP,
}
