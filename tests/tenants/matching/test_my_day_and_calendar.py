"""A volunteer's day (their stops in route order, the total shown, only what the privacy
engine lets them see) and their calendar feed (valid iCal, a secret URL whose reset kills the
old one, readable by no other group's host, no personal data in it)."""

import uuid
from datetime import time, timedelta

import pytest
from django.db import connection
from icalendar import Calendar

from core.audit.models import AuditEntry
from core.geo.cells import cell_for, distance_km
from core.geo.routes import best_order, distance_matrix, path_length
from core.testing.people import PASSWORD
from core.tenancy.models import Group
from tenants.matching import calendar
from tenants.matching.my_day import volunteer_day
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.planning import group_today
from tenants.requests.services import advance, submit_request
from tenants.volunteers.models import VolunteerProfile
from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

pytestmark = pytest.mark.django_db
HOME = (51.5010, -0.1416)
PLACES = [(51.5105, -0.1300), (51.4990, -0.1200), (51.5060, -0.1500), (51.5150, -0.1420)]
SECRETS = ("Grace Okafor", "12 Demo Gardens", "07700 900123", "4721", "Side door",
           "Weekly shop", "SW1A 1AA", "grace@example.org")


def vera(email="vera@example.org") -> VolunteerProfile:
    profile = register_volunteer(registration=Registration(
        name="Vera", email=email, password=PASSWORD,
        request_type_codes=["shopping", "befriending"], radius_km=10,
        availability=[(0, time(9), time(17))], location=(*HOME, cell_for(*HOME))))
    return move_volunteer(profile_id=profile.pk, move="approve", actor=None)


def task(user, where=None, *, code="shopping", day=None, status="assigned", **extra):
    fields = {"type": RequestType.objects.get(code=code),
              "description": "Weekly shop: bread and milk", "person_name": "Grace Okafor",
              "person_phone": "07700 900123", "person_email": "grace@example.org",
              "address": "12 Demo Gardens", "postcode": "SW1A 1AA",
              "access_notes": "Side door", "keysafe_code": "4721", **extra}
    if where is not None:
        fields |= {"lat": where[0], "lng": where[1], "cell": cell_for(*where)}
    request, _ = submit_request(fields=fields, submission_key=uuid.uuid4(), channel="phone")
    HelpRequest.objects.filter(pk=request.pk).update(scheduled_for=day)
    for step in {"open": ["open"], "assigned": ["open", "assign"],
                 "done": ["open", "assign", "complete"]}[status]:
        advance(request_id=request.pk, step=step, actor=None,
                volunteer=user if step == "assign" else None)
    return HelpRequest.objects.get(pk=request.pk)


def login(client, group, email):
    client.post("/accounts/login/", {"login": email, "password": PASSWORD}, HTTP_HOST=group.host)
    connection.set_tenant(Group.objects.get(schema_name=group.slug))
    return client


# --- the day ----------------------------------------------------------------------------

def test_the_day_is_a_route_from_home_never_longer_than_the_listed_order(in_alpha):
    me = vera()
    day = group_today() + timedelta(days=1)
    tasks = [task(me.user, place, day=day) for place in PLACES]
    plan = volunteer_day(user=me.user, day=day)
    order = [stop.task.pk for stop in plan.stops]
    assert sorted(order) == sorted(t.pk for t in tasks)
    dist = distance_matrix([HOME, *PLACES])
    best = best_order(dist)
    assert order == [tasks[node - 1].pk for node in best[1:]]
    assert plan.total_km == round(path_length(dist, best), 1)
    assert plan.total_km <= plan.listed_km
    assert plan.from_home
    first = plan.stops[0]
    assert first.leg_km == round(distance_km(HOME, (first.task.lat, first.task.lng)), 1)
    assert sum(s.leg_km for s in plan.stops) == pytest.approx(plan.total_km, abs=0.25)


def test_the_day_holds_only_that_days_live_tasks_of_this_volunteer(in_alpha):
    me, other = vera(), vera("otto@example.org")
    day = group_today() + timedelta(days=2)
    mine = task(me.user, PLACES[0], day=day)
    wanted = task(me.user, PLACES[1], wanted_from=day, wanted_until=day + timedelta(days=3))
    remote = task(me.user, PLACES[2], code="befriending", day=day)
    unplaced = task(me.user, None, day=day)
    task(me.user, PLACES[3], day=day + timedelta(days=1))  # another day
    task(me.user, PLACES[3], day=day, status="done")  # finished
    task(other.user, PLACES[3], day=day)  # someone else's
    task(me.user, PLACES[3])  # no day at all
    plan = volunteer_day(user=me.user, day=day)
    assert {s.task.pk for s in plan.stops} == {mine.pk, wanted.pk}
    assert {t.pk for t in plan.elsewhere} == {remote.pk, unplaced.pk}
    assert plan.undated == 1


def test_without_a_home_the_route_starts_at_a_stop(in_alpha):
    me = vera()
    VolunteerProfile.objects.filter(pk=me.pk).update(lat=None, lng=None)
    day = group_today()
    for place in PLACES[:3]:
        task(me.user, place, day=day)
    plan = volunteer_day(user=me.user, day=day)
    assert not plan.from_home and plan.stops[0].leg_km == 0
    dist = distance_matrix(PLACES[:3])
    shortest = min(path_length(dist, o) for o in
                   ([0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]))
    assert plan.total_km == round(shortest, 1)


def test_the_day_page_shows_the_stops_to_their_volunteer_and_audits_it(client, in_alpha):
    me = vera()
    day = group_today() + timedelta(days=1)
    stop = task(me.user, PLACES[0], day=day)
    login(client, in_alpha, "vera@example.org")
    page = client.get(f"/volunteer/day/?date={day.isoformat()}", HTTP_HOST=in_alpha.host)
    html = page.content.decode()
    assert page.status_code == 200
    assert "12 Demo Gardens" in html and "4721" in html and "km from home" in html
    reveal = AuditEntry.objects.filter(action="reveal", reason="volunteer's day").last()
    assert reveal.target_id == str(stop.pk) and "address" in reveal.fields
    # Once done, the details are gone from the day.
    advance(request_id=stop.pk, step="complete", actor=me.user)
    html = client.get(f"/volunteer/day/?date={day.isoformat()}",
                      HTTP_HOST=in_alpha.host).content.decode()
    assert "12 Demo Gardens" not in html and "Nothing planned for this day" in html


def test_a_bad_date_shows_today_with_a_message(client, in_alpha):
    vera()
    login(client, in_alpha, "vera@example.org")
    page = client.get("/volunteer/day/?date=31-31-2031", HTTP_HOST=in_alpha.host)
    assert page.status_code == 200
    assert "That is not a date: here is today." in page.content.decode()


def test_the_tasks_page_links_to_the_day(client, in_alpha):
    vera()
    login(client, in_alpha, "vera@example.org")
    html = client.get("/volunteer/tasks/", HTTP_HOST=in_alpha.host).content.decode()
    assert 'href="/volunteer/day/"' in html and "Make my calendar link" in html


# --- the calendar feed ------------------------------------------------------------------

def make_link(client, host) -> str:
    """Press "Make my calendar link" and read the URL the tasks page shows once."""
    response = client.post("/volunteer/calendar/", {"action": "new"}, HTTP_HOST=host,
                           follow=True)
    html = response.content.decode()
    url = html.split('id="calendar-url" type="text" readonly value="')[1].split('"')[0]
    again = client.get("/volunteer/tasks/", HTTP_HOST=host).content.decode()
    assert url not in again  # shown once: only its hash is kept
    return url.split(host, 1)[1]


def test_the_feed_is_valid_ical_with_only_safe_fields(client, in_alpha):
    me = vera()
    day = group_today() + timedelta(days=1)
    planned = task(me.user, PLACES[0], day=day)
    wanted = task(me.user, PLACES[1], wanted_from=day, wanted_until=day + timedelta(days=2))
    task(me.user, PLACES[2])  # no day: not in a calendar
    task(me.user, PLACES[3], day=day, status="done")  # done: gone
    login(client, in_alpha, "vera@example.org")
    path = make_link(client, in_alpha.host)
    client.logout()  # calendar apps cannot log in
    response = client.get(path, HTTP_HOST=in_alpha.host)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    cal = Calendar.from_ical(body)
    assert cal.name == "VCALENDAR"
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]) == calendar.PRODID
    assert "X-PUBLISHED-TTL:PT1H" in body and "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body
    events = cal.walk("VEVENT")
    assert len(events) == 2
    for event in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "URL"):
            assert prop in event, prop
    by_uid = {str(e["UID"]): e for e in events}
    one = by_uid[f"request-{planned.pk}@{in_alpha.host}"]
    assert one.decoded("DTSTART") == day and one.decoded("DTEND") == day + timedelta(days=1)
    assert str(one["LOCATION"]) == "Near SW1A"
    assert str(one["URL"]).endswith(f"/volunteer/day/?date={day.isoformat()}")
    two = by_uid[f"request-{wanted.pk}@{in_alpha.host}"]
    assert two.decoded("DTEND") == day + timedelta(days=3)
    unfolded = body.replace("\r\n ", "")
    for secret in SECRETS:
        assert secret not in unfolded, secret


def test_a_new_link_kills_the_old_one_and_stopping_kills_both(client, in_alpha):
    vera()
    login(client, in_alpha, "vera@example.org")
    old = make_link(client, in_alpha.host)
    new = make_link(client, in_alpha.host)
    assert old != new
    assert client.get(old, HTTP_HOST=in_alpha.host).status_code == 404
    assert client.get(new, HTTP_HOST=in_alpha.host).status_code == 200
    html = client.post("/volunteer/calendar/", {"action": "stop"}, HTTP_HOST=in_alpha.host,
                       follow=True).content.decode()
    assert "Your calendar feed is stopped" in html
    assert client.get(new, HTTP_HOST=in_alpha.host).status_code == 404
    assert AuditEntry.objects.filter(action__startswith="volunteer.calendar").count() == 3


def test_only_the_hash_is_stored(in_alpha):
    me = vera()
    token = calendar.new_calendar_link(user=me.user)
    stored = VolunteerProfile.objects.get(pk=me.pk).calendar_token_hash
    assert stored == calendar.hash_token(token) and token not in stored
    assert calendar.volunteer_for_token(token).pk == me.pk
    assert calendar.volunteer_for_token("") is None
    assert calendar.volunteer_for_token(token[:-1]) is None


def test_another_groups_host_cannot_read_the_feed(client, in_alpha, beta):
    vera()
    login(client, in_alpha, "vera@example.org")
    path = make_link(client, in_alpha.host)
    assert client.get(path, HTTP_HOST=in_alpha.host).status_code == 200
    assert client.get(path, HTTP_HOST=beta.host).status_code == 404


def test_someone_who_left_has_no_feed(client, in_alpha):
    me = vera()
    token = calendar.new_calendar_link(user=me.user)
    move_volunteer(profile_id=me.pk, move="leave", actor=None)
    assert client.get(f"/calendar/{token}.ics", HTTP_HOST=in_alpha.host).status_code == 404
