"""Admins' pages at /setup/forms/: list, add, edit, move, retire and restore questions; in
the group's languages; refusals shown on the page with nothing changed."""

import pytest

from core.audit.models import AuditEntry
from core.tenancy import routing
from core.tenancy.models import Group
from formbuilder_support import log_in, submit
from tenants.forms.models import CustomField

pytestmark = pytest.mark.django_db


def question_data(**overrides) -> dict:
    data = {"labels_en": "Any pets?", "help_texts_en": "", "kind": "short_text",
            "choices_en": "", "level": "3"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin_client(client, in_alpha):
    return log_in(client, in_alpha, in_alpha.admin_email)


def test_only_admins_open_the_form_builder(client, in_alpha, ask):
    question = ask("Any pets?")
    for email in (in_alpha.coordinator_email, in_alpha.volunteer_email):
        log_in(client, in_alpha, email)
        for path in ("/setup/forms/", "/setup/forms/request/add/",
                     f"/setup/forms/questions/{question.pk}/"):
            assert client.get(path, HTTP_HOST=in_alpha.host).status_code == 403
        assert client.post(f"/setup/forms/questions/{question.pk}/retire/",
                           HTTP_HOST=in_alpha.host).status_code == 403
    assert CustomField.objects.get().active


def test_an_admin_adds_a_question_and_sees_it_listed(admin_client, in_alpha):
    page = admin_client.get("/setup/forms/request/add/", HTTP_HOST=in_alpha.host)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<legend>Question <span aria-hidden="true">*</span></legend>' in html
    assert 'aria-label="English"' in html and "Who may see the answers?" in html
    response = admin_client.post("/setup/forms/request/add/", question_data(
        kind="yes_no", required="on", level="2", help_texts_en="So we bring a ramp."),
        HTTP_HOST=in_alpha.host)
    assert response.status_code == 302
    question = CustomField.objects.get()
    assert (question.form, question.key, question.kind, question.required, question.level,
            question.labels, question.help_texts) == (
        "request", "any_pets", "yes_no", True, 2, {"en": "Any pets?"},
        {"en": "So we bring a ramp."})
    listing = admin_client.get("/setup/forms/", HTTP_HOST=in_alpha.host).content.decode()
    assert 'data-question="any_pets"' in listing and "Yes or no" in listing
    assert AuditEntry.objects.filter(action="forms.add", actor__email=in_alpha.admin_email
                                     ).count() == 1


def test_choices_one_per_line_per_language(admin_client, in_alpha):
    Group.objects.filter(schema_name="alpha").update(enabled_languages=["en", "es"])
    routing.forget(in_alpha.host)
    response = admin_client.post("/setup/forms/volunteer/add/", question_data(
        labels_en="Languages you could translate", labels_es="Idiomas que podría traducir",
        kind="multiple", choices_en="Polish\n\nUrdu \n", choices_es="Polaco\nUrdu"),
        HTTP_HOST=in_alpha.host)
    assert response.status_code == 302
    question = CustomField.objects.get(form="volunteer")
    assert question.choices == [{"value": "polish", "labels": {"en": "Polish", "es": "Polaco"}},
                                {"value": "urdu", "labels": {"en": "Urdu", "es": "Urdu"}}]
    assert question.labels == {"en": "Languages you could translate",
                               "es": "Idiomas que podría traducir"}


@pytest.mark.parametrize("overrides, field, message", [
    ({"labels_en": ""}, "labels", "This field is required."),
    ({"labels_en": "x" * 201}, "labels", "at most 200 characters"),
    ({"kind": "choice"}, "choices_en", "Give the choices, one per line"),
    ({"kind": "choice", "choices_en": "Dog\ndog"}, "choices_en", "same label"),
    ({"kind": "colour"}, "kind", "Select a valid choice"),
    ({"level": "7"}, "level", "Select a valid choice"),
])
def test_a_question_that_cannot_be_asked_is_shown_why(admin_client, in_alpha, overrides, field,
                                                      message):
    response = admin_client.post("/setup/forms/request/add/", question_data(**overrides),
                                 HTTP_HOST=in_alpha.host)
    assert response.status_code == 400
    assert message in " ".join(response.context["editor"].errors[field])
    assert CustomField.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="forms.").exists()


def test_editing_keeps_the_key_and_refuses_a_kind_change_with_answers(admin_client, in_alpha, ask):
    pets = ask("Any pets?")
    submit({pets.key: "A cat"})
    edit = f"/setup/forms/questions/{pets.pk}/"
    assert admin_client.get(edit, HTTP_HOST=in_alpha.host).context["editor"][
        "labels"].value() == {"en": "Any pets?"}
    response = admin_client.post(edit, question_data(kind="number"), HTTP_HOST=in_alpha.host)
    assert response.status_code == 400
    assert "already has answers" in response.content.decode()
    pets.refresh_from_db()
    assert pets.kind == "short_text"
    response = admin_client.post(edit, question_data(labels_en="Pets at home?",
                                                     kind="long_text"), HTTP_HOST=in_alpha.host)
    assert response.status_code == 302
    pets.refresh_from_db()
    assert (pets.key, pets.kind, pets.labels) == ("any_pets", "long_text",
                                                 {"en": "Pets at home?"})


def test_rewording_a_choice_in_place_keeps_its_answers(admin_client, in_alpha, ask):
    pet = ask("Pet", kind="choice", choices=["Dog", "Cat"])
    request = submit({pet.key: "cat"})
    response = admin_client.post(f"/setup/forms/questions/{pet.pk}/", question_data(
        labels_en="Pet", kind="choice", choices_en="Parrot\nDog\nCat or kitten"),
        HTTP_HOST=in_alpha.host)
    assert response.status_code == 302
    pet.refresh_from_db()
    assert [(c["value"], c["labels"]["en"]) for c in pet.choices] == [
        ("parrot", "Parrot"), ("dog", "Dog"), ("cat", "Cat or kitten")]
    request.refresh_from_db()
    assert request.answers == {pet.key: "cat"}
    # Dropping the answered choice is refused, on the page, and changes nothing.
    response = admin_client.post(f"/setup/forms/questions/{pet.pk}/", question_data(
        labels_en="Pet", kind="choice", choices_en="Parrot\nDog"), HTTP_HOST=in_alpha.host)
    assert response.status_code == 400
    assert "has answers, so it cannot be removed" in response.content.decode()
    assert CustomField.objects.get(pk=pet.pk).choices == pet.choices


def test_up_down_retire_and_restore_buttons(admin_client, in_alpha, ask):
    a, b = ask("First?"), ask("Second?")
    host = {"HTTP_HOST": in_alpha.host}
    response = admin_client.post(f"/setup/forms/questions/{b.pk}/up/", **host)
    assert response.status_code == 302 and response["Location"].endswith(f"#question-{b.pk}")
    assert list(CustomField.objects.order_by("position").values_list("key", flat=True)) == [
        "second", "first"]
    admin_client.post(f"/setup/forms/questions/{b.pk}/down/", **host)
    assert list(CustomField.objects.order_by("position").values_list("key", flat=True)) == [
        "first", "second"]
    admin_client.post(f"/setup/forms/questions/{a.pk}/retire/", **host)
    listing = admin_client.get("/setup/forms/", **host).content.decode()
    assert "Retired questions" in listing and "Ask again: “First?”" in listing
    admin_client.post(f"/setup/forms/questions/{a.pk}/restore/", **host)
    assert list(CustomField.objects.filter(retired_at__isnull=True).order_by("position")
                .values_list("key", flat=True)) == ["second", "first"]
    assert admin_client.post(f"/setup/forms/questions/{a.pk}/delete/", **host).status_code == 404
    assert admin_client.post("/setup/forms/questions/999999/up/", **host).status_code == 404
    assert admin_client.get("/setup/forms/shopping/add/", **host).status_code == 404
    again = admin_client.post(f"/setup/forms/questions/{a.pk}/restore/", follow=True, **host)
    assert "already on the form" in again.content.decode()


@pytest.mark.parametrize("old, lines, values", [
    (["dog", "cat"], ["Dog", "Kat"], ["dog", "cat"]),  # a typo fixed in place
    (["dog", "cat"], ["Cat", "Dog"], ["cat", "dog"]),  # moved
    (["a", "b", "c"], ["A", "C", "D"], ["a", "c", ""]),  # b removed, d added
    (["a", "b"], ["X", "A", "B"], ["", "a", "b"]),  # one added first
    (["a", "b"], ["A", "B2", "New"], ["a", "b", ""]),  # reworded, then one added
])
def test_lines_keep_the_values_of_the_choices_they_were(old, lines, values):
    from tenants.forms.forms import _match

    choices = [{"value": v, "labels": {"en": v.title()}} for v in old]
    assert _match(choices, [line.casefold() for line in lines], "en") == values


def test_the_setup_checklist_leads_here_and_ticks_once_a_question_is_saved(admin_client,
                                                                           in_alpha, ask):
    def forms_item():
        items = admin_client.get("/setup/", HTTP_HOST=in_alpha.host).context["items"]
        return next(item for item in items if item.key == "forms")

    assert (forms_item().url, forms_item().done) == ("/setup/forms/", False)
    ask("Any pets?")
    assert forms_item().done
