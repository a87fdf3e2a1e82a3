"""Which language a page is in, and a member's preferred language."""

import pytest
from django.db import connection

from core.accounts.models import User
from core.tenancy import routing
from core.tenancy.models import Group
from core.testing.people import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual(alpha):
    Group.objects.filter(schema_name="alpha").update(enabled_languages=["en", "es"])
    routing.forget(alpha.host)
    return alpha


def login(client, group, email):
    client.post("/accounts/login/", {"login": email, "password": PASSWORD}, HTTP_HOST=group.host)


def volunteer_of(group):
    connection.set_tenant(Group.objects.get(schema_name=group.slug))
    try:
        return User.objects.get(email=group.volunteer_email)
    finally:
        connection.set_schema_to_public()


def test_the_switcher_saves_a_members_choice_and_it_follows_them(client, bilingual):
    login(client, bilingual, bilingual.volunteer_email)
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"},
                           HTTP_HOST=bilingual.host)
    assert response.status_code == 302
    assert volunteer_of(bilingual).preferred_language == "es"
    # Another device: no cookie, an English browser; the member reads Spanish.
    elsewhere = client.__class__()
    login(elsewhere, bilingual, bilingual.volunteer_email)
    page = elsewhere.get("/", HTTP_HOST=bilingual.host, HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "es"


def test_a_language_the_group_does_not_offer_is_not_saved(client, alpha):
    login(client, alpha, alpha.volunteer_email)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"}, HTTP_HOST=alpha.host)
    assert volunteer_of(alpha).preferred_language == ""
    assert client.get("/", HTTP_HOST=alpha.host)["Content-Language"] == "en"


def test_the_explicit_choice_beats_the_preference_and_the_browser(client, bilingual):
    login(client, bilingual, bilingual.volunteer_email)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"}, HTTP_HOST=bilingual.host)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_HOST=bilingual.host)
    page = client.get("/", HTTP_HOST=bilingual.host, HTTP_ACCEPT_LANGUAGE="es")
    assert page["Content-Language"] == "en"
    assert volunteer_of(bilingual).preferred_language == "en"


def test_anonymous_visitors_get_their_browsers_language_if_offered(client, bilingual):
    assert client.get("/", HTTP_HOST=bilingual.host,
                      HTTP_ACCEPT_LANGUAGE="es")["Content-Language"] == "es"
    assert client.get("/", HTTP_HOST=bilingual.host,
                      HTTP_ACCEPT_LANGUAGE="fr")["Content-Language"] == "en"
