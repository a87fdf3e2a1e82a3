"""The group directory on the platform's home page: only groups whose admins opted in (and
are active), nearest first from a postcode, each with a link to its request form; and the
admins' opt-in page on the group's host."""

import pytest
from django.core.management import call_command
from django.db import connection

from core.audit.models import AuditEntry
from core.testing.people import PASSWORD
from core.tenancy.models import Group
from core.tenancy.provisioning import AdminSpec, GroupSpec, provision_group
from mutualaid.directory.services import set_listing

pytestmark = pytest.mark.django_db
PLATFORM = {"HTTP_HOST": "localhost"}
BIRMINGHAM_POSTCODE = "B1 0RN"  # in the synthetic GB sample, in Birmingham
CITIES = {"manchester": (53.4808, -2.2426), "birmingham": (52.4862, -1.8904),
          "glasgow": (55.8642, -4.2518), "cardiff": (51.4816, -3.1791)}


@pytest.fixture
def postcodes():
    call_command("load_postcodes", country="GB", sample=True, verbosity=0)


def group_in(city: str, *, listed: bool, **spec) -> Group:
    lat, lng = CITIES[city]
    result = provision_group(
        spec=GroupSpec(name=f"{city.title()} Mutual Aid", slug=f"{city}-aid",
                       country=spec.get("country", "GB"), timezone="Europe/London",
                       default_language="en", map_center_lat=lat, map_center_lng=lng),
        admin=AdminSpec(name="Ada", email=f"ada@{city}.example.org", password=PASSWORD))
    group = Group.objects.get(pk=result.group.pk)
    if listed:
        group = set_listing(group=group, listed=True, description=f"Neighbours in {city}.",
                            area=f"Central {city.title()}", actor=None)
    return group


def listing(group_slug: str, *, listed=True, area="Somewhere", description="") -> Group:
    return set_listing(group=Group.objects.get(schema_name=group_slug), listed=listed,
                       area=area, description=description, actor=None)


def found(response) -> list[str]:
    return [row["group"].slug for row in response.context["rows"]]


def test_only_listed_active_groups_nearest_first_from_a_postcode(client, alpha, beta, postcodes):
    listing("alpha", area="Westminster")  # London
    group_in("manchester", listed=True)
    group_in("birmingham", listed=True)
    group_in("glasgow", listed=False)
    cardiff = group_in("cardiff", listed=True)
    Group.objects.filter(pk=cardiff.pk).update(status=Group.Status.SUSPENDED)

    response = client.get("/groups/", {"postcode": BIRMINGHAM_POSTCODE, "country": "GB"},
                          **PLATFORM)
    assert response.status_code == 200
    assert found(response) == ["birmingham-aid", "manchester-aid", "alpha"]
    km = [row["group"].km for row in response.context["rows"]]
    assert km == sorted(km) and km[0] < 5 and 100 < km[1] < 130 and 150 < km[2] < 190
    html = response.content.decode()
    assert "Glasgow" not in html and "Beta Mutual Aid" not in html and "Cardiff" not in html
    assert 'href="http://birmingham-aid.localhost/ask/"' in html
    assert "Central Birmingham" in html and "Neighbours in birmingham." in html
    assert "English" in html and "about 1" in html  # languages, distance
    assert 'id="directory-map-data"' in html and "<script>" not in html.replace(
        '<script src=', "")


def test_without_a_postcode_the_directory_lists_the_country_on_a_map(client, alpha, beta):
    listing("beta", area="Camden")
    response = client.get("/groups/", **PLATFORM)
    assert response.status_code == 200
    assert found(response) == ["beta"] and b"about" not in response.content
    assert response.context["map"]["groups"][0]["name"] == "Beta Mutual Aid"


@pytest.mark.parametrize("postcode,message", [
    ("B99 9ZZ", "We could not find this postcode."),
    ("not a postcode", "This does not look like a postcode."),
])
def test_an_unknown_postcode_gets_a_clear_message(client, alpha, postcodes, postcode, message):
    listing("alpha")
    response = client.get("/groups/", {"postcode": postcode}, **PLATFORM)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert found(response) == ["alpha"]  # still the map of the country's groups


def test_an_empty_directory_says_so(client, alpha):
    response = client.get("/groups/", {"postcode": BIRMINGHAM_POSTCODE}, **PLATFORM)
    assert response.status_code == 200
    assert b"No groups are listed in the directory yet." in response.content
    assert found(response) == []


def test_the_platform_home_page_offers_the_search(client):
    html = client.get("/", **PLATFORM).content.decode()
    assert 'id="find-form"' in html and 'action="/groups/"' in html
    assert 'id="signup-form"' in html


def on_alpha(client, alpha, method="get", **data):
    try:
        return getattr(client, method)("/setup/directory/", data, HTTP_HOST=alpha.host)
    finally:
        connection.set_schema_to_public()


def login(client, alpha, email):
    client.post("/accounts/login/", {"login": email, "password": PASSWORD}, HTTP_HOST=alpha.host)
    connection.set_schema_to_public()


def test_admins_opt_in_on_their_groups_host_and_it_is_audited_there(client, alpha):
    login(client, alpha, alpha.admin_email)
    assert on_alpha(client, alpha).status_code == 200
    response = on_alpha(client, alpha, "post", listed="on", area=" Westminster ",
                        description="Shopping and  calls for neighbours.")
    assert response.status_code == 302
    group = Group.objects.get(schema_name="alpha")
    assert (group.listed_in_directory, group.directory_area, group.directory_description) == (
        True, "Westminster", "Shopping and calls for neighbours.")
    connection.set_tenant(group)
    entry = AuditEntry.objects.get(action="group.directory")  # in alpha's own log
    assert entry.actor.email == alpha.admin_email and entry.data == {"listed": True}
    connection.set_schema_to_public()
    assert not AuditEntry.objects.filter(action="group.directory").exists()

    on_alpha(client, alpha, "post", area="Westminster")  # unticked: leaves the directory
    assert not Group.objects.get(schema_name="alpha").listed_in_directory


def test_listing_needs_an_area_and_a_refusal_changes_nothing(client, alpha):
    login(client, alpha, alpha.admin_email)
    response = on_alpha(client, alpha, "post", listed="on", area=" ", description="Hi")
    assert response.status_code == 400
    assert b"Say which area you cover" in response.content
    group = Group.objects.get(schema_name="alpha")
    assert (group.listed_in_directory, group.directory_description) == (False, "")


@pytest.mark.parametrize("who", ["coordinator_email", "volunteer_email"])
def test_only_admins_reach_the_opt_in_page(client, alpha, who):
    login(client, alpha, getattr(alpha, who))
    assert on_alpha(client, alpha).status_code == 403
    assert on_alpha(client, alpha, "post", listed="on", area="X").status_code == 403
    assert not Group.objects.get(schema_name="alpha").listed_in_directory


def test_visitors_are_sent_to_sign_in(client, alpha):
    response = on_alpha(client, alpha)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
