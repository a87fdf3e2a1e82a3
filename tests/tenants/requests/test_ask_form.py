"""The public request form on a group's host: no account, once per submission, clear refusals."""

import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from core.tenancy import routing
from core.tenancy.models import Group
from tenants.requests.models import HelpRequest, RequestType

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "type": "", "description": "Could someone collect my prescription on Friday?",
        "person_name": "Rosa", "person_phone": "07700 900123", "person_email": "",
        "address": "1 High Street", "postcode": "SW1A 1AA", "urgency": "1",
        "wanted_from": "", "wanted_until": "", "recurrence": "once", "language": "es",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def count_in(slug: str) -> int:
    connection.set_tenant(Group.objects.get(schema_name=slug))
    try:
        return HelpRequest.objects.count()
    finally:
        connection.set_schema_to_public()


def type_id(slug: str, code: str) -> str:
    connection.set_tenant(Group.objects.get(schema_name=slug))
    try:
        return str(RequestType.objects.get(code=code).pk)
    finally:
        connection.set_schema_to_public()


def test_asking_for_help_needs_no_account(client, alpha, beta):
    data = form_data(type=type_id("alpha", "prescription"))
    response = client.post("/ask/", data, HTTP_HOST=alpha.host)
    assert response.status_code == 302 and response["Location"] == "/ask/thanks/"
    thanks = client.get("/ask/thanks/", HTTP_HOST=alpha.host)
    assert thanks.context["help_request"].person_name == "Rosa"
    assert (count_in("alpha"), count_in("beta")) == (1, 0)
    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    request = HelpRequest.objects.get()
    assert (request.status, request.channel, request.type.code) == ("new", "web", "prescription")
    assert list(request.events.values_list("to_status", flat=True)) == ["new"]


def test_a_resent_form_makes_one_request(client, alpha):
    data = form_data(type=type_id("alpha", "shopping"))
    for _ in range(3):
        assert client.post("/ask/", data, HTTP_HOST=alpha.host).status_code == 302
    assert count_in("alpha") == 1


TODAY = timezone.localdate()
BAD = [
    ("no contact", {"person_phone": "", "person_email": ""}, "person_phone", "phone number"),
    ("past start", {"wanted_from": str(TODAY - datetime.timedelta(days=1))}, "wanted_from",
     "This date has passed"),
    ("end before start", {"wanted_from": str(TODAY + datetime.timedelta(days=3)),
                          "wanted_until": str(TODAY + datetime.timedelta(days=1))},
     "wanted_until", "before its start"),
    ("not a date", {"wanted_from": "31/02/2026"}, "wanted_from", "Enter a valid date"),
    ("over-long description", {"description": "x" * 2001}, "description", "at most 2000"),
    ("over-long name", {"person_name": "n" * 101}, "person_name", "at most 100"),
    ("unknown type", {"type": "999999"}, "type", "Select a valid choice"),
    ("bad email", {"person_email": "nope"}, "person_email", "valid email"),
    ("on behalf, no consent", {"for_someone_else": "on", "requester_name": "Ann"}, "consent",
     "agreement"),
    ("on behalf, no name", {"for_someone_else": "on", "consent": "on"}, "requester_name",
     "your name"),
    ("forged submission key", {"submission_key": "not-a-uuid"}, "submission_key", "valid UUID"),
]


@pytest.mark.parametrize("case,overrides,field,message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_clearly_and_saves_nothing(client, alpha, case, overrides, field,
                                                       message):
    data = form_data(type=type_id("alpha", "shopping")) | overrides
    response = client.post("/ask/", data, HTTP_HOST=alpha.host)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in e for e in errors.get(field, [])), errors
    assert count_in("alpha") == 0


def test_asking_on_behalf_records_consent(client, alpha):
    data = form_data(type=type_id("alpha", "befriending"), for_someone_else="on",
                     requester_name="Ann (neighbour)", consent="on")
    assert client.post("/ask/", data, HTTP_HOST=alpha.host).status_code == 302
    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    request = HelpRequest.objects.get()
    assert (request.requester_name, request.consent_recorded) == ("Ann (neighbour)", True)


def test_the_form_speaks_spanish_where_the_group_offers_it(client, alpha):
    response = client.get("/ask/", HTTP_HOST=alpha.host, HTTP_ACCEPT_LANGUAGE="es")
    assert "Ask for help" in response.content.decode()  # alpha offers English only
    Group.objects.filter(schema_name="alpha").update(enabled_languages=["en", "es"])
    routing.forget(alpha.host)  # what the group-settings service will do on every change
    response = client.get("/ask/", HTTP_HOST=alpha.host, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert "Pedir ayuda" in response.content.decode()


def test_another_groups_thanks_page_shows_nothing_of_this_request(client, alpha, beta):
    client.post("/ask/", form_data(type=type_id("alpha", "shopping")), HTTP_HOST=alpha.host)
    response = client.get("/ask/thanks/", HTTP_HOST=beta.host)
    assert response.status_code == 200
    assert response.context["help_request"] is None
    assert "Rosa" not in response.content.decode()


@pytest.fixture
def sample_postcodes(db):
    from django.core.management import call_command

    call_command("load_postcodes", country="GB", sample=True, verbosity=0)


def test_a_known_postcode_places_the_request_on_the_map(
        client, alpha, sample_postcodes, django_capture_on_commit_callbacks):
    from core.geo.models import PostcodeCentroid

    known = PostcodeCentroid.objects.filter(country="GB").order_by("postcode").first()
    data = form_data(type=type_id("alpha", "shopping"), postcode=known.postcode.lower())
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/ask/", data, HTTP_HOST=alpha.host)
    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    request = HelpRequest.objects.get()
    assert request.location_status == "located"
    assert (request.lat, request.lng, request.cell) == (known.lat, known.lng, known.h3_cell)


@pytest.mark.parametrize("postcode", ["ZZ9 9ZZ", "not a postcode"])
def test_a_request_we_cannot_place_is_kept_and_the_person_is_told(
        client, alpha, sample_postcodes, django_capture_on_commit_callbacks, postcode):
    data = form_data(type=type_id("alpha", "shopping"), postcode=postcode, address="")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/ask/", data, HTTP_HOST=alpha.host).status_code == 302
    thanks = client.get("/ask/thanks/", HTTP_HOST=alpha.host)
    assert "could not find that postcode" in thanks.content.decode()
    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    request = HelpRequest.objects.get()
    assert (request.location_status, request.lat, request.postcode) == ("unknown", None, postcode)


def test_choices_are_a_named_group_for_screen_readers(client, alpha):
    body = client.get("/ask/", HTTP_HOST=alpha.host).content.decode()
    assert "<legend>What kind of help do you need? " in body
    assert 'for=""' not in body


def test_no_location_given_is_not_called_a_failed_lookup(
        client, alpha, django_capture_on_commit_callbacks):
    data = form_data(type=type_id("alpha", "befriending"), postcode="", address="")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/ask/", data, HTTP_HOST=alpha.host)
    thanks = client.get("/ask/thanks/", HTTP_HOST=alpha.host).content.decode()
    assert "could not find" not in thanks


def test_the_default_kinds_of_help_are_named_in_spanish(client, alpha):
    Group.objects.filter(schema_name="alpha").update(enabled_languages=["en", "es"])
    routing.forget(alpha.host)
    page = client.get("/ask/", HTTP_HOST=alpha.host, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Compras" in page and "Cuidado infantil" in page and "Childcare" not in page
