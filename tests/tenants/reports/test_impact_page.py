"""The group's public impact page and its embeddable summary: off until an admin publishes
them; the dashboard's headline figures with nothing under k shown (nor what would give it
away), a map of disjoint areas each holding k; never a name, address, postcode, point or small
count; the summary may be framed by any site, the rest of the group's pages by none."""

import json
import re
import uuid

import h3
import pytest
from django.db import connection
from django.test import Client
from django.utils.formats import date_format

from core.audit.models import AuditEntry
from core.geo.cells import PUBLIC_RESOLUTION, SEARCH_RESOLUTION, cell_for
from core.testing.people import PASSWORD
from core.tenancy.models import Group
from tenants.requests.models import RequestType
from tenants.requests.services import advance, submit_request

pytestmark = pytest.mark.django_db
K = 5

LONDON = (51.5072, -0.1276)
# A point in a neighbouring resolution-7 cell under the same resolution-6 parent.
_SIBLING_CELL = next(c for c in h3.cell_to_children(
    h3.cell_to_parent(cell_for(*LONDON, SEARCH_RESOLUTION), PUBLIC_RESOLUTION - 1),
    PUBLIC_RESOLUTION) if c != cell_for(*LONDON, SEARCH_RESOLUTION))
NEARBY = h3.cell_to_latlng(_SIBLING_CELL)
MANCHESTER = (53.4808, -2.2426)
PEOPLE = [("Rosa Quintero", "17 Larkspur Gardens", "SW1A 2AA", "07700 900111"),
          ("Bartholomew Okonkwo-Smith", "Flat 9, Wexley Court", "SW1A 1AA", "07700 900222")]
SECRETS = [part for person in PEOPLE for part in person] + [
    "Milk and bread for Tuesday", "key safe", str(LONDON[1]), str(MANCHESTER[1])]


def ask(code="shopping", place=LONDON, steps=()):
    """A request through the intake service, then along its life cycle."""
    name, address, postcode, phone = PEOPLE[len(steps) % 2]
    fields = {"type": RequestType.objects.get(code=code),
              "description": "Milk and bread for Tuesday", "person_name": name,
              "person_phone": phone, "access_notes": "key safe by the door"}
    if place:
        fields.update(lat=place[0], lng=place[1], address=address, postcode=postcode)
    request, _ = submit_request(fields=fields, submission_key=uuid.uuid4(), channel="phone")
    for step in steps:
        advance(request_id=request.pk, step=step, actor=None)
    return request


DONE = ("open", "assign", "complete")


def publish(alpha, on=True):
    Group.objects.filter(schema_name=alpha.slug).update(public_impact_page=on)
    from django.core.cache import cache

    cache.clear()  # routing caches the group row (the service forgets it after its commit)


def page(client, alpha, path="/impact/", **params):
    response = client.get(path, params, HTTP_HOST=alpha.host)
    return response, response.content.decode()


def published_figures(html) -> list[int]:
    return [int(v) for v in re.findall(r'<data value="(\d+)" class="figure">', html)]


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";"))}


def hidden_labels(html) -> list[str]:
    return re.findall(r'<span class="figure suppressed">([^<]*)</span>', html)


def map_data(html) -> dict:
    found = re.search(r'<script id="impact-map-data" type="application/json">(.*?)</script>',
                      html, re.S)
    return json.loads(found.group(1)) if found else {"areas": []}


def test_both_pages_are_a_404_until_an_admin_publishes_them(client, alpha, in_alpha):
    ask(steps=DONE)
    for path in ("/impact/", "/impact/embed/"):
        assert page(client, alpha, path)[0].status_code == 404
    assert 'href="/impact/"' not in page(client, alpha, "/")[1]
    publish(alpha)
    for path in ("/impact/", "/impact/embed/"):
        assert page(client, alpha, path)[0].status_code == 200
    assert 'href="/impact/"' in page(client, alpha, "/")[1]  # the home page links to it
    publish(alpha, on=False)
    assert page(client, alpha)[0].status_code == 404


def test_only_admins_publish_it_and_it_is_audited(client, alpha, in_alpha,
                                                  django_capture_on_commit_callbacks):
    assert client.get("/setup/impact/", HTTP_HOST=alpha.host).status_code == 302  # log in
    client.post("/accounts/login/", {"login": alpha.coordinator_email, "password": PASSWORD},
                HTTP_HOST=alpha.host)
    assert client.post("/setup/impact/", {"published": "on"},
                       HTTP_HOST=alpha.host).status_code == 403
    assert not Group.objects.get(schema_name=alpha.slug).public_impact_page

    admin = Client()
    admin.post("/accounts/login/", {"login": alpha.admin_email, "password": PASSWORD},
               HTTP_HOST=alpha.host)
    form = admin.get("/setup/impact/", HTTP_HOST=alpha.host).content.decode()
    assert 'name="published"' in form and "<iframe" not in form  # no snippet while off
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/setup/impact/", {"published": "on"}, HTTP_HOST=alpha.host)
    assert response.status_code == 302
    assert Group.objects.get(schema_name=alpha.slug).public_impact_page
    entry = AuditEntry.objects.get(action="group.impact_page")
    assert entry.data == {"published": True} and entry.actor.email == alpha.admin_email
    # The snippet to copy, with the summary's address on this host.
    setup = admin.get("/setup/impact/", HTTP_HOST=alpha.host).content.decode()
    assert (f'&lt;iframe src=&quot;http://{alpha.host}/impact/embed/&quot; title=&quot;'
            f'Alpha Mutual Aid: what we do&quot;') in setup
    assert client.get("/impact/", HTTP_HOST=alpha.host).status_code == 200  # routing knows
    # The checklist ticks it off.
    checklist = admin.get("/setup/", HTTP_HOST=alpha.host)
    [item] = [i for i in checklist.context["items"] if i.key == "impact"]
    assert item.done and item.url == "/setup/impact/"


@pytest.mark.parametrize("done", [K - 1, K])
def test_a_figure_under_k_reads_fewer_than_k_and_is_shown_from_k(client, alpha, in_alpha, done):
    for _ in range(10):
        ask(steps=("open",))
    for _ in range(done):
        ask(steps=DONE)
    publish(alpha)
    response, html = page(client, alpha)
    figures = response.context["data"].figures
    assert figures["received"].value == 10 + done
    if done < K:
        assert figures["done"].small and figures["done"].value is None
        # 14 - 10 would tell the 4: the 10 open ones are not shown either.
        assert figures["open"].value is None and not figures["open"].small
        assert hidden_labels(html) == ["fewer than 5", "not shown"]  # done, open
        assert published_figures(html) == [14, 0, 0, 14]  # received, 2 zeros, the area
    else:
        assert (figures["done"].value, figures["open"].value) == (K, 10)
        assert hidden_labels(html) == []
        assert published_figures(html) == [15, K, 10, 0, 0, 15]


def test_no_name_address_postcode_point_or_small_count_on_either_page(client, alpha, in_alpha):
    # 3 + 3 done in two neighbouring cells, 5 remote calls done, 1 open far away.
    for _ in range(3):
        ask(steps=DONE)
        ask(place=NEARBY, steps=DONE)
    for _ in range(5):
        ask(code="befriending", place=None, steps=DONE)
    ask(place=MANCHESTER, steps=("open",))
    publish(alpha)
    for path in ("/impact/", "/impact/embed/"):
        response, html = page(client, alpha, path)
        assert response.status_code == 200
        for secret in SECRETS:
            assert secret not in html, (path, secret)
        assert all(n == 0 or n >= K for n in published_figures(html)), path
        assert sorted(hidden_labels(html)) == ["fewer than 5", "not shown"], path
    response, html = page(client, alpha)
    figures = response.context["data"].figures
    # 12 received = 1 open (fewer than 5) + 11 done: the 11 would tell the 1, so it is not
    # shown; the zeros are.
    assert {name: f.value for name, f in figures.items()} == {
        "received": 12, "open": None, "done": None, "could_not_help": 0, "cancelled": 0}
    assert figures["open"].small and not figures["done"].small
    # The map: one area where the two quiet cells were merged (never one inside the other),
    # holding 6; the lone far request is not drawn; areas are outlines, never points.
    [area] = map_data(html)["areas"]
    assert area["requests"] == 6 and area["mark"] == "A" and len(area["outline"]) >= 5
    [drawn] = response.context["data"].areas
    assert h3.get_resolution(drawn.cell) == PUBLIC_RESOLUTION - 1
    assert drawn.cell == h3.cell_to_parent(cell_for(*LONDON, SEARCH_RESOLUTION),
                                           PUBLIC_RESOLUTION - 1)
    assert "<caption>Requests by area on the map</caption>" in html
    assert published_figures(html) == [12, 0, 0, 6]


def test_requests_off_the_map_that_would_give_a_small_count_away_hide_the_area(
        client, alpha, in_alpha):
    for _ in range(6):
        ask(steps=DONE)
    for _ in range(2):
        ask(code="befriending", place=None, steps=DONE)  # 8 received - 6 on the map = 2
    publish(alpha)
    response, html = page(client, alpha)
    assert response.context["data"].figures["received"].value == 8
    assert response.context["data"].areas == []
    assert 'id="impact-map"' not in html and "Not enough requests yet" in html


def test_the_summary_may_be_framed_by_any_site_and_the_rest_by_none(client, alpha, in_alpha):
    ask(steps=DONE)
    publish(alpha)
    embed, html = page(client, alpha, "/impact/embed/")
    policy = directives(embed)
    assert policy["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in embed.headers
    assert policy["script-src"] == ["'self'"] and policy["default-src"] == ["'self'"]
    assert not embed.cookies  # nothing set inside other sites' pages
    assert "<form" not in html and "<script" not in html
    assert f'href="http://{alpha.host}/impact/" target="_blank" rel="noopener"' in html
    for path in ("/impact/", "/", "/setup/impact/"):
        other = client.get(path, HTTP_HOST=alpha.host)
        assert other.headers["X-Frame-Options"] == "DENY"
        assert directives(other)["frame-ancestors"] == ["'none'"]


def test_a_period_not_offered_gets_a_message_and_the_default(client, alpha, in_alpha):
    ask(steps=DONE)
    publish(alpha)
    for bad in ("7", "lots"):
        response, html = page(client, alpha, weeks=bad)
        assert response.status_code == 200
        assert "Choose one of the periods in the list." in html
        assert response.context["data"].period.weeks == 12
    response, html = page(client, alpha, weeks="52")
    assert response.context["data"].period.weeks == 52
    first = response.context["data"].period.mondays[0]
    assert f"Since the week of {date_format(first, 'DATE_FORMAT')}</h2>" in html
    embed, _html = page(client, alpha, "/impact/embed/", weeks="4")
    assert embed.context["data"].period.weeks == 4


def test_medians_only_with_k_requests_done(client, alpha, in_alpha):
    for _ in range(K - 1):
        ask(steps=DONE)
    publish(alpha)
    _response, html = page(client, alpha)
    assert "Typical time until done" not in html
    from django.core.cache import cache

    ask(steps=DONE)
    cache.clear()
    _response, html = page(client, alpha)
    assert "Typical time until done" in html and "Typical time to find a volunteer" in html


def test_in_spanish_when_the_group_offers_it(client, alpha, in_alpha):
    ask(steps=("open",))
    Group.objects.filter(schema_name=alpha.slug).update(enabled_languages=["en", "es"])
    publish(alpha)
    for path in ("/impact/", "/impact/embed/"):
        _response, html = page(client, alpha, path)
        assert '<html lang="en">' in html
        response = client.get(path, HTTP_HOST=alpha.host, HTTP_ACCEPT_LANGUAGE="es")
        html = response.content.decode()
        # One request: received and open read "fewer than 5", in Spanish.
        assert '<html lang="es">' in html and hidden_labels(html) == ["menos de 5"] * 2
    connection.set_schema_to_public()
