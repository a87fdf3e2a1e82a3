"""Reads: a form's questions, and answers as a viewer may see them.

Each question has its own disclosure level. The records' `answers` column is declared
RESTRICTED as a whole (so nothing but an admin's full view ever gets the raw dict through the
privacy engine); the answers a person is shown come from here, question by question, at the
viewer's clearance for that record (core.privacy.engine.clearance), and every reveal of an
assigned/staff/restricted answer is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from core.audit.services import record as audit
from core.localized import pick
from core.privacy.engine import Viewer, clearance
from core.privacy.levels import AUDITED, Level
from core.privacy.registry import policy_for
from tenants.forms.holders import holder
from tenants.forms.kinds import RULES, choice_options, export_text
from tenants.forms.models import CustomField

FILTER_PREFIX = "answer."


def questions(form: str, *, active_only: bool = False) -> list[CustomField]:
    """A form's questions in order (retired ones too, unless `active_only`)."""
    fields = CustomField.objects.filter(form=form)
    if active_only:
        fields = fields.filter(retired_at__isnull=True)
    return list(fields.order_by("position", "pk"))


def label_of(field: CustomField, language: str | None = None) -> str:
    return pick(field.labels, language=language, fallback=field.key)


@dataclass(frozen=True)
class Answer:
    key: str
    label: str
    text: str  # the answer as a person reads it
    retired: bool  # the question is no longer asked


def answers_for(viewer: Viewer, records: Sequence[models.Model], form: str, *,
                why: str, fields: Sequence[CustomField] | None = None
                ) -> dict[int, list[Answer]]:
    """record pk -> its answers `viewer` may see now, in the form's order. One audit row for
    the lot names the records and the questions whose protected answers were shown."""
    fields = [f for f in (questions(form) if fields is None else fields) if f.kind in RULES]
    out: dict[int, list[Answer]] = {}
    revealed, keys = [], set()
    policy = policy_for(holder(form))
    for record in records:
        stored = record.answers or {}
        level = clearance(viewer, record, policy)
        shown = [f for f in fields if f.level <= level and f.key in stored]
        out[record.pk] = [Answer(f.key, label_of(f), RULES[f.kind].show(stored[f.key], f, None),
                                 not f.active) for f in shown]
        protected = {f.key for f in shown if f.level in AUDITED}
        if protected and _audited(viewer, record, policy):
            revealed.append(record)
            keys |= protected
    if revealed:
        audit(actor=viewer.user, action="reveal", targets=revealed,
              fields=[f"answers.{key}" for key in keys], reason=why)
    return out


def answers_by_pk(viewer: Viewer, pks: Sequence[int], form: str, *,
                  why: str) -> dict[int, list[Answer]]:
    """answers_for, for lists made of ids rather than records (the nearby list): the records
    are read only when the form has questions at all."""
    fields = questions(form)
    if not fields or not pks:
        return {}
    records = list(holder(form).objects.filter(pk__in=list(pks)))
    return answers_for(viewer, records, form, why=why, fields=fields)


def visible_answers(viewer: Viewer, record: models.Model, form: str, *,
                    why: str) -> list[Answer]:
    """One record's answers as `viewer` may see them now (see answers_for)."""
    return answers_for(viewer, [record], form, why=why)[record.pk]


def _audited(viewer: Viewer, record: models.Model, policy) -> bool:
    # As the engine does: the public and the platform reveal to nobody; one's own data is not
    # a reveal.
    if viewer.user is None:
        return False
    return policy.subject is None or policy.subject(record) != viewer.user_id


def export_columns(viewer: Viewer, records: Sequence[models.Model], form: str, *,
                   why: str) -> tuple[list[str], list[list[str]]]:
    """Extra CSV columns, one per question ("answer.<key>"), and each record's cells: empty
    where the viewer may not see that answer on that record. Audited as answers_for."""
    fields = [f for f in questions(form) if f.kind in RULES]
    if not fields:
        return [], [[] for _record in records]
    policy = policy_for(holder(form))
    rows, revealed, keys = [], [], set()
    for record in records:
        stored = record.answers or {}
        level = clearance(viewer, record, policy)
        rows.append([export_text(stored.get(f.key)) if f.level <= level else ""
                     for f in fields])
        protected = {f.key for f in fields
                     if f.level in AUDITED and f.level <= level and f.key in stored}
        if protected and _audited(viewer, record, policy):
            revealed.append(record)
            keys |= protected
    if revealed:
        audit(actor=viewer.user, action="reveal", targets=revealed,
              fields=[f"answers.{key}" for key in keys], reason=why)
    return [f"{FILTER_PREFIX}{f.key}" for f in fields], rows


@dataclass(frozen=True)
class AnswerFilter:
    field: CustomField
    text: str


def filterable(viewer: Viewer, form: str) -> list[CustomField]:
    """Questions a viewer may filter a list by: those whose answers they may see on every
    record (their role's level), so a filter never tells them what they may not read."""
    return [f for f in questions(form) if f.level <= viewer.base and f.kind in RULES]


def filter_by_answers(queryset: models.QuerySet, params: Mapping[str, str], *, form: str,
                      viewer: Viewer) -> tuple[models.QuerySet, list[AnswerFilter], list[str]]:
    """Narrow `queryset` by `answer.<key>=<value>` parameters (JSON containment, which the
    GIN index on `answers` serves). Returns the queryset, the filters applied and, for
    parameters that could not be used, a message for each."""
    allowed = {f.key: f for f in filterable(viewer, form)}
    applied, problems = [], []
    for name, text in params.items():
        if not name.startswith(FILTER_PREFIX) or not text.strip():
            continue
        field = allowed.get(name[len(FILTER_PREFIX):])
        if field is None:
            problems.append(_("There is no question to filter by called “%(key)s”.")
                            % {"key": name[len(FILTER_PREFIX):]})
            continue
        try:
            value = RULES[field.kind].match(text)
            if field.has_choices and text.strip() not in {c["value"] for c in field.choices}:
                raise ValueError(text)
        except ValueError:
            problems.append(_("“%(value)s” is not a possible answer to “%(question)s”.")
                            % {"value": text, "question": label_of(field)})
            continue
        queryset = queryset.filter(answers__contains={field.key: value})
        applied.append(AnswerFilter(field, text))
    return queryset, applied, problems


def answered(field: CustomField, value=None) -> bool:
    """Whether any record holds an answer to `field` (equal to `value`, if given: one choice
    of a list)."""
    records = holder(field.form).objects.all()
    if value is None:
        return records.filter(answers__has_key=field.key).exists()
    stored = [value] if field.kind == CustomField.Kind.MULTIPLE else value
    return records.filter(answers__contains={field.key: stored}).exists()


@dataclass(frozen=True)
class FilterInput:
    """One input of a list's "filter by answer" form."""

    name: str  # answer.<key>
    label: str
    value: str  # as the list was asked for
    options: list[tuple[str, str]] | None  # a select's (value, label); None: typed
    input_type: str = "text"


_INPUT_TYPES = {CustomField.Kind.NUMBER: "number", CustomField.Kind.DATE: "date",
                CustomField.Kind.EMAIL: "email", CustomField.Kind.PHONE: "tel"}


def filter_inputs(viewer: Viewer, form: str, params: Mapping[str, str]) -> list[FilterInput]:
    """The inputs for filtering a list by answers (long texts are not matched whole)."""
    out = []
    for field in filterable(viewer, form):
        if field.kind == CustomField.Kind.LONG_TEXT:
            continue
        name = f"{FILTER_PREFIX}{field.key}"
        options = None
        if field.kind == CustomField.Kind.YES_NO:
            options = [("yes", _("Yes")), ("no", _("No"))]
        elif field.has_choices:
            options = choice_options(field)
        out.append(FilterInput(name, label_of(field), params.get(name, ""), options,
                               _INPUT_TYPES.get(field.kind, "text")))
    return out


def level_choices(form: str) -> list[tuple[int, str]]:
    """Who may see a question's answers, in words for the admin choosing."""
    assigned = (_("The volunteer doing the request, only while it is theirs; coordinators")
                if form == CustomField.Form.REQUEST
                else _("The volunteer themselves; coordinators"))
    return [
        (Level.PUBLIC, _("Anyone")),
        (Level.VOLUNTEER, _("Any active volunteer; coordinators")),
        (Level.ASSIGNED, assigned),
        (Level.STAFF, _("Coordinators and admins only")),
        (Level.RESTRICTED, _("Admins only")),
    ]
