"""The admins' request types editor: names per language with fallback, icon, mode, vetting,
check-in, retire vs delete; every change audited; one group's types never in another's."""

from __future__ import annotations

import uuid
from datetime import time

import pytest
from django.db import connection
from django.utils import translation

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.errors import Refused
from core.tenancy.models import Group
from core.tenancy.services import set_languages
from core.testing.people import PASSWORD
from tenants.requests.models import RequestType
from tenants.requests.services import submit_request
from tenants.requests.types import TypeSpec, create_type, delete_type, update_type
from tenants.volunteers.services import Registration, register_volunteer

pytestmark = pytest.mark.django_db

NEW_TYPE = {"names_en": "Gardening", "names_es": "Jardinería", "icon": "🌱",
            "mode": "in_person", "vetting_level": "0", "checkin_required": "on", "active": "on"}


def use(group) -> Group:
    tenant = Group.objects.get(schema_name=group.slug)
    connection.set_tenant(tenant)
    return tenant


def admin_of(group) -> User:
    use(group)
    return User.objects.get(email=group.admin_email)


def bilingual(group, django_capture_on_commit_callbacks) -> None:
    """The group offers English (default) and Spanish, through the service admins use."""
    admin = admin_of(group)
    with django_capture_on_commit_callbacks(execute=True):  # routing forgets the old row
        set_languages(group=connection.tenant, enabled=["en", "es"], default="en", actor=admin)
    use(group)


def login(client, group, email) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD},
                           HTTP_HOST=group.host)
    assert response.status_code == 302


def audit(group, prefix="request_type.") -> list[tuple[str, str]]:
    use(group)
    return list(AuditEntry.objects.filter(action__startswith=prefix).order_by("pk")
                .values_list("action", "actor_label"))


def page(client, group, path, language="en") -> str:
    client.cookies["django_language"] = language
    response = client.get(path, HTTP_HOST=group.host)
    assert response.status_code == 200
    return response.content.decode()


def test_an_admin_adds_a_kind_of_help_named_in_each_language(
        client, alpha, django_capture_on_commit_callbacks):
    bilingual(alpha, django_capture_on_commit_callbacks)
    login(client, alpha, alpha.admin_email)
    response = client.post("/setup/types/", NEW_TYPE, HTTP_HOST=alpha.host, follow=True)
    assert response.redirect_chain == [("/setup/types/", 302)]
    assert "Added: Gardening." in response.content.decode()
    use(alpha)
    kind = RequestType.objects.get(code="gardening")
    assert (kind.name, kind.names, kind.icon, kind.mode, kind.vetting_level,
            kind.checkin_required, kind.active) == (
        "Gardening", {"en": "Gardening", "es": "Jardinería"}, "🌱", "in_person", 0, True, True)
    assert audit(alpha) == [("request_type.create", alpha.admin_email)]
    listed = page(client, alpha, "/setup/types/", "es")
    assert "Jardinería" in listed and "Gardening" not in listed


@pytest.mark.parametrize("icon", ["two words", "much-too-long", "", "\x07"])
def test_a_bad_icon_is_refused_and_nothing_is_saved(client, alpha, icon):
    login(client, alpha, alpha.admin_email)
    use(alpha)
    before = list(RequestType.objects.values_list("pk", "name", "icon"))
    response = client.post("/setup/types/", {**NEW_TYPE, "icon": icon}, HTTP_HOST=alpha.host)
    assert response.status_code == 400
    body = response.content.decode()
    assert ("an emoji or a short word" in body or "This field is required." in body
            or "at most 8 characters" in body)
    assert list(RequestType.objects.values_list("pk", "name", "icon")) == before
    assert audit(alpha) == []


def test_the_name_in_the_default_language_is_required(
        client, alpha, django_capture_on_commit_callbacks):
    bilingual(alpha, django_capture_on_commit_callbacks)
    login(client, alpha, alpha.admin_email)
    response = client.post("/setup/types/", {**NEW_TYPE, "names_en": " "}, HTTP_HOST=alpha.host)
    assert response.status_code == 400
    assert "Write it at least in English." in response.content.decode()
    use(alpha)
    assert not RequestType.objects.filter(names__es="Jardinería").exists()
    # The service says the same to any other caller.
    with pytest.raises(Refused, match="default language"):
        create_type(spec=TypeSpec(names={"es": "Jardinería"}, icon="🌱", mode="in_person"),
                    actor=admin_of(alpha))
    assert audit(alpha) == []


def test_a_type_in_use_is_retired_not_deleted(client, alpha):
    admin = admin_of(alpha)
    shopping = RequestType.objects.get(code="shopping")
    submit_request(fields={"type": shopping, "description": "Milk", "person_name": "Rosa",
                           "person_phone": "07700 900111"},
                   submission_key=uuid.uuid4(), channel="phone")
    with pytest.raises(Refused, match="Retire it instead"):
        delete_type(type_id=shopping.pk, actor=admin)
    login(client, alpha, alpha.admin_email)
    refused = client.post(f"/setup/types/{shopping.pk}/delete/", HTTP_HOST=alpha.host,
                          follow=True)
    assert "Retire it instead" in refused.content.decode()
    use(alpha)
    assert RequestType.objects.filter(pk=shopping.pk, active=True).exists()
    assert audit(alpha) == []

    form = {"names_en": "Shopping", "icon": "🛒", "mode": "in_person", "vetting_level": "0"}
    retired = client.post(f"/setup/types/{shopping.pk}/", form, HTTP_HOST=alpha.host,
                          follow=True)
    assert retired.redirect_chain == [("/setup/types/", 302)]
    use(alpha)
    assert not RequestType.objects.get(pk=shopping.pk).active
    assert audit(alpha) == [("request_type.retire", alpha.admin_email)]
    assert "Shopping" not in page(client, alpha, "/ask/")  # no longer offered
    assert shopping.requests.count() == 1  # and the request keeps it

    back = client.post(f"/setup/types/{shopping.pk}/", {**form, "active": "on"},
                       HTTP_HOST=alpha.host)
    assert back.status_code == 302
    assert audit(alpha)[-1] == ("request_type.reactivate", alpha.admin_email)


def test_a_type_only_volunteers_have_is_in_use_too(alpha):
    admin = admin_of(alpha)
    register_volunteer(registration=Registration(
        name="Vic Tor", email="vic@example.org", password=PASSWORD,
        request_type_codes=["dog_walking"], postcode="SW1A 1AA",
        availability=[(0, time(9), time(17))], location=(51.5, -0.12, "")))
    walking = RequestType.objects.get(code="dog_walking")
    with pytest.raises(Refused):
        delete_type(type_id=walking.pk, actor=admin)
    assert RequestType.objects.filter(pk=walking.pk).exists()


def test_an_unused_type_can_be_deleted(client, alpha):
    login(client, alpha, alpha.admin_email)
    client.post("/setup/types/", NEW_TYPE, HTTP_HOST=alpha.host)
    use(alpha)
    kind = RequestType.objects.get(code="gardening")
    listed = page(client, alpha, "/setup/types/")
    assert f'action="/setup/types/{kind.pk}/delete/"' in listed
    assert f'action="/setup/types/{RequestType.objects.get(code="other").pk}/delete/"' in listed
    response = client.post(f"/setup/types/{kind.pk}/delete/", HTTP_HOST=alpha.host)
    assert response.status_code == 302
    use(alpha)
    assert not RequestType.objects.filter(pk=kind.pk).exists()
    assert audit(alpha) == [("request_type.create", alpha.admin_email),
                            ("request_type.delete", alpha.admin_email)]


def test_the_spanish_ask_form_shows_spanish_names_and_falls_back_where_missing(
        client, alpha, django_capture_on_commit_callbacks):
    bilingual(alpha, django_capture_on_commit_callbacks)
    admin = admin_of(alpha)
    shopping = RequestType.objects.get(code="shopping")
    update_type(type_id=shopping.pk, actor=admin, spec=TypeSpec(
        names={"en": "Shopping", "es": "Compras"}, icon="🛒", mode="in_person"))
    # A kind with no Spanish name (the defaults come with one: take it away).
    RequestType.objects.filter(code="prescription").update(names={"en": "Prescription pickup"})
    spanish = page(client, alpha, "/ask/", "es")
    assert "Compras" in spanish and "Shopping" not in spanish
    assert "Prescription pickup" in spanish  # no Spanish name written: the default's
    english = page(client, alpha, "/ask/", "en")
    assert "Shopping" in english and "Compras" not in english
    with translation.override("es"):  # emails use the recipient's language the same way
        assert RequestType.objects.get(pk=shopping.pk).label == "Compras"


def test_names_in_a_language_no_longer_offered_are_kept(
        alpha, django_capture_on_commit_callbacks):
    bilingual(alpha, django_capture_on_commit_callbacks)
    admin = admin_of(alpha)
    shopping = RequestType.objects.get(code="shopping")
    update_type(type_id=shopping.pk, actor=admin, spec=TypeSpec(
        names={"en": "Shopping", "es": "Compras"}, icon="🛒", mode="in_person"))
    with django_capture_on_commit_callbacks(execute=True):
        set_languages(group=connection.tenant, enabled=["en"], default="en", actor=admin)
    use(alpha)
    # The editor now asks in English only; saving keeps the Spanish name for later.
    update_type(type_id=shopping.pk, actor=admin, spec=TypeSpec(
        names={"en": "Groceries"}, icon="🛒", mode="in_person"))
    assert RequestType.objects.get(pk=shopping.pk).names == {"en": "Groceries", "es": "Compras"}


def test_one_groups_kinds_of_help_never_appear_in_another(client, alpha, beta):
    login(client, alpha, alpha.admin_email)
    client.post("/setup/types/", {**NEW_TYPE, "names_en": "Alpha allotments"},
                HTTP_HOST=alpha.host)
    use(alpha)
    kind = RequestType.objects.get(name="Alpha allotments")
    assert "Alpha allotments" in page(client, alpha, "/ask/")
    use(beta)
    assert not RequestType.objects.filter(name="Alpha allotments").exists()
    beta_client = client.__class__()
    assert "Alpha allotments" not in page(beta_client, beta, "/ask/")
    login(beta_client, beta, beta.admin_email)
    assert "Alpha allotments" not in page(beta_client, beta, "/setup/types/")
    # alpha's id means another type, or none, in beta: never alpha's.
    other = beta_client.get(f"/setup/types/{kind.pk}/", HTTP_HOST=beta.host)
    assert "Alpha allotments" not in other.content.decode()


@pytest.mark.parametrize("role", ["coordinator", "volunteer"])
def test_only_admins_edit_types(client, alpha, role):
    use(alpha)
    shopping = RequestType.objects.get(code="shopping")
    login(client, alpha, getattr(alpha, f"{role}_email"))
    assert client.get("/setup/types/", HTTP_HOST=alpha.host).status_code == 403
    assert client.post("/setup/types/", NEW_TYPE, HTTP_HOST=alpha.host).status_code == 403
    assert client.post(f"/setup/types/{shopping.pk}/",
                       {**NEW_TYPE, "names_en": "Hijacked"},
                       HTTP_HOST=alpha.host).status_code == 403
    assert client.post(f"/setup/types/{shopping.pk}/delete/",
                       HTTP_HOST=alpha.host).status_code == 403
    use(alpha)
    assert RequestType.objects.get(pk=shopping.pk).name == "Shopping"
    assert not RequestType.objects.filter(code="gardening").exists()
    assert audit(alpha) == []


def test_seeded_types_come_with_names_as_an_empty_mapping(alpha):
    """New groups are built from the template's rows (core.tenancy.blueprint): JSON copied as
    JSON, not as a string holding it."""
    use(alpha)
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT jsonb_typeof(names) FROM requests_requesttype")
        assert cursor.fetchall() == [("object",)]
    assert RequestType.objects.get(code="shopping").label == "Shopping"
