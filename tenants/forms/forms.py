"""The admin's page for one question: its wording in each of the group's languages, kind,
choices (one per line, a list per language), whether it is required, and who may see the
answers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleForm
from core.localized import LocalizedTextField, language_names
from core.privacy.levels import Level
from tenants.forms.models import CustomField
from tenants.forms.selectors import level_choices
from tenants.forms.services import CHOICE_MAX, HELP_MAX, LABEL_MAX, MAX_CHOICES, Choice, FieldSpec


class QuestionForm(AccessibleForm):
    labels = LocalizedTextField(label=_("Question"), languages=["en"], max_length=LABEL_MAX)
    help_texts = LocalizedTextField(label=_("Help text (optional)"), languages=["en"],
                                    max_length=HELP_MAX, textarea=True, required=False)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=CustomField.Kind.choices)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    level = forms.TypedChoiceField(
        label=_("Who may see the answers?"), coerce=int, widget=forms.RadioSelect,
        help_text=_("Admins always see every answer. Choose the fewest people who need it."))

    def __init__(self, *args, form: str, languages: list[str],
                 question: CustomField | None = None, **kwargs):
        self.languages, self.question = languages, question
        if question is not None:
            kwargs.setdefault("initial", _initial(question, languages))
        super().__init__(*args, **kwargs)
        names = language_names()
        # The boxes are labelled for screen readers; sighted people are told their order.
        order = _("One box per language, in this order: %(languages)s.") % {
            "languages": ", ".join(str(names.get(code, code)) for code in languages)}
        for name in ("labels", "help_texts"):
            old = self.fields[name]
            self.fields[name] = LocalizedTextField(
                label=old.label, languages=languages, required=old.required,
                max_length=LABEL_MAX if name == "labels" else HELP_MAX,
                textarea=name == "help_texts", help_text=order if len(languages) > 1 else "")
            if name == "help_texts":
                for box in self.fields[name].widget.widgets:
                    box.attrs["rows"] = 2
        for position, code in enumerate(languages):
            self.fields[f"choices_{code}"] = forms.CharField(
                label=_("Choices in %(language)s, one per line")
                % {"language": names.get(code, code)},
                required=False, max_length=MAX_CHOICES * (CHOICE_MAX + 2),
                widget=forms.Textarea(attrs={"rows": 4, "lang": code}),
                help_text=(_("Only for questions answered from a list. Keep the lines in the "
                             "same order in every language.") if position == 0 else ""))
        self.fields["level"].choices = level_choices(form)
        self.fields["level"].initial = Level.STAFF
        self.order_fields(["labels", "help_texts", "kind",
                           *(f"choices_{code}" for code in languages), "required", "level"])

    def clean(self):
        data = super().clean()
        data["choice_list"] = []
        if data.get("kind") not in (CustomField.Kind.CHOICE, CustomField.Kind.MULTIPLE):
            return data
        lines = {code: [line.strip() for line in (data.get(f"choices_{code}") or "")
                        .splitlines() if line.strip()] for code in self.languages}
        default = self.languages[0]
        if not lines[default]:
            self.add_error(f"choices_{default}", _("Give the choices, one per line."))
            return data
        if len(lines[default]) > MAX_CHOICES:
            self.add_error(f"choices_{default}", _("At most %(n)d choices.") % {"n": MAX_CHOICES})
        for code, texts in lines.items():
            if any(len(text) > CHOICE_MAX for text in texts):
                self.add_error(f"choices_{code}", _("Keep each choice under %(n)d characters.")
                               % {"n": CHOICE_MAX})
            if texts and len(texts) != len(lines[default]):
                self.add_error(f"choices_{code}", _(
                    "Give one line for each of the %(n)d choices, in the same order, or "
                    "leave it empty.") % {"n": len(lines[default])})
        folded = [text.casefold() for text in lines[default]]
        if len(set(folded)) != len(folded):
            self.add_error(f"choices_{default}", _("Two choices have the same label."))
        labels = [{code: lines[code][i] for code in self.languages if lines[code]}
                  for i in range(len(lines[default]))]
        values = _match(self.question.choices if self.question else [], folded, default)
        data["choice_list"] = [Choice(labels=label, value=value)
                               for label, value in zip(labels, values)]
        return data

    def spec(self) -> FieldSpec:
        d = self.cleaned_data
        kept = {}
        if self.question is not None:  # wording in languages the group no longer offers
            kept = {name: {code: text for code, text in getattr(self.question, name).items()
                           if code not in self.languages} for name in ("labels", "help_texts")}
        return FieldSpec(
            kind=d["kind"], required=d["required"], level=d["level"],
            labels={**kept.get("labels", {}), **d["labels"]},
            help_texts={**kept.get("help_texts", {}), **d["help_texts"]},
            choices=d["choice_list"])


def _initial(question: CustomField, languages: list[str]) -> dict:
    initial = {"labels": question.labels, "help_texts": question.help_texts,
               "kind": question.kind, "required": question.required, "level": question.level}
    for code in languages:
        texts = [c.get("labels", {}).get(code, "") for c in question.choices]
        initial[f"choices_{code}"] = "\n".join(texts) if any(texts) else ""
    return initial


def _match(old: list[dict], folded: list[str], default: str) -> list[str]:
    """Each line's existing choice value, or "" for a new choice. The same label (in the
    default language) keeps its value wherever it moved. Between two such lines kept in
    their order, lines and old choices left over are paired in turn: a choice reworded in
    place keeps its value (and its answers)."""
    free: dict[str, list[int]] = {}
    for i, choice in enumerate(old):
        labels = choice.get("labels") or {}
        text = labels.get(default) or next(iter(labels.values()), "") or choice["value"]
        free.setdefault(text.strip().casefold(), []).append(i)
    old_of = {j: free[text].pop(0) for j, text in enumerate(folded) if free.get(text)}
    anchors, last = [], -1
    for j in sorted(old_of):
        if old_of[j] > last:
            anchors.append((old_of[j], j))
            last = old_of[j]
    matched = set(old_of.values())
    bounds = [(-1, -1), *anchors, (len(old), len(folded))]
    for (old_from, new_from), (old_to, new_to) in zip(bounds, bounds[1:]):
        olds = [i for i in range(old_from + 1, old_to) if i not in matched]
        news = [j for j in range(new_from + 1, new_to) if j not in old_of]
        old_of.update(zip(news, olds))
    return [old[old_of[j]]["value"] if j in old_of else "" for j in range(len(folded))]
