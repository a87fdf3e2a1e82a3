"""Self-service signup on the platform host: bad input is refused with a clear message and
creates nothing; good input makes a live group whose admin is logged in on its host."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from core.accounts.models import User
from core.testing.people import signup_data
from core.tenancy.models import Domain, Group, LoginHandoff

pytestmark = pytest.mark.django_db
PLATFORM = {"HTTP_HOST": "localhost"}


def snapshot():
    """Everything signup could create, to prove a refusal created nothing."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace ORDER BY nspname")
        schemas = [row[0] for row in cursor.fetchall()]
    return (
        sorted(Group.objects.values_list("schema_name", flat=True)),
        sorted(Domain.objects.values_list("domain", flat=True)),
        LoginHandoff.objects.count(),
        User.objects.count(),  # public-schema users
        schemas,
    )


BAD_INPUT = [
    # (case, overrides, field, message)
    ("uppercase slug", {"slug": "MyGroup"}, "slug", "Use only lowercase letters"),
    ("underscore", {"slug": "my_group"}, "slug", "Use only lowercase letters"),
    ("leading hyphen", {"slug": "-group"}, "slug", "not at the start or end"),
    ("trailing hyphen", {"slug": "group-"}, "slug", "not at the start or end"),
    ("double hyphen", {"slug": "xn--group"}, "slug", "single hyphens"),
    ("dot", {"slug": "my.group"}, "slug", "Use only lowercase letters"),
    ("too short", {"slug": "ab"}, "slug", "between 3 and 40 characters"),
    ("too long", {"slug": "a" * 41}, "slug", "at most 40 characters"),
    ("reserved www", {"slug": "www"}, "slug", "This address is reserved"),
    ("reserved admin", {"slug": "admin"}, "slug", "This address is reserved"),
    ("reserved api", {"slug": "api"}, "slug", "This address is reserved"),
    ("reserved public", {"slug": "public"}, "slug", "This address is reserved"),
    ("reserved static", {"slug": "static"}, "slug", "This address is reserved"),
    ("already taken", {"slug": "alpha"}, "slug", "already taken"),
    ("emoji", {"slug": "help-🙂"}, "slug", "no accents or symbols"),
    ("accented", {"slug": "señores"}, "slug", "no accents or symbols"),
    ("cyrillic lookalike", {"slug": "аlpha"}, "slug", "no accents or symbols"),
    ("sql in slug", {"slug": "x'; drop schema public cascade; --"}, "slug", "lowercase"),
    ("name with no letters makes no slug", {"group_name": "'; --", "slug": ""},
     "slug", "between 3 and 40"),
    ("empty name", {"group_name": ""}, "group_name", "This field is required"),
    ("over-long name", {"group_name": "n" * 101}, "group_name", "at most 100 characters"),
    ("control characters", {"group_name": "Help\x00me"}, "group_name", "Null characters"),
    ("bad email", {"email": "not-an-email"}, "email", "valid email"),
    ("over-long email", {"email": "a" * 250 + "@x.org"}, "email", "at most 254 characters"),
    ("short password", {"password": "short1"}, "password", "too short"),
    ("common password", {"password": "password123"}, "password", "too common"),
    ("numeric password", {"password": "8473629105"}, "password", "entirely numeric"),
    ("password like email", {"email": "wonderful.volunteers@example.org",
                             "password": "wonderfulvolunteers"}, "password", "too similar"),
    ("unknown country", {"country": "XX"}, "country", "Select a valid choice"),
    ("unknown timezone", {"timezone": "Mars/Olympus"}, "timezone", "Select a valid choice"),
    ("unknown language", {"default_language": "fr"}, "default_language", "Select a valid choice"),
    ("latitude out of range", {"map_center_lat": "91"}, "map_center_lat", "less than or equal"),
    ("longitude not a number", {"map_center_lng": "west"}, "map_center_lng", "Enter a number"),
]


@pytest.mark.parametrize("case,overrides,field,message", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_refused_and_creates_nothing(client, alpha, case, overrides, field, message):
    before = snapshot()
    response = client.post("/", signup_data("newgroup") | overrides, **PLATFORM)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    assert snapshot() == before


def test_messages_come_in_spanish(client):
    response = client.post(
        "/", signup_data("www"), HTTP_ACCEPT_LANGUAGE="es", **PLATFORM
    )
    assert response.status_code == 400
    assert "Esta dirección está reservada" in response.context["form"].errors["slug"][0]


def test_signup_creates_a_live_group_and_logs_the_admin_in_on_its_host(client):
    response = client.post("/", signup_data("riverside"), **PLATFORM)
    assert response.status_code == 303
    url = urlsplit(response["Location"])
    assert url.hostname == f"riverside.{settings.PLATFORM_DOMAIN}"
    assert url.path.startswith("/welcome/")

    group = Group.objects.get(schema_name="riverside")
    assert group.name == "Riverside Mutual Aid"
    assert group.country.code == "GB"
    assert group.enabled_languages == ["en"]
    assert group.entitlements["plan"] == "free"
    assert group.get_primary_domain().domain == "riverside.localhost"

    # The platform host's session does not log anybody into the group: the token does.
    host = {"HTTP_HOST": url.hostname}
    assert client.get("/setup/", **host).status_code == 302
    landing = client.get(url.path, **host)
    assert landing.status_code == 302 and landing["Location"] == "/setup/"
    checklist = client.get("/setup/", **host)
    assert checklist.status_code == 200
    assert checklist.context["user"].email == "admin@riverside.example.org"
    assert checklist.context["user"].role == User.Role.ADMIN
    keys = [item.key for item in checklist.context["items"]]
    assert keys == ["email", "request_types", "forms", "languages", "branding", "retention",
                    "team", "priority", "impact"]

    # The token works once.
    client.logout()
    assert client.get(url.path, **host).status_code == 400


def test_blank_slug_is_suggested_from_the_name(client):
    data = signup_data("barrio") | {"slug": "", "group_name": "Barrio Norte: Ayuda Mutua!"}
    response = client.post("/", data, **PLATFORM)
    assert response.status_code == 303
    assert Group.objects.filter(schema_name="barrio-norte-ayuda-mutua").exists()


def test_signup_is_rate_limited_per_ip(client, settings):
    settings.SIGNUP_RATE = "2/h"
    for slug in ("first-one", "second-one"):
        assert client.post("/", signup_data(slug), REMOTE_ADDR="203.0.113.9",
                           **PLATFORM).status_code == 303
    before = snapshot()
    limited = client.post("/", signup_data("third-one"), REMOTE_ADDR="203.0.113.9", **PLATFORM)
    assert limited.status_code == 429
    assert "Too many signups" in limited.content.decode()
    assert snapshot() == before
    # Another address is not limited.
    assert client.post("/", signup_data("fourth-one"), REMOTE_ADDR="198.51.100.7",
                       **PLATFORM).status_code == 303


def test_sql_looking_text_is_stored_as_text(client):
    name = "Robert'); DROP TABLE tenancy_group; --"
    response = client.post("/", signup_data("bobby") | {"group_name": name}, **PLATFORM)
    assert response.status_code == 303
    assert Group.objects.get(schema_name="bobby").name == name
    assert Group.objects.filter(schema_name="alpha").exists()


def test_the_admin_verifies_their_email_on_the_groups_host(client, mailoutbox):
    import re

    response = client.post("/", signup_data("verifiers"), **PLATFORM)
    url = urlsplit(response["Location"])
    host = {"HTTP_HOST": url.hostname}
    client.get(url.path, **host)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["admin@verifiers.example.org"]
    link = re.search(r"https?://([^/\s]+)(/accounts/confirm-email/\S+/)", message.body)
    assert link.group(1) == "verifiers.localhost"
    assert client.post(link.group(2), **host).status_code == 302
    checklist = client.get("/setup/", **host)
    email_item = checklist.context["items"][0]
    assert email_item.key == "email" and email_item.done


def test_errors_are_tied_to_their_fields_for_screen_readers(client):
    response = client.post("/", signup_data("www"), **PLATFORM)
    html = response.content.decode()
    assert 'id="id_slug_error"' in html
    slug_input = re.search(r"<input[^>]*id=\"id_slug\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in slug_input
    assert 'aria-describedby="id_slug_help id_slug_error"' in slug_input
