"""A group's own wording, in each of its languages, and only ever on its own pages."""

import uuid

import pytest
from django.db import connection

from core.privacy.levels import Level
from core.tenancy import routing
from core.tenancy.models import Group
from formbuilder_support import log_in, submit
from tenants.forms.models import CustomField
from tenants.forms.services import Choice, FieldSpec, add_field
from tenants.requests.models import HelpRequest, RequestType

pytestmark = pytest.mark.django_db


def offer_spanish(group) -> None:
    Group.objects.filter(schema_name=group.slug).update(enabled_languages=["en", "es"])
    routing.forget(group.host)


def test_the_spanish_form_asks_in_spanish(client, in_alpha, ask):
    offer_spanish(in_alpha)
    pet = ask("Any pets?", es="¿Tiene mascotas?", kind="choice", required=True,
              choices=[{"en": "Dog", "es": "Perro"}, {"en": "Cat", "es": "Gato"}],
              help_text="So we can tell the volunteer.")
    ask("Any stairs?", kind="yes_no")  # no Spanish wording: falls back to English
    page = client.get("/ask/", HTTP_HOST=in_alpha.host, HTTP_ACCEPT_LANGUAGE="es")
    html = page.content.decode()
    assert "¿Tiene mascotas?" in html and "Perro" in html and "Gato" in html
    assert "Any pets?" not in html
    field = page.context["form"].fields[f"answer_{pet.key}"]
    assert (field.label, list(field.choices)) == ("¿Tiene mascotas?",
                                                  [("dog", "Perro"), ("cat", "Gato")])
    assert "Any stairs?" in html
    assert "So we can tell the volunteer." in html  # the only wording there is
    response = client.post("/ask/", {
        "type": str(RequestType.objects.get(code="shopping").pk), "description": "Leche",
        "person_name": "Rosa", "person_phone": "07700 900123", "urgency": "1",
        "recurrence": "once", "submission_key": str(uuid.uuid4())},
        HTTP_HOST=in_alpha.host, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert response.context["form"].errors[f"answer_{pet.key}"] == [
        "Este campo es obligatorio."]
    english = client.get("/ask/", HTTP_HOST=in_alpha.host, HTTP_ACCEPT_LANGUAGE="en")
    assert "Any pets?" in english.content.decode()


def test_answers_read_in_the_coordinators_language(client, in_alpha, ask):
    offer_spanish(in_alpha)
    pet = ask("Pet", es="Mascota", kind="choice",
              choices=[{"en": "Dog", "es": "Perro"}], level=Level.STAFF)
    request = submit({pet.key: "dog"})
    log_in(client, in_alpha, in_alpha.coordinator_email)
    page = client.get(f"/dispatch/{request.pk}/", HTTP_HOST=in_alpha.host,
                      HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Mascota" in page and "Perro" in page


def test_a_groups_wording_never_appears_in_another_group(client, alpha, beta, db):
    from core.accounts.models import User

    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    try:
        add_field(form="request", actor=User.objects.get(role="admin"), spec=FieldSpec(
            kind="choice", labels={"en": "Alpha's secret question"},
            choices=[Choice({"en": "Alpha's own choice"})]))
        add_field(form="volunteer", actor=User.objects.get(role="admin"), spec=FieldSpec(
            kind="short_text", labels={"en": "Alpha's volunteer question"}))
    finally:
        connection.set_schema_to_public()
    for path in ("/ask/", "/volunteer/join/"):
        assert "Alpha" not in client.get(path, HTTP_HOST=beta.host).content.decode()
        assert "Alpha&#x27;s" in client.get(path, HTTP_HOST=alpha.host).content.decode()
    log_in(client, beta, beta.admin_email)
    listing = client.get("/setup/forms/", HTTP_HOST=beta.host).content.decode()
    assert "Alpha" not in listing
    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    alpha_question = CustomField.objects.first().pk
    connection.set_schema_to_public()
    assert client.get(f"/setup/forms/questions/{alpha_question}/",
                      HTTP_HOST=beta.host).status_code == 404
    connection.set_tenant(Group.objects.get(schema_name="beta"))
    assert HelpRequest.objects.count() == 0
    connection.set_schema_to_public()
