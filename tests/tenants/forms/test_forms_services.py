"""Adding, editing, reordering, retiring and restoring questions: audited, keys stable, and
never at the cost of an answer already given."""

import pytest

from core.audit.models import AuditEntry
from core.errors import Refused
from core.privacy.levels import Level
from formbuilder_support import make_volunteer, submit
from tenants.forms.formfields import custom_form_fields
from tenants.forms.models import CustomField
from tenants.forms.services import (
    Choice, FieldSpec, edit_field, move_field, reorder_fields, restore_field, retire_field,
)
from tenants.requests.models import HelpRequest

pytestmark = pytest.mark.django_db


def spec_of(question, **changes) -> FieldSpec:
    values = dict(kind=question.kind, labels=question.labels, help_texts=question.help_texts,
                  required=question.required, level=question.level,
                  choices=[Choice(labels=c["labels"], value=c["value"]) for c in question.choices])
    values.update(changes)
    return FieldSpec(**values)


def snapshot():
    return (list(CustomField.objects.values().order_by("pk")),
            list(HelpRequest.objects.values_list("pk", "answers").order_by("pk")),
            AuditEntry.objects.exclude(action="reveal").count())


def test_a_question_gets_a_stable_key_from_its_wording_and_an_audit_row(ask, people):
    first = ask("Any pets at home?")
    second = ask("Any pets at home?")
    assert (first.key, second.key) == ("any_pets_at_home", "any_pets_at_home_2")
    assert (first.position, second.position) == (0, 1)
    edit_field(field_id=first.pk, actor=people.admin,
               spec=spec_of(first, labels={"en": "Pets in the house?"}))
    first.refresh_from_db()
    assert first.key == "any_pets_at_home" and first.labels == {"en": "Pets in the house?"}
    rows = list(AuditEntry.objects.filter(action__startswith="forms.").order_by("pk")
                .values_list("action", "actor_label", "target_id"))
    assert rows == [("forms.add", people.admin.email, str(first.pk)),
                    ("forms.add", people.admin.email, str(second.pk)),
                    ("forms.edit", people.admin.email, str(first.pk))]
    assert AuditEntry.objects.get(action="forms.edit").data["changed"] == ["labels"]


def test_the_same_wording_on_the_other_form_has_its_own_key(ask):
    assert ask("Car?").key == ask("Car?", form="volunteer").key == "car"


def test_retiring_keeps_every_answer_and_stops_asking(ask, people):
    pets = ask("Any pets?")
    stairs = ask("Stairs?", kind="yes_no")
    request = submit({pets.key: "A cat", stairs.key: True})
    retire_field(field_id=pets.pk, actor=people.admin)
    request.refresh_from_db()
    assert request.answers == {pets.key: "A cat", stairs.key: True}
    assert list(custom_form_fields("request").fields) == [f"answer_{stairs.key}"]
    with pytest.raises(Refused):
        retire_field(field_id=pets.pk, actor=people.admin)
    restore_field(field_id=pets.pk, actor=people.admin)
    assert list(custom_form_fields("request").fields) == [f"answer_{stairs.key}",
                                                          f"answer_{pets.key}"]
    assert [a for a in AuditEntry.objects.filter(action__in=["forms.retire", "forms.restore"])
            .order_by("pk").values_list("action", flat=True)] == ["forms.retire", "forms.restore"]


def test_reordering_moves_questions_and_keeps_answers(ask, people):
    a, b, c = ask("A?"), ask("B?"), ask("C?")
    request = submit({a.key: "1", b.key: "2", c.key: "3"})
    reorder_fields(form="request", field_ids=[c.pk, a.pk, b.pk], actor=people.admin)
    assert list(custom_form_fields("request").fields) == ["answer_c", "answer_a", "answer_b"]
    move_field(field_id=b.pk, up=True, actor=people.admin)
    move_field(field_id=c.pk, up=True, actor=people.admin)  # already first: stays
    assert list(custom_form_fields("request").fields) == ["answer_c", "answer_b", "answer_a"]
    request.refresh_from_db()
    assert request.answers == {"a": "1", "b": "2", "c": "3"}
    assert AuditEntry.objects.filter(action="forms.reorder").latest("pk").data["order"] == [
        "c", "b", "a"]


def test_a_reorder_that_misses_a_question_is_refused(ask, people):
    a, b = ask("A?"), ask("B?")
    before = snapshot()
    for ids in ([a.pk], [a.pk, a.pk], [a.pk, b.pk, 999999]):
        with pytest.raises(Refused):
            reorder_fields(form="request", field_ids=ids, actor=people.admin)
    assert snapshot() == before


def test_a_change_of_kind_is_refused_once_there_are_answers(ask, people):
    age = ask("Age", kind="short_text")
    submit({age.key: "about 80"})
    before = snapshot()
    with pytest.raises(Refused) as refused:
        edit_field(field_id=age.pk, actor=people.admin, spec=spec_of(age, kind="number"))
    assert "already has answers" in str(refused.value.message)
    assert "Add a new question and retire this one instead" in str(refused.value.message)
    assert snapshot() == before


def test_without_answers_any_change_of_kind_is_allowed(ask, people):
    age = ask("Age", kind="short_text")
    edit_field(field_id=age.pk, actor=people.admin, spec=spec_of(age, kind="number"))
    age.refresh_from_db()
    assert age.kind == "number"
    assert AuditEntry.objects.get(action="forms.edit").data["kind"] == ["short_text", "number"]


def test_safe_changes_keep_answers_as_they_are(ask, people):
    note = ask("Anything else?", kind="short_text")
    request = submit({note.key: "Ring twice"})
    edit_field(field_id=note.pk, actor=people.admin, spec=spec_of(note, kind="long_text"))
    request.refresh_from_db()
    assert request.answers == {note.key: "Ring twice"}
    note.refresh_from_db()
    assert note.kind == "long_text"
    with pytest.raises(Refused):  # and not back: a long answer would not fit
        edit_field(field_id=note.pk, actor=people.admin, spec=spec_of(note, kind="short_text"))


def test_one_choice_becomes_several_by_rewriting_each_answer(ask, people):
    diet = ask("Diet", kind="choice", choices=["Vegetarian", "Halal"])
    veg, halal = (c["value"] for c in diet.choices)
    first, second, none = submit({diet.key: veg}), submit({diet.key: halal}), submit({})
    edit_field(field_id=diet.pk, actor=people.admin, spec=spec_of(diet, kind="multiple"))
    answers = dict(HelpRequest.objects.filter(pk__in=[first.pk, second.pk, none.pk])
                   .values_list("pk", "answers"))
    assert answers == {first.pk: {diet.key: [veg]}, second.pk: {diet.key: [halal]}, none.pk: {}}
    assert AuditEntry.objects.get(action="forms.edit").data["rewritten"] == 2


def test_a_choice_with_answers_cannot_be_removed_but_can_be_reworded(ask, people):
    diet = ask("Diet", kind="multiple", choices=["Vegetarian", "Halal", "Kosher"])
    veg, halal, kosher = (c["value"] for c in diet.choices)
    submit({diet.key: [veg]})
    before = snapshot()
    with pytest.raises(Refused) as refused:
        edit_field(field_id=diet.pk, actor=people.admin, spec=spec_of(
            diet, choices=[Choice({"en": "Halal"}, halal), Choice({"en": "Kosher"}, kosher)]))
    assert "“Vegetarian” has answers" in str(refused.value.message)
    assert snapshot() == before
    edit_field(field_id=diet.pk, actor=people.admin, spec=spec_of(diet, choices=[
        Choice({"en": "Vegetarian or vegan"}, veg), Choice({"en": "Halal"}, halal),
        Choice({"en": "Gluten free"})]))  # Kosher had no answers: it may go
    diet.refresh_from_db()
    assert [(c["value"], c["labels"]["en"]) for c in diet.choices] == [
        (veg, "Vegetarian or vegan"), (halal, "Halal"), ("gluten_free", "Gluten free")]


@pytest.mark.parametrize("spec, message", [
    (FieldSpec(kind="short_text", labels={}), "Write the question"),
    (FieldSpec(kind="short_text", labels={"en": "   "}), "Write the question"),
    (FieldSpec(kind="colour", labels={"en": "Q"}), "kind of answer"),
    (FieldSpec(kind="short_text", labels={"en": "Q"}, level=9), "who may see"),
    (FieldSpec(kind="short_text", labels={"en": "Q" * 201}), "too long"),
    (FieldSpec(kind="choice", labels={"en": "Q"}), "choices"),
    (FieldSpec(kind="choice", labels={"en": "Q"},
               choices=[Choice({"en": "A"}), Choice({"en": "a"})]), "same label"),
])
def test_a_question_that_cannot_be_asked_is_refused(people, spec, message):
    from tenants.forms.services import add_field

    before = snapshot()
    with pytest.raises(Refused) as refused:
        add_field(form="request", spec=spec, actor=people.admin)
    assert message.lower() in str(refused.value.message).lower()
    assert snapshot() == before


def test_volunteer_answers_are_kept_on_the_profile(ask, people):
    car = ask("Do you drive?", kind="yes_no", form="volunteer", level=Level.STAFF)
    profile = make_volunteer(answers={car.key: True})
    profile.refresh_from_db()
    assert profile.answers == {car.key: True}
