"""A group's questions as Django form fields, for the forms that ask them (the public request
form, coordinators' log form, the volunteer join form):

    class AskForHelpForm(CustomFieldsMixin, AccessibleForm):
        custom_form = "request"
    ...
    form.answers()  # {key: JSON value}, only questions answered
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.utils import translation

from core.localized import pick
from tenants.forms.kinds import RULES, choice_options
from tenants.forms.models import CustomField
from tenants.forms.selectors import questions

FIELD_PREFIX = "answer_"


@dataclass
class CustomFormFields:
    fields: dict[str, forms.Field] = field(default_factory=dict)  # form field name -> field
    questions: list[CustomField] = field(default_factory=list)

    def answers(self, cleaned_data: dict) -> dict:
        """The stored form of each answer given; questions left empty are left out."""
        out = {}
        for question in self.questions:
            value = RULES[question.kind].store(cleaned_data.get(FIELD_PREFIX + question.key))
            if value is not None and value != "":
                out[question.key] = value
        return out


def custom_form_fields(form: str, *, language: str | None = None) -> CustomFormFields:
    """The form's active questions, in order, as fields labelled in `language` (falling back
    to the group's default language)."""
    made = CustomFormFields()
    for question in questions(form, active_only=True):
        rules = RULES.get(question.kind)
        if rules is None:
            continue
        made.fields[FIELD_PREFIX + question.key] = rules.make(
            required=question.required,
            label=pick(question.labels, language=language, fallback=question.key),
            help_text=pick(question.help_texts, language=language),
            choices=choice_options(question, language),
        )
        made.questions.append(question)
    return made


class CustomFieldsMixin:
    """Adds the group's questions for `custom_form` to a form, after the field named
    `custom_after` (default: at the end)."""

    custom_form: str = ""
    custom_after: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.custom = custom_form_fields(self.custom_form, language=translation.get_language())
        if not self.custom.fields:
            return
        ordered = {}
        for name, value in self.fields.items():
            ordered[name] = value
            if name == self.custom_after:
                ordered.update(self.custom.fields)
        ordered.update(self.custom.fields)  # no-op when already placed
        self.fields = ordered

    def answers(self) -> dict:
        return self.custom.answers(self.cleaned_data)
