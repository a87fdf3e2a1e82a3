"""Writes to a group's forms: questions added, edited, reordered, retired and restored. Each
is one transaction with an audit row naming the admin.

A question's key never changes (answers are stored under it). Retiring stops asking it and
keeps every answer. An edit never corrupts answers: a change of kind is refused once the
question has answers, unless every stored answer stays valid (short text -> long text...) or
can be rewritten safely (one choice -> several: "a" becomes ["a"]); a choice with answers
cannot be removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.audit.services import record
from core.errors import Refused
from core.localized import pick
from core.privacy.levels import Level
from tenants.forms.holders import holder
from tenants.forms.kinds import CHANGES_WITH_ANSWERS, WRAP
from tenants.forms.models import CustomField
from tenants.forms.selectors import answered

K = CustomField.Kind
MAX_QUESTIONS = 50  # active questions on one form
MAX_CHOICES = 50
LABEL_MAX = 200
HELP_MAX = 500
CHOICE_MAX = 100
KEY_MAX = 40
CHANGEABLE = ("kind", "required", "level", "labels", "help_texts", "choices")


class FormChangeRefused(Refused):
    """The change would lose or corrupt answers, or is not a valid question."""


@dataclass(frozen=True)
class Choice:
    labels: dict[str, str]  # {language: text}
    value: str = ""  # an existing choice's value; "" for a new one (made from its label)


@dataclass(frozen=True)
class FieldSpec:
    """What an admin writes about a question."""

    kind: str
    labels: dict[str, str]
    help_texts: dict[str, str] = field(default_factory=dict)
    required: bool = False
    level: int = Level.STAFF
    choices: Sequence[Choice] = ()


@transaction.atomic
def add_field(*, form: str, spec: FieldSpec, actor) -> CustomField:
    """A new question at the end of `form`."""
    _check(spec, form=form)
    existing = list(CustomField.objects.select_for_update().filter(form=form))
    if sum(f.active for f in existing) >= MAX_QUESTIONS:
        raise FormChangeRefused(_("A form can ask at most %(n)d questions. Retire one first.")
                                % {"n": MAX_QUESTIONS})
    key = _unique(_slug(_default_text(spec.labels), "question"), {f.key for f in existing})
    try:
        with transaction.atomic():
            question = CustomField.objects.create(
                form=form, key=key, kind=spec.kind, required=spec.required,
                labels=spec.labels, help_texts=spec.help_texts, level=int(spec.level),
                choices=_choices(spec, old=[]),
                position=1 + max((f.position for f in existing if f.active), default=-1))
    except IntegrityError:  # another admin added one with this key a moment ago
        raise FormChangeRefused(_("Someone else changed this form at the same moment. "
                                  "Please try again.")) from None
    record(actor=actor, action="forms.add", target=question,
           data={"form": form, "key": key, "kind": spec.kind, "level": int(spec.level)})
    return question


@transaction.atomic
def edit_field(*, field_id: int, spec: FieldSpec, actor) -> CustomField:
    """Change a question's wording, kind, requirement, level or choices (see the module's
    note on what is refused). Raises FormChangeRefused; nothing changes then."""
    question = CustomField.objects.select_for_update().get(pk=field_id)
    _check(spec, form=question.form)
    rewrite = None
    if spec.kind != question.kind and answered(question):
        rewrite = CHANGES_WITH_ANSWERS.get((question.kind, spec.kind))
        if rewrite is None:
            raise FormChangeRefused(
                _("“%(question)s” already has answers, so it cannot change from %(old)s to "
                  "%(new)s. Add a new question and retire this one instead.")
                % {"question": pick(question.labels, fallback=question.key),
                   "old": K(question.kind).label, "new": K(spec.kind).label})
    choices = _choices(spec, old=question.choices, question=question)
    before = {name: getattr(question, name) for name in CHANGEABLE}
    question.kind, question.required, question.level = spec.kind, spec.required, int(spec.level)
    question.labels, question.help_texts, question.choices = (spec.labels, spec.help_texts,
                                                              choices)
    changed = sorted(name for name in CHANGEABLE if getattr(question, name) != before[name])
    question.save(update_fields=list(CHANGEABLE))
    rewritten = _wrap_answers(question) if rewrite == WRAP else 0
    record(actor=actor, action="forms.edit", target=question,
           data={"form": question.form, "key": question.key, "changed": changed,
                 **({"kind": [before["kind"], spec.kind]} if "kind" in changed else {}),
                 **({"rewritten": rewritten} if rewrite else {})})
    return question


@transaction.atomic
def reorder_fields(*, form: str, field_ids: Sequence[int], actor) -> None:
    """Put `form`'s active questions in this order (every one of them, once). Retired
    questions follow, in their own order."""
    questions = list(CustomField.objects.select_for_update().filter(form=form)
                     .order_by("position", "pk"))
    active = {f.pk: f for f in questions if f.active}
    if sorted(field_ids) != sorted(active) or len(set(field_ids)) != len(field_ids):
        raise FormChangeRefused(_("This form changed meanwhile. Please look again."))
    ordered = [active[pk] for pk in field_ids] + [f for f in questions if not f.active]
    for position, question in enumerate(ordered):
        question.position = position
    CustomField.objects.bulk_update(ordered, ["position"])
    record(actor=actor, action="forms.reorder", targets=ordered[:len(active)] or (),
           data={"form": form, "order": [active[pk].key for pk in field_ids]})


def move_field(*, field_id: int, up: bool, actor) -> None:
    """One place up or down among its form's active questions (the first stays first)."""
    with transaction.atomic():
        question = CustomField.objects.select_for_update().get(pk=field_id)
        if not question.active:
            raise FormChangeRefused(_("A retired question has no place on the form."))
        order = list(CustomField.objects.filter(form=question.form, retired_at__isnull=True)
                     .order_by("position", "pk").values_list("pk", flat=True))
        at = order.index(question.pk)
        to = at - 1 if up else at + 1
        if 0 <= to < len(order):
            order[at], order[to] = order[to], order[at]
        reorder_fields(form=question.form, field_ids=order, actor=actor)


@transaction.atomic
def retire_field(*, field_id: int, actor) -> CustomField:
    """Stop asking a question. Its answers stay, shown on their records as before."""
    question = CustomField.objects.select_for_update().get(pk=field_id)
    if not question.active:
        raise FormChangeRefused(_("This question is already retired."))
    question.retired_at = timezone.now()
    question.save(update_fields=["retired_at"])
    record(actor=actor, action="forms.retire", target=question,
           data={"form": question.form, "key": question.key})
    return question


@transaction.atomic
def restore_field(*, field_id: int, actor) -> CustomField:
    """Ask a retired question again, at the end of its form."""
    question = CustomField.objects.select_for_update().get(pk=field_id)
    if question.active:
        raise FormChangeRefused(_("This question is already on the form."))
    active = CustomField.objects.filter(form=question.form, retired_at__isnull=True)
    if active.count() >= MAX_QUESTIONS:
        raise FormChangeRefused(_("A form can ask at most %(n)d questions. Retire one first.")
                                % {"n": MAX_QUESTIONS})
    question.retired_at = None
    question.position = 1 + (active.aggregate(last=Max("position"))["last"] or 0)
    question.save(update_fields=["retired_at", "position"])
    record(actor=actor, action="forms.restore", target=question,
           data={"form": question.form, "key": question.key})
    return question


# ------------------------------------------------------------------------------- checks

def _check(spec: FieldSpec, *, form: str) -> None:
    """A question the forms can ask (the admin page checks the same, field by field)."""
    if form not in CustomField.Form.values:
        raise FormChangeRefused(_("There is no such form."))
    if spec.kind not in K.values:
        raise FormChangeRefused(_("Choose what kind of answer the question takes."))
    if spec.level not in list(Level):
        raise FormChangeRefused(_("Choose who may see the answers."))
    if not any(_texts(spec.labels)):
        raise FormChangeRefused(_("Write the question."))
    if any(len(t) > LABEL_MAX for t in _texts(spec.labels)) or any(
            len(t) > HELP_MAX for t in _texts(spec.help_texts)):
        raise FormChangeRefused(_("The question or its help text is too long."))
    if spec.kind in (K.CHOICE, K.MULTIPLE):
        if not spec.choices:
            raise FormChangeRefused(_("Give the choices, one per line."))
        if len(spec.choices) > MAX_CHOICES:
            raise FormChangeRefused(_("A question can have at most %(n)d choices.")
                                    % {"n": MAX_CHOICES})
        names = [_default_text(c.labels).casefold() for c in spec.choices]
        if not all(names) or any(len(t) > CHOICE_MAX for c in spec.choices
                                 for t in _texts(c.labels)):
            raise FormChangeRefused(_("Each choice needs a short label."))
        if len(set(names)) != len(names):
            raise FormChangeRefused(_("Two choices have the same label."))


def _texts(texts: dict) -> list[str]:
    return [t for t in (texts or {}).values() if isinstance(t, str) and t.strip()]


def _choices(spec: FieldSpec, *, old: list[dict], question: CustomField | None = None
             ) -> list[dict]:
    """The choices to store: existing values kept, new ones given a value from their label.
    A choice that is dropped while answers use it is refused."""
    if spec.kind not in (K.CHOICE, K.MULTIPLE):
        wanted: list[Choice] = []
    else:
        wanted = list(spec.choices)
    known = {c["value"] for c in old}
    kept = {c.value for c in wanted if c.value in known}
    for gone in (c for c in old if c["value"] not in kept):
        if question is not None and question.has_choices and answered(question, gone["value"]):
            raise FormChangeRefused(
                _("The choice “%(choice)s” has answers, so it cannot be removed. "
                  "Keep it in the list (you can reword it).")
                % {"choice": pick(gone.get("labels"), fallback=gone["value"])})
    taken = set(kept)
    out = []
    for choice in wanted:
        value = choice.value if choice.value in kept else _unique(
            _slug(_default_text(choice.labels), "choice"), taken)
        taken.add(value)
        out.append({"value": value, "labels": choice.labels})
    return out


def _wrap_answers(question: CustomField) -> int:
    """One choice -> several: each stored "a" becomes ["a"], in one statement."""
    model = holder(question.form)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET answers = jsonb_set(answers, ARRAY[%s], "
            f"jsonb_build_array(answers -> %s)) "
            f"WHERE answers ? %s AND jsonb_typeof(answers -> %s) <> 'array'",
            [question.key] * 4)
        return cursor.rowcount


def _default_text(texts: dict) -> str:
    default = getattr(connection.tenant, "default_language", "en")
    return (texts.get(default) or next(iter(_texts(texts)), "")).strip()


def _slug(text: str, fallback: str) -> str:
    return slugify(text).replace("-", "_")[:KEY_MAX - 4].strip("_") or fallback


def _unique(base: str, taken: set[str]) -> str:
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key
