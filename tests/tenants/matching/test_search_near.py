"""Nearby requests and suggestions read only what is near (cells, boxes, a few loads), yet
answer exactly as reading everything would: each is checked against a full scan."""

import random
import uuid
from datetime import date, time, timedelta
from math import asin, atan2, cos, degrees, pi, radians, sin

import pytest
from django.db.models import Q

from core.accounts.models import User
from core.geo.cells import SEARCH_RESOLUTION, cell_for, distance_km, fuzzed_cell
from core.testing.people import PASSWORD
from tenants.matching import dispatch
from tenants.matching.selectors import EARTH_RADIUS_KM, nearby_open_requests, within_box
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import advance, submit_request
from tenants.volunteers.models import VolunteerProfile
from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

HOME = (51.5010, -0.1416)
TODAY = date(2026, 11, 23)


def destination(start, km, bearing):
    """The point `km` along a great circle from `start`, heading `bearing` radians."""
    lat1, lng1, d = radians(start[0]), radians(start[1]), km / EARTH_RADIUS_KM
    lat2 = asin(sin(lat1) * cos(d) + cos(lat1) * sin(d) * cos(bearing))
    lng2 = lng1 + atan2(sin(bearing) * sin(d) * cos(lat1), cos(d) - sin(lat1) * sin(lat2))
    return degrees(lat2), (degrees(lng2) + 540) % 360 - 180


def holds(q: Q, row: dict) -> bool:
    """Whether a Q of plain __gte/__lte comparisons holds for `row`."""
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(holds(child, row))
        else:
            lookup, bound = child
            name, op = lookup.split("__")
            results.append(row[name] >= bound if op == "gte" else row[name] <= bound)
    result = all(results) if q.connector == Q.AND else any(results)
    return not result if q.negated else result


def test_the_box_holds_every_point_within_reach_anywhere_on_earth():
    rng = random.Random(7)
    centres = [(rng.uniform(-89.9, 89.9), rng.uniform(-180, 180)) for _ in range(300)]
    centres += [(89.99, 10.0), (-89.99, -170.0), (0.0, 179.999), (-17.0, -179.99), (60, 0)]
    for centre in centres:
        km = rng.choice([0.1, 1, 5, 10, 50, 100])
        box = within_box(*centre, km)
        for step in range(24):
            point = destination(centre, km * rng.choice([1.0, rng.random()]), step * pi / 12)
            if distance_km(centre, point) <= km:
                assert holds(box, {"lat": point[0], "lng": point[1]}), (centre, km, point)


pytestmark = pytest.mark.django_db


def opened(where, code="shopping", urgency=1, wanted=None, open_it=True):
    fields = {"type": RequestType.objects.get(code=code), "description": f"{code} help",
              "person_name": "Rosa", "person_phone": "1", "urgency": urgency}
    if where is not None:
        fields |= {"lat": where[0], "lng": where[1], "cell": cell_for(*where)}
    if wanted:
        fields |= {"wanted_from": wanted[0], "wanted_until": wanted[1]}
    request, _ = submit_request(fields=fields, submission_key=uuid.uuid4(), channel="phone")
    return advance(request_id=request.pk, step="open", actor=None) if open_it else request


def volunteer(email, where, *, types=("shopping",), radius=3.0, vetting=0, cap=3, active=True):
    profile = register_volunteer(registration=Registration(
        name=email.split("@")[0].title(), email=email, password=PASSWORD,
        request_type_codes=list(types), radius_km=radius, max_per_week=cap,
        availability=[(d, time(9), time(17)) for d in range(7)],
        location=(*where, cell_for(*where)) if where is not None else None))
    VolunteerProfile.objects.filter(pk=profile.pk).update(vetting_level=vetting)
    if active:
        move_volunteer(profile_id=profile.pk, move="approve",
                       actor=User.objects.get(role="coordinator"))
    return VolunteerProfile.objects.select_related("user").get(pk=profile.pk)


def scan_nearby(profile, km=None, type_code="", day=None, order="distance"):
    """Every open request the volunteer may do, measured one by one (as before the cells)."""
    if profile.status != VolunteerProfile.Status.ACTIVE:
        return []
    radius = min(km or profile.radius_km, profile.radius_km)
    types = profile.request_types.filter(active=True, vetting_level__lte=profile.vetting_level)
    if type_code:
        types = types.filter(code=type_code)
    found = []
    for r in (HelpRequest.objects.filter(status="open", type__in=types).select_related("type")
              .order_by("-urgency", "created_at")):
        if day and ((r.wanted_from and r.wanted_from > day)
                    or (r.wanted_until and r.wanted_until < day)):
            continue
        if r.type.mode == RequestType.Mode.REMOTE:
            found.append((r.pk, None, "", r.urgency, r.get_urgency_display()))
        elif profile.lat is not None and r.lat is not None:
            d = distance_km((profile.lat, profile.lng), (r.lat, r.lng))
            if d <= radius:
                found.append((r.pk, max(0.5, round(d * 2 + 0.5) / 2),
                              blurred(fuzzed_cell(r.lat, r.lng).cell), r.urgency,
                              r.get_urgency_display()))
    if order == "urgency":
        return sorted(found, key=lambda r: (-r[3], r[1] or 0))
    return sorted(found, key=lambda r: (r[1] or 0, -r[3]))


def blurred(cell):
    """The area shown for a cell: its smallest ancestor holding k requests or volunteers'
    homes, counted here row by row."""
    import h3
    from django.conf import settings

    homes = [r.area_cell for r in HelpRequest.objects.exclude(area_cell="")]
    homes += [v.area_cell for v in VolunteerProfile.objects.exclude(area_cell="")]
    for resolution in range(7, 3, -1):
        ancestor = h3.cell_to_parent(cell, resolution)
        if resolution == 4 or sum(h3.cell_to_parent(h, resolution) == ancestor
                                  for h in homes) >= settings.PRIVACY_MIN_COUNT:
            return ancestor


def test_nearby_answers_as_a_full_scan_would(in_alpha):
    rng = random.Random(11)
    codes = ["shopping", "shopping", "befriending", "childcare", "dog_walking", "other"]
    for i in range(70):
        km = rng.choice([rng.uniform(0, 7), 4.0 - 1e-4, 4.0 + 1e-4, 2.0 - 1e-4, 2.0 + 1e-4])
        wanted = None
        if rng.random() < 0.4:
            start = TODAY + timedelta(days=rng.randint(-3, 3))
            wanted = (start, start + timedelta(days=rng.randint(0, 3)))
        opened(destination(HOME, km, rng.uniform(0, 2 * pi)), code=rng.choice(codes),
               urgency=rng.randint(0, 3), wanted=wanted, open_it=rng.random() < 0.85)
    opened(None)  # open, but not placed yet: never near anyone
    vera = volunteer("vera@example.org", HOME, radius=4.0, vetting=1,
                     types=("shopping", "befriending", "childcare", "other"))
    asked = [{}, {"km": 2}, {"order": "urgency"}, {"type_code": "other"},
             {"day": TODAY}, {"km": 2, "order": "urgency", "day": TODAY + timedelta(days=1)}]
    for kwargs in asked:
        rows = nearby_open_requests(profile=vera, **kwargs)
        assert [(r.id, r.km, r.area, r.urgency, r.urgency_label) for r in rows] \
            == scan_nearby(vera, **kwargs), kwargs
        for limit in (1, 7, 20):  # a page of it is the start of the whole list
            assert [r.id for r in nearby_open_requests(profile=vera, limit=limit, **kwargs)] \
                == [r[0] for r in scan_nearby(vera, **kwargs)[:limit]], (kwargs, limit)
    assert any(r.km is None for r in nearby_open_requests(profile=vera))  # remote help
    assert len(nearby_open_requests(profile=vera, km=2)) < len(nearby_open_requests(profile=vera))


def test_nearby_finds_requests_across_the_antimeridian_and_by_the_pole(in_alpha):
    for here, there in [((-17.0, 179.99), (-17.0, -179.99)), ((89.995, 0.0), (89.995, 180.0))]:
        request = opened(there)
        profile = volunteer(f"v{here[0]}@example.org", here, radius=3.0)
        assert [r.id for r in nearby_open_requests(profile=profile)] == [request.pk]
        assert [s.profile.pk for s in dispatch.suggestions(request)] == [profile.pk]
        HelpRequest.objects.filter(pk=request.pk).update(status="cancelled")
        VolunteerProfile.objects.filter(pk=profile.pk).update(status="left")


def scan_suggestions(request, limit):
    """(profile id, km, tasks this week) of every eligible volunteer, ranked: nearest (an unknown place last), then least busy."""
    load = dispatch.weekly_load()
    in_person = request.type.mode == RequestType.Mode.IN_PERSON
    found = []
    for p in VolunteerProfile.objects.filter(
            status="active", request_types=request.type,
            vetting_level__gte=request.type.vetting_level).order_by("pk"):
        km = None if None in (p.lat, p.lng, request.lat, request.lng) \
            else distance_km((p.lat, p.lng), (request.lat, request.lng))
        if in_person and km is not None and km > p.radius_km:
            continue
        busy = load.get(p.user_id, 0)
        if busy < p.max_per_week:
            found.append((p.pk, km if in_person else None, busy))
    found.sort(key=lambda s: (s[1] if s[1] is not None else float("inf"), s[2]))
    return found[:limit]


@pytest.fixture
def neighbourhood(in_alpha):
    """Volunteers scattered around HOME, some busy this week, some far, one with no place."""
    rng = random.Random(5)
    people = []
    for i in range(22):
        where = destination(HOME, rng.uniform(0, 12), rng.uniform(0, 2 * pi))
        people.append(volunteer(
            f"v{i}@example.org", where, radius=rng.choice([1, 2, 3, 5, 8, 10]),
            types=rng.sample(["shopping", "befriending", "childcare", "transport"], 2),
            vetting=rng.choice([0, 1, 2]), cap=rng.choice([1, 2, 3])))
    people.append(volunteer("nowhere@example.org", None, types=("shopping", "befriending")))
    people.append(volunteer("driver@example.org", destination(HOME, 60, 1.0), radius=80,
                            types=("shopping",)))  # past the cells: found by their radius
    people.append(volunteer("paused@example.org", HOME, active=False))
    legacy = volunteer("legacy@example.org", destination(HOME, 1, 2.0), radius=5)
    VolunteerProfile.objects.filter(pk=legacy.pk).update(area_cell="")  # before the cells
    # Tasks this week: some are at their weekly limit.
    coordinator = User.objects.get(role="coordinator")
    for person in rng.sample(people[:22], 10):
        for _ in range(rng.choice([1, 2])):
            task = opened(destination(HOME, 30, 0.0))
            advance(request_id=task.pk, step="assign", actor=coordinator, volunteer=person.user)
    return people


@pytest.mark.parametrize("batch", [dispatch.LOAD_BATCH, 1])
def test_suggestions_answer_as_a_full_scan_would(neighbourhood, monkeypatch, batch):
    monkeypatch.setattr(dispatch, "LOAD_BATCH", batch)
    monkeypatch.setattr(dispatch, "PAGE", 3 if batch == 1 else dispatch.PAGE)
    rng = random.Random(3)
    requests = [opened(destination(HOME, rng.uniform(0, 9), rng.uniform(0, 2 * pi)),
                       code=rng.choice(["shopping", "childcare", "transport"]))
                for _ in range(8)]
    requests += [opened(HOME, code="befriending"), opened(None), opened(HOME)]
    for request in requests:
        request = HelpRequest.objects.select_related("type").get(pk=request.pk)
        for limit in (1, 3, 5, 50):
            found = dispatch.suggestions(request, limit=limit)
            assert [(s.profile.pk, s.km, s.reasons[-1]) for s in found] == [
                (pk, km, f"{busy} of {VolunteerProfile.objects.get(pk=pk).max_per_week} "
                         f"tasks this week")
                for pk, km, busy in scan_suggestions(request, limit)], (request.pk, limit)
    far = HelpRequest.objects.select_related("type").get(pk=requests[-1].pk)
    emails = [s.profile.user.email for s in dispatch.suggestions(far, limit=50)]
    assert {"driver@example.org", "legacy@example.org", "nowhere@example.org"} <= set(emails)
    assert "paused@example.org" not in emails


def test_a_volunteers_own_box_holds_everyone_within_their_radius(in_alpha):
    profile = volunteer("box@example.org", HOME)
    rng = random.Random(9)
    places = [(rng.uniform(-88, 88), rng.uniform(-180, 180)) for _ in range(60)]
    places += [(89.9, 0.0), (-17.0, 179.999), (0.0, -179.999), (70.0, 30.0)]
    for place in places:
        reach = rng.choice([2.0, 10.0, 80.0])
        radius = reach * rng.choice([1.0, rng.random()])
        there = destination(place, radius * rng.choice([1.0, rng.random()]),
                            rng.uniform(0, 2 * pi))
        VolunteerProfile.objects.filter(pk=profile.pk).update(
            lat=there[0], lng=there[1], radius_km=radius,
            area_cell=cell_for(*there, SEARCH_RESOLUTION))
        if distance_km(there, place) <= radius:
            assert VolunteerProfile.objects.filter(
                dispatch._within_own_box(*place, reach), pk=profile.pk).exists(), (place, there)


def test_registering_with_a_place_stores_its_search_cell(in_alpha):
    profile = volunteer("cell@example.org", HOME)
    assert profile.area_cell == cell_for(*HOME, SEARCH_RESOLUTION)
    assert volunteer("nocell@example.org", None).area_cell == ""


def test_the_migration_fills_search_cells_of_volunteers_placed_before_it(in_alpha):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tenants.volunteers.migrations.0002_volunteer_area_cell")
    placed, nowhere = volunteer("a@example.org", HOME), volunteer("b@example.org", None)
    VolunteerProfile.objects.update(area_cell="")
    migration.fill_area_cells(apps, None)
    assert VolunteerProfile.objects.get(pk=placed.pk).area_cell == cell_for(*HOME,
                                                                           SEARCH_RESOLUTION)
    assert VolunteerProfile.objects.get(pk=nowhere.pk).area_cell == ""
