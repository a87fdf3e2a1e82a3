"""Planning a request's day: the service's rules (each refusal changes nothing), the days
suggested nearby (ranked, one query through the partial index), and what the person asking
may see and choose (days only: nothing about anyone else)."""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.errors import Refused
from core.geo.cells import SEARCH_RESOLUTION, cell_for
from core.testing.people import PASSWORD
from core.tenancy.models import Group
from tenants.requests.models import PLANNED, HelpRequest, RequestEvent, RequestType
from tenants.requests.planning import (days_a_volunteer_comes_near, group_today,
                                       planned_days_near)
from tenants.requests.services import advance, plan_day, submit_request

pytestmark = pytest.mark.django_db
HERE = (51.5010, -0.1416)


def offset(km_north: float, km_east: float = 0.0) -> tuple[float, float]:
    """A point roughly km north and east of HERE (1° of latitude ≈ 111.2 km)."""
    return (HERE[0] + km_north / 111.2, HERE[1] + km_east / 69.4)


def a_request(where=HERE, code="shopping", *, day=None, status="open", volunteer=None,
              name="Rosa", **extra) -> HelpRequest:
    fields = {"type": RequestType.objects.get(code=code), "description": "Milk and bread",
              "person_name": name, "person_phone": "07700 900111", "postcode": "SW1A 1AA",
              **extra}
    if where is not None:
        fields |= {"lat": where[0], "lng": where[1], "cell": cell_for(*where)}
    request, _ = submit_request(fields=fields, submission_key=uuid.uuid4(), channel="phone")
    if day is not None:
        HelpRequest.objects.filter(pk=request.pk).update(scheduled_for=day)
    steps = {"new": [], "open": ["open"], "assigned": ["open", "assign"],
             "done": ["open", "assign", "complete"]}[status]
    for step in steps:
        advance(request_id=request.pk, step=step, actor=None,
                volunteer=volunteer if step == "assign" else None)
    return HelpRequest.objects.select_related("type").get(pk=request.pk)


def coordinator() -> User:
    return User.objects.get(role="coordinator")


def snapshot(request: HelpRequest) -> tuple:
    return (HelpRequest.objects.values().get(pk=request.pk),
            RequestEvent.objects.filter(request=request).count(),
            AuditEntry.objects.exclude(action="reveal").count())


# --- the service ------------------------------------------------------------------------

def test_planning_a_day_is_on_the_timeline_and_audited_and_keeps_the_status(in_alpha):
    request = a_request()
    day = group_today() + timedelta(days=3)
    planned = plan_day(request_id=request.pk, day=day, actor=coordinator())
    assert (planned.scheduled_for, planned.status) == (day, "open")
    event = request.events.last()
    assert (event.to_status, event.from_status, event.day, event.actor) == (
        PLANNED, "", day, coordinator())
    assert str(event.to_label) == "Planned for a day"
    audit = AuditEntry.objects.filter(action="request.plan", target_id=str(request.pk)).get()
    assert audit.actor_label == in_alpha.coordinator_email
    assert audit.data == {"from": None, "to": day.isoformat(), "by": "staff"}
    # The same day again changes nothing; clearing it is a change of its own.
    before = snapshot(request)
    plan_day(request_id=request.pk, day=day, actor=coordinator())
    assert snapshot(request) == before
    plan_day(request_id=request.pk, day=None, actor=coordinator())
    request.refresh_from_db()
    assert request.scheduled_for is None
    assert str(request.events.last().to_label) == "Planned day removed"


def test_a_planned_day_is_not_counted_as_a_claim(in_alpha):
    from tenants.matching.dispatch import weekly_load

    vera = User.objects.get(role="volunteer")
    request = a_request(status="assigned", volunteer=vera)
    RequestEvent.objects.filter(request=request).update(at=timezone.now() - timedelta(days=30))
    before = weekly_load().get(vera.pk, 0)
    plan_day(request_id=request.pk, day=group_today() + timedelta(days=1), actor=coordinator())
    assert weekly_load().get(vera.pk, 0) == before


@pytest.mark.parametrize("case,window,days_ahead,message", [
    ("past", {}, -1, "That day has passed"),
    ("too far ahead", {}, 400, "within the next year"),
    ("before the window", {"wanted_from": 5}, 2, "before the first day help is wanted"),
    ("after the window", {"wanted_until": 3}, 4, "after the last day help is wanted"),
])
def test_a_day_that_breaks_a_rule_is_refused_and_nothing_changes(in_alpha, case, window,
                                                                   days_ahead, message):
    today = group_today()
    request = a_request(**{k: today + timedelta(days=v) for k, v in window.items()})
    before = snapshot(request)
    with pytest.raises(Refused) as refused:
        plan_day(request_id=request.pk, day=today + timedelta(days=days_ahead),
                 actor=coordinator())
    assert message in str(refused.value.message)
    assert snapshot(request) == before


def test_closed_requests_keep_their_day(in_alpha):
    request = a_request(status="done", volunteer=User.objects.get(role="volunteer"))
    before = snapshot(request)
    with pytest.raises(Refused, match="closed"):
        plan_day(request_id=request.pk, day=group_today(), actor=coordinator())
    assert snapshot(request) == before


def test_the_person_may_choose_only_until_a_volunteer_has_it(in_alpha):
    request = a_request()
    plan_day(request_id=request.pk, day=group_today(), actor=None, by_requester=True)
    assert AuditEntry.objects.filter(action="request.plan").last().data["by"] == "requester"
    advance(request_id=request.pk, step="assign", actor=None,
            volunteer=User.objects.get(role="volunteer"))
    before = snapshot(request)
    with pytest.raises(Refused, match="A volunteer is already on it"):
        plan_day(request_id=request.pk, day=group_today() + timedelta(days=1), actor=None,
                 by_requester=True)
    assert snapshot(request) == before


# --- suggested days ---------------------------------------------------------------------

def test_days_with_more_stops_nearby_come_first_then_the_closer(in_alpha):
    today = group_today()
    d = {n: today + timedelta(days=n) for n in range(0, 40)}
    target = a_request(wanted_until=d[20])
    a_request(offset(0.3), day=d[1])  # one stop, very close
    a_request(offset(1.5), day=d[2])  # two stops, further
    a_request(offset(-1.4), day=d[2])
    a_request(offset(1.0), day=d[3])  # one stop, closer than day 2's
    a_request(offset(5.0), day=d[4])  # too far
    a_request(offset(0.2), "befriending", day=d[5])  # remote help goes nowhere
    a_request(offset(0.2), day=d[6], status="done",
              volunteer=User.objects.get(role="volunteer"))  # closed
    a_request(offset(0.2), day=today - timedelta(days=1))  # past
    a_request(offset(0.2), day=d[25])  # after the last day it is wanted
    a_request(None, day=d[7])  # place unknown
    days = planned_days_near(target)
    assert [(p.day, p.stops) for p in days] == [(d[2], 2), (d[1], 1), (d[3], 1)]
    assert days[1].nearest_km == pytest.approx(0.3, abs=0.1)
    assert days[0].volunteers == ()


def test_its_own_day_and_remote_or_unlocated_requests_get_no_suggestions(in_alpha):
    day = group_today() + timedelta(days=2)
    target = a_request(day=day)
    a_request(offset(0.5), day=day)
    assert [p.day for p in planned_days_near(target)] == [day]  # others only: one stop
    assert planned_days_near(target)[0].stops == 1
    assert planned_days_near(a_request(offset(0.1), "befriending")) == []
    assert planned_days_near(a_request(None)) == []


def test_suggestions_take_one_query_that_can_use_the_partial_index(in_alpha):
    target = a_request()
    a_request(offset(0.5), day=group_today() + timedelta(days=2))
    with CaptureQueriesContext(connection) as queries:
        planned_days_near(target)
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        # The table is tiny, so the planner would rather scan it; forbid that to see that
        # the query's conditions are ones the partial index answers.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "request_planned_idx" in plan


def test_the_person_sees_only_days_a_volunteer_already_comes_near(in_alpha):
    vera = User.objects.get(role="volunteer")
    today = group_today()
    target = a_request()
    for n in (5, 1, 3, 7):  # a volunteer is going on each of these days
        a_request(offset(0.4), day=today + timedelta(days=n), status="assigned", volunteer=vera)
    a_request(offset(0.4), day=today + timedelta(days=2))  # planned, nobody going yet
    assert days_a_volunteer_comes_near(target) == [today + timedelta(days=n) for n in (1, 3, 5)]


# --- the person's pages -----------------------------------------------------------------

def ask(client, host, **changes):
    data = {"type": RequestType.objects.get(code="shopping").pk, "description": "Milk",
            "person_name": "Rosa", "person_phone": "07700 900111", "urgency": "1",
            "recurrence": "once", "submission_key": str(uuid.uuid4())} | changes
    return client.post("/ask/", data, HTTP_HOST=host)


def test_the_ask_form_takes_a_preferred_day(client, in_alpha):
    day = group_today() + timedelta(days=4)
    response = ask(client, in_alpha.host, scheduled_for=day.isoformat())
    assert response.status_code == 302
    assert HelpRequest.objects.get(person_name="Rosa").scheduled_for == day


@pytest.mark.parametrize("changes,message", [
    ({"scheduled_for": "2001-01-01"}, "That day has passed"),
    ({"scheduled_for": "not a day"}, "Enter a valid date"),
    ({"wanted_until": "+2", "scheduled_for": "+5"}, "after the last day help is wanted"),
])
def test_a_preferred_day_that_cannot_be_is_explained(client, in_alpha, changes, message):
    today = group_today()
    changes = {k: (today + timedelta(days=int(v))).isoformat() if v.startswith("+") else v
               for k, v in changes.items()}
    count = HelpRequest.objects.count()
    response = ask(client, in_alpha.host, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert HelpRequest.objects.count() == count


def test_the_thanks_page_offers_days_and_says_nothing_about_anyone(client, in_alpha):
    vera = User.objects.get(role="volunteer")
    today = group_today()
    near = a_request(offset(0.4), day=today + timedelta(days=2), status="assigned",
                     volunteer=vera, name="Neighbour Nell", address="9 Secret Row")
    ask(client, in_alpha.host, postcode="")  # no postcode: placed by hand below
    mine = HelpRequest.objects.get(person_name="Rosa")
    HelpRequest.objects.filter(pk=mine.pk).update(
        lat=HERE[0], lng=HERE[1], cell=cell_for(*HERE),
        area_cell=cell_for(*HERE, SEARCH_RESOLUTION),
        location_status="located")
    page = client.get("/ask/thanks/", HTTP_HOST=in_alpha.host).content.decode()
    assert "Days when a volunteer is already coming near you" in page
    section = page.split('id="days-heading"')[1].split("</section>")[0]
    assert (today + timedelta(days=2)).strftime("%A") in section
    for secret in ("Neighbour Nell", "9 Secret Row", near.postcode, "km", "stop", vera.name):
        assert secret not in section
    assert not re.search(r"\b\d+ (people|requests|volunteers)\b", section)

    chosen = client.post("/ask/day/", {"day": (today + timedelta(days=2)).isoformat()},
                         HTTP_HOST=in_alpha.host, follow=True)
    assert "Thank you. We have noted" in chosen.content.decode()
    mine.refresh_from_db()
    assert mine.scheduled_for == today + timedelta(days=2)


def test_choosing_a_day_needs_their_own_request_and_a_good_day(client, in_alpha):
    assert client.post("/ask/day/", {"day": group_today().isoformat()},
                       HTTP_HOST=in_alpha.host).status_code == 302  # no request: back to /ask/
    ask(client, in_alpha.host)
    mine = HelpRequest.objects.get(person_name="Rosa")
    before = snapshot(mine)
    for bad in ("", "yesterday", (group_today() - timedelta(days=1)).isoformat()):
        page = client.post("/ask/day/", {"day": bad}, HTTP_HOST=in_alpha.host, follow=True)
        assert page.status_code == 200
        assert ("Choose a day from the list" in page.content.decode()
                or "That day has passed" in page.content.decode())
    assert snapshot(mine) == before


# --- the coordinator's page -------------------------------------------------------------

def login(client, group, email):
    client.post("/accounts/login/", {"login": email, "password": PASSWORD}, HTTP_HOST=group.host)
    connection.set_tenant(Group.objects.get(schema_name=group.slug))
    return client


def test_a_coordinator_plans_a_day_from_the_request_page(client, in_alpha):
    vera = User.objects.get(role="volunteer")
    day = group_today() + timedelta(days=2)
    target = a_request()
    a_request(offset(0.4), day=day, status="assigned", volunteer=vera)
    login(client, in_alpha, in_alpha.coordinator_email)
    page = client.get(f"/dispatch/{target.pk}/", HTTP_HOST=in_alpha.host).content.decode()
    assert "Plan a day" in page and "1 stop nearby" in page and vera.name in page
    response = client.post(f"/dispatch/{target.pk}/plan/", {"plan-day": day.isoformat()},
                           HTTP_HOST=in_alpha.host, follow=True)
    html = response.content.decode()
    assert "Planned for" in html and "Planned for a day" in html  # message, then timeline
    target.refresh_from_db()
    assert target.scheduled_for == day


@pytest.mark.parametrize("posted,message", [
    ({"plan-day": "31/02/2027"}, "That is not a date"),
    ({"plan-day": ""}, "Choose a day first"),
    ({"plan-day": "2001-01-01"}, "That day has passed"),
])
def test_a_bad_day_on_the_page_is_explained_and_changes_nothing(client, in_alpha, posted,
                                                                 message):
    target = a_request()
    login(client, in_alpha, in_alpha.coordinator_email)
    before = snapshot(target)
    response = client.post(f"/dispatch/{target.pk}/plan/", posted, HTTP_HOST=in_alpha.host,
                           follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(target) == before


def test_only_coordinators_plan(client, in_alpha):
    target = a_request()
    login(client, in_alpha, in_alpha.volunteer_email)
    response = client.post(f"/dispatch/{target.pk}/plan/",
                           {"plan-day": group_today().isoformat()}, HTTP_HOST=in_alpha.host)
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.scheduled_for is None
