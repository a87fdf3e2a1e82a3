"""The fleet list: search, filters and pages over public tables only (never a group schema),
with totals and signups drawn as SVG charts that carry their numbers as text too."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.tenancy import blueprint
from core.tenancy.models import Domain, Group
from mutualaid.console.models import GroupUsage

pytestmark = pytest.mark.django_db
PLATFORM = {"HTTP_HOST": "localhost"}


def rows_only(n: int, *, prefix="row", **fields) -> list[Group]:
    """Group rows without schemas: the list reads rows only, so these stand in for a fleet."""
    groups = Group.objects.bulk_create(
        Group(schema_name=f"{prefix}-{i:05d}", name=f"{prefix.title()} group {i}",
              country=fields.get("country", "GB"), timezone="Europe/London",
              map_center_lat=51.5, map_center_lng=-0.1,
              **{k: v for k, v in fields.items() if k != "country"})
        for i in range(n))
    Domain.objects.bulk_create(
        Domain(domain=f"{g.schema_name}.{settings.PLATFORM_DOMAIN}", tenant=g, is_primary=True)
        for g in groups)
    return groups


def listed(ops, **params) -> list[str]:
    response = ops.get("/operators/", params, **PLATFORM)
    assert response.status_code == 200
    return [row["schema_name"] for row in response.context["page"].object_list]


def test_search_by_name_slug_or_domain(ops, alpha, beta):
    Domain.objects.create(domain="help.example.net", tenant=Group.objects.get(schema_name="beta"),
                          is_primary=False)
    assert listed(ops, q="Alpha Mutual") == ["alpha"]
    assert listed(ops, q="ALP") == ["alpha"]
    assert listed(ops, q="example.net") == ["beta"]
    assert listed(ops, q="nothing-like-this") == []


def test_filters_status_plan_country_and_signup_dates(ops, alpha, beta):
    Group.objects.filter(schema_name="beta").update(
        status=Group.Status.SUSPENDED, country="ES",
        entitlements={"plan": "community", "limits": {}})
    old = rows_only(1, prefix="old")[0]
    Group.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    assert listed(ops, status="suspended") == ["beta"]
    assert listed(ops, plan="community") == ["beta"]
    assert set(listed(ops, plan="free")) >= {"alpha", "old-00000"}
    assert "beta" not in listed(ops, plan="free")
    assert listed(ops, country="ES") == ["beta"]
    year_ago = (timezone.localdate() - timedelta(days=365)).isoformat()
    assert listed(ops, signed_up_to=year_ago) == ["old-00000"]
    assert "old-00000" not in listed(ops, signed_up_from=year_ago)


def test_filters_last_activity(ops, alpha, beta):
    now = timezone.now()
    for slug, days in (("alpha", 1), ("beta", 60)):
        GroupUsage.objects.create(group=Group.objects.get(schema_name=slug), collected_at=now,
                                  last_activity_at=now - timedelta(days=days))
    quiet = rows_only(1, prefix="quiet")[0]  # never measured
    assert listed(ops, activity="week") == ["alpha"]
    assert set(listed(ops, activity="quiet")) >= {"beta", quiet.schema_name}
    assert "alpha" not in listed(ops, activity="quiet")
    assert listed(ops, activity="never", q="quiet") == [quiet.schema_name]




@pytest.mark.parametrize("recorded_by", ["usage task", "fleet migrations"])
def test_filters_migration_state(ops, alpha, beta, monkeypatch, recorded_by):
    """States come from the fleet-migrations app when installed, else from the fingerprint
    each group's usage task records; the page reads the same either way."""
    from mutualaid.console import schema_state

    now = timezone.now()
    old = "an-older-migration-state"
    if recorded_by == "usage task":
        monkeypatch.setattr(schema_state, "_lagging", lambda: None)
        for slug, fingerprint in (("alpha", blueprint.current_fingerprint()), ("beta", old)):
            GroupUsage.objects.create(group=Group.objects.get(schema_name=slug),
                                      schema_fingerprint=fingerprint, collected_at=now)
    else:
        from core.tenancy.fleet_migrations.models import GroupMigrationState

        for slug, fingerprint in (("alpha", blueprint.current_fingerprint()), ("beta", old)):
            GroupMigrationState.objects.update_or_create(
                group=Group.objects.get(schema_name=slug), defaults={"fingerprint": fingerprint})
    quiet = rows_only(1, prefix="quiet")[0]  # never checked
    assert "alpha" in listed(ops, schema="current") and "beta" not in listed(ops, schema="current")
    assert listed(ops, schema="behind") == ["beta"]
    assert listed(ops, schema="unknown", q="quiet") == [quiet.schema_name]
    page = ops.get("/operators/", {"q": "a"}, **PLATFORM)
    states = {row["schema_name"]: row["schema"] for row in page.context["page"].object_list}
    assert (states["alpha"], states["beta"], states[quiet.schema_name]) == (
        "current", "behind", "unknown")
    assert ops.get("/operators/groups/beta/", **PLATFORM).context["page"].schema == "behind"


def test_the_list_is_paged_and_keeps_its_filters(ops, alpha):
    rows_only(120, prefix="page")
    first = ops.get("/operators/", {"q": "page-"}, **PLATFORM)
    assert first.context["page"].paginator.count == 120
    assert len(first.context["page"].object_list) == 50
    assert b"Page 1 of 3" in first.content and b"q=page-&amp;page=2" in first.content
    third = listed(ops, q="page-", page=3)
    assert len(third) == 20 and third[-1] == "page-00000"  # newest first, oldest last


def test_bad_filters_get_a_message_not_a_500(ops, alpha):
    response = ops.get("/operators/", {"signed_up_from": "2026-05-01",
                                       "signed_up_to": "2026-01-01", "status": "nonsense",
                                       "page": "x"}, **PLATFORM)
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"signed_up_to", "status"}
    assert b"The end date is before the start date." in response.content


def test_a_page_never_opens_a_group_schema_and_its_queries_do_not_grow_with_the_fleet(
        ops, alpha, beta):
    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert ops.get("/operators/", {"q": "a"}, **PLATFORM).status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    small = queries()
    rows_only(300, prefix="grow")
    large = queries()
    assert len(large) == len(small)
    switches = [q for q in large if q.startswith("SET search_path")]
    assert all("public" in q and "alpha" not in q and "grow" not in q for q in switches)


def test_totals_and_signups_are_charts_with_their_numbers(ops, alpha, beta):
    now = timezone.now()
    for slug, requests, volunteers in (("alpha", 5, 2), ("beta", 3, 1)):
        GroupUsage.objects.create(group=Group.objects.get(schema_name=slug), requests_week=requests,
                                  volunteers_week=volunteers, last_activity_at=now,
                                  collected_at=now)
    response = ops.get("/operators/", **PLATFORM)
    totals = response.context["totals"]["totals"]
    assert (totals.requests_week, totals.volunteers_week, totals.active_groups) == (8, 3, 2)
    assert totals.groups == Group.objects.count()
    html = response.content.decode()
    assert html.count('<svg class="chart-svg"') == 2 and 'role="img"' in html
    assert "<desc" in html and "Requests this week: 8" in html
    signups = response.context["signups"]
    assert len(signups.bars) == 12 and signups.bars[-1].value == Group.objects.filter(
        created_at__date__gte=timezone.localdate() - timedelta(
            days=timezone.localdate().weekday())).count()
    assert 'style="' not in html  # the CSP allows no inline styles
