"""The group's own questions on the public request form, the coordinators' log form and the
volunteer join form: every kind checked on the server, a clear message beside the question,
nothing saved on bad input."""

import uuid

import pytest

from core.accounts.models import User
from core.audit.models import AuditEntry
from formbuilder_support import log_in
from tenants.forms.services import retire_field
from tenants.requests.models import HelpRequest, RequestType
from tenants.volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db


def ask_data(**answers) -> dict:
    data = {"type": str(RequestType.objects.get(code="shopping").pk),
            "description": "Milk and bread, please", "person_name": "Rosa",
            "person_phone": "07700 900123", "urgency": "1", "recurrence": "once",
            "submission_key": str(uuid.uuid4())}
    data.update({f"answer_{key}": value for key, value in answers.items()})
    return data


@pytest.fixture
def every_kind(ask):
    """One optional question of each kind on alpha's request form."""
    return {
        "short_text": ask("Nickname", kind="short_text"),
        "long_text": ask("Anything else", kind="long_text"),
        "number": ask("How many bags", kind="number"),
        "date": ask("Best day", kind="date"),
        "yes_no": ask("Any stairs", kind="yes_no"),
        "choice": ask("Pet", kind="choice", choices=["Dog", "Cat"]),
        "multiple": ask("Diet", kind="multiple", choices=["Vegetarian", "Halal"]),
        "phone": ask("Second phone", kind="phone"),
        "email": ask("Carer email", kind="email"),
    }


BAD = [
    ("short_text", "x" * 201, "at most 200 characters"),
    ("long_text", "x" * 2001, "at most 2000 characters"),
    ("number", "lots", "Enter a number."),
    ("number", "NaN", "Enter a number."),
    ("number", "1" * 16, "no more than 15 digits"),
    ("number", "1.23456", "no more than 4 decimal places"),
    ("date", "2026-02-30", "Enter a real date, as year-month-day"),
    ("date", "next week", "Enter a real date, as year-month-day"),
    ("yes_no", "maybe", "Select a valid choice"),
    ("choice", "parrot", "Select a valid choice"),
    ("multiple", ["vegetarian", "carnivore"], "Select a valid choice"),
    ("phone", "call my son", "Enter a phone number: 6 to 20 digits"),
    ("phone", "12345", "Enter a phone number: 6 to 20 digits"),
    ("phone", "1" * 21, "Enter a phone number: 6 to 20 digits"),
    ("email", "rosa at home", "Enter a valid email address."),
]


@pytest.mark.parametrize("kind, value, message", BAD, ids=[f"{k}:{v!s:.12}" for k, v, _ in BAD])
def test_bad_answers_are_refused_clearly_and_nothing_is_saved(client, in_alpha, every_kind, kind,
                                                              value, message):
    key = every_kind[kind].key
    audit_before = AuditEntry.objects.count()
    response = client.post("/ask/", ask_data(**{key: value}), HTTP_HOST=in_alpha.host)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[f"answer_{key}"])
    html = response.content.decode()
    assert f'id="id_answer_{key}_error"' in html and message.split(":")[0] in html
    assert HelpRequest.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_good_answers_are_stored_as_plain_json(client, in_alpha, every_kind):
    q = {kind: question.key for kind, question in every_kind.items()}
    response = client.post("/ask/", ask_data(**{
        q["short_text"]: "  Ro  ", q["long_text"]: "Ring twice.\nThe bell is broken.",
        q["number"]: "2.5", q["date"]: "2026-03-31", q["yes_no"]: "yes", q["choice"]: "cat",
        q["multiple"]: ["vegetarian", "halal"], q["phone"]: "+44 (0)20  7946-0000",
        q["email"]: "carer@example.org"}), HTTP_HOST=in_alpha.host)
    assert response.status_code == 302
    assert HelpRequest.objects.get().answers == {
        q["short_text"]: "Ro", q["long_text"]: "Ring twice.\nThe bell is broken.",
        q["number"]: 2.5, q["date"]: "2026-03-31", q["yes_no"]: True, q["choice"]: "cat",
        q["multiple"]: ["vegetarian", "halal"], q["phone"]: "+44 (0)20 7946-0000",
        q["email"]: "carer@example.org"}


def test_unanswered_optional_questions_are_left_out(client, in_alpha, every_kind):
    q = {kind: question.key for kind, question in every_kind.items()}
    response = client.post("/ask/", ask_data(**{q["number"]: "3", q["yes_no"]: "no"}),
                           HTTP_HOST=in_alpha.host)
    assert response.status_code == 302
    assert HelpRequest.objects.get().answers == {q["number"]: 3, q["yes_no"]: False}


def test_a_required_question_must_be_answered(client, in_alpha, ask):
    stairs = ask("Any stairs?", kind="yes_no", required=True)
    response = client.post("/ask/", ask_data(), HTTP_HOST=in_alpha.host)
    assert response.status_code == 400
    assert response.context["form"].errors[f"answer_{stairs.key}"] == ["This field is required."]
    assert HelpRequest.objects.count() == 0
    assert client.post("/ask/", ask_data(**{stairs.key: "no"}),
                       HTTP_HOST=in_alpha.host).status_code == 302
    assert HelpRequest.objects.get().answers == {stairs.key: False}


def test_a_retired_question_is_no_longer_asked_nor_taken(client, in_alpha, ask, people):
    pets = ask("Any pets?", required=True)
    retire_field(field_id=pets.pk, actor=people.admin)
    form_page = client.get("/ask/", HTTP_HOST=in_alpha.host).content.decode()
    assert "Any pets?" not in form_page
    response = client.post("/ask/", ask_data(**{pets.key: "A parrot"}), HTTP_HOST=in_alpha.host)
    assert response.status_code == 302
    assert HelpRequest.objects.get().answers == {}


def test_questions_come_after_the_built_in_ones_with_their_help(client, in_alpha, ask):
    ask("Any pets?", help_text="So the volunteer knows what to expect.")
    ask("Any stairs?", kind="yes_no")
    form = client.get("/ask/", HTTP_HOST=in_alpha.host).context["form"]
    names = list(form.fields)
    assert names.index("answer_any_pets") == names.index("language") + 1
    assert names.index("answer_any_stairs") == names.index("answer_any_pets") + 1
    html = str(form["answer_any_pets"].help_text)
    assert html == "So the volunteer knows what to expect."


def test_coordinators_log_answers_too(client, in_alpha, ask):
    pets = ask("Any pets?", required=True)
    log_in(client, in_alpha, in_alpha.coordinator_email)
    data = {**ask_data(), "channel": "phone"}
    assert client.post("/dispatch/new/", data, HTTP_HOST=in_alpha.host).status_code == 400
    assert HelpRequest.objects.count() == 0
    data[f"answer_{pets.key}"] = "Two dogs"
    assert client.post("/dispatch/new/", data, HTTP_HOST=in_alpha.host).status_code == 302
    assert HelpRequest.objects.get().answers == {pets.key: "Two dogs"}


def join_data(**answers) -> dict:
    data = {"name": "Vera", "email": "vera@example.org", "password": "a long enough pass 42",
            "request_types": [str(RequestType.objects.get(code="shopping").pk)],
            "postcode": "SW1A 1AA", "radius_km": "3", "travel": "walk", "max_per_week": "3"}
    data.update({f"answer_{key}": value for key, value in answers.items()})
    return data


def test_the_volunteer_form_asks_its_own_questions(client, in_alpha, ask):
    car = ask("Do you drive?", kind="yes_no", form="volunteer", required=True)
    ask("Any pets?", form="request")  # the request form's: not asked here
    page = client.get("/volunteer/join/", HTTP_HOST=in_alpha.host).content.decode()
    assert "Do you drive?" in page and "Any pets?" not in page
    response = client.post("/volunteer/join/", join_data(**{car.key: "sometimes"}),
                           HTTP_HOST=in_alpha.host)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.filter(email="vera@example.org").exists()
    response = client.post("/volunteer/join/", join_data(**{car.key: "yes"}),
                           HTTP_HOST=in_alpha.host)
    assert response.status_code == 302
    assert VolunteerProfile.objects.get(user__email="vera@example.org").answers == {car.key: True}
