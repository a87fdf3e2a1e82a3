"""The fleet's open data: each group's requests counted by week, kind and coarse area into
the public table; the public page, its downloads and the operators' page add them up across
groups, publish nothing under k (nor what would give it away), and never open a group's
schema."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.testing.people import PASSWORD
from mutualaid.console.services import create_operator
from mutualaid.opendata import tasks
from mutualaid.opendata.models import WeeklyCount
from tests.mutualaid.opendata.known_fleet import (
    ADDRESSES, LONDON_AREA, NAMES, POSTCODES, expected_rows, make_known_fleet, monday,
)

pytestmark = pytest.mark.django_db
PLATFORM = {"HTTP_HOST": "localhost"}


def iso(day) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def rows_of(slug: str) -> set:
    return {(r.week, r.type_code, r.area, r.requests)
            for r in WeeklyCount.objects.filter(group__schema_name=slug)}


@pytest.fixture
def counted(alpha, beta):
    make_known_fleet()
    tasks.collect()  # in-process here (no Redis): the dispatcher and each group's count
    return expected_rows()


def test_each_group_counts_its_requests_by_week_kind_and_coarse_area(counted):
    assert rows_of("alpha") == counted["alpha"]
    assert rows_of("beta") == counted["beta"]
    # This week's requests and those older than the window are not counted.
    assert not WeeklyCount.objects.filter(week=monday(0)).exists()


def test_a_group_s_count_replaces_its_rows_and_leaves_the_others(counted):
    from core.tenancy.models import Group
    from tenants.requests.models import HelpRequest

    connection.set_tenant(Group.objects.get(schema_name="beta"))
    HelpRequest.objects.filter(type__code="befriending").delete()
    connection.set_schema_to_public()
    tasks.count_group_requests.apply_async(group="beta").get()
    assert rows_of("beta") == counted["beta"] - {(monday(1), "befriending", "", 5)}
    assert rows_of("alpha") == counted["alpha"]


def test_the_published_figures_are_exact_and_nothing_under_k_is_given_away(client, counted):
    data = client.get("/open-data/open-data.json", **PLATFORM).json()
    w1, w2 = monday(1).isoformat(), monday(2).isoformat()
    weeks = {w["week_start"]: (w["requests"], w["suppressed"]) for w in data["weeks"]}
    assert len(weeks) == 52 and data["k"] == 5 and data["area_h3_resolution"] == 5
    assert weeks[w1] == (20, None) and weeks[w2] == (7, None)
    assert {v for week, v in weeks.items() if week not in (w1, w2)} == {(0, None)}
    assert data["total"] == {"requests": 27, "suppressed": None}
    # Combinations across groups: alpha's 6 and beta's 4 London shopping requests make 10;
    # 2 in Manchester and 3 prescriptions are under k and not listed.
    assert [(a["week"], a["kind"], a["area"], a["requests"]) for a in data["areas"]] == [
        (iso(monday(2)), "shopping", LONDON_AREA, 7),
        (iso(monday(1)), "befriending", None, 5),
        (iso(monday(1)), "shopping", LONDON_AREA, 10),
    ]
    # Kinds by week: prescriptions (3) are under k; week 1's shopping (12) would give them
    # away (20 - 12 - 5), so it is left out too; befriending (5) and week 2's shopping stay.
    assert [(kind["week"], kind["kind"], kind["requests"]) for kind in data["kinds"]] == [
        (iso(monday(2)), "shopping", 7), (iso(monday(1)), "befriending", 5)]


def test_the_downloads_say_the_same(client, counted):
    def table(name):
        response = client.get(f"/open-data/{name}.csv", **PLATFORM)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        return list(csv.DictReader(io.StringIO(response.content.decode())))

    weeks = {row["week_start"]: row["requests"] for row in table("weeks")}
    assert weeks[monday(1).isoformat()] == "20" and weeks[monday(2).isoformat()] == "7"
    assert [(r["week_start"], r["kind"], r["requests"]) for r in table("kinds")] == [
        (monday(2).isoformat(), "shopping", "7"), (monday(1).isoformat(), "befriending", "5")]
    areas = [(r["week_start"], r["kind"], r["area"], r["requests"]) for r in table("areas")]
    assert areas == [(monday(2).isoformat(), "shopping", LONDON_AREA, "7"),
                     (monday(1).isoformat(), "befriending", "", "5"),
                     (monday(1).isoformat(), "shopping", LONDON_AREA, "10")]
    assert client.get("/open-data/people.csv", **PLATFORM).status_code == 404


def test_the_public_page_shows_figures_and_never_a_person_or_small_count(client, counted):
    response = client.get("/open-data/", **PLATFORM)
    assert response.status_code == 200
    html = response.content.decode()
    for secret in [*NAMES, *ADDRESSES, *POSTCODES, "07700", "Alpha Mutual Aid", "alpha"]:
        assert secret not in html
    figures = [int(v) for v in re.findall(r'<data value="(\d+)" class="figure">', html)]
    assert 27 in figures and 20 in figures and 5 in figures
    assert all(v == 0 or v >= 5 for v in figures)
    assert 'caption' in html and 'role="img"' in html  # the chart, and its numbers as tables


def test_the_platform_home_page_links_to_it(client, counted):
    assert 'href="/open-data/"' in client.get("/", **PLATFORM).content.decode()


def test_spanish(client, counted):
    html = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="es", **PLATFORM).content.decode()
    assert '<html lang="es">' in html


def test_pages_read_the_public_table_only(client, counted):
    operator = create_operator(email="ops@platform.example.org", name="Olu Operator",
                               password=PASSWORD)
    ops = Client(**PLATFORM)
    ops.force_login(operator)
    for who, path in [(client, "/open-data/"), (client, "/open-data/open-data.json"),
                      (client, "/open-data/areas.csv"), (ops, "/operators/open-data/")]:
        from django.core.cache import cache

        cache.clear()  # cold: the aggregate query runs
        with CaptureQueriesContext(connection) as ctx:
            assert who.get(path, **PLATFORM).status_code == 200
        sql = [q["sql"] for q in ctx.captured_queries]
        assert any("opendata_weeklycount" in q for q in sql), path
        assert not any('"alpha"' in q or '"beta"' in q or "requests_helprequest" in q
                       for q in sql), path
        assert all("alpha" not in q and "beta" not in q
                   for q in sql if q.startswith("SET search_path")), path


def test_the_operators_page_is_for_operators(client, counted):
    response = client.get("/operators/open-data/", **PLATFORM)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    operator = create_operator(email="ops@platform.example.org", name="Olu Operator",
                               password=PASSWORD)
    ops = Client(**PLATFORM)
    ops.force_login(operator)
    assert 'href="/operators/open-data/"' in ops.get("/operators/", **PLATFORM).content.decode()
    page = ops.get("/operators/open-data/", **PLATFORM)
    assert page.status_code == 200
    assert page.context["collection"].reporting == 2
    assert page.context["data"].total.value == 27
