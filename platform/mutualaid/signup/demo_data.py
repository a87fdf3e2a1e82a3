"""Realistic sample people and requests for the demo group, spread over its map.

Deterministic (fixed seed) and made through the same services people use. Places come from
the sample postcode table (core/geo/data), so the demo can also geocode those postcodes.
"""

from __future__ import annotations

import random
import uuid
from datetime import time, timedelta

from django.utils import timezone

from core.accounts.models import User
from core.geo.cells import cell_for
from core.geo.deprivation.lookup import decile_at
from core.geo.models import PostcodeCentroid
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import advance, submit_request
from tenants.volunteers.models import VolunteerProfile
from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

PASSWORD = "demo-mutual-aid"
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Ema", "Femi", "Grace", "Hugo", "Iris", "Jon", "Kofi",
         "Lena", "Mo", "Nia", "Omar", "Pia"]
NEEDS = {
    "shopping": ["Weekly shop: bread, milk, fruit and tea", "A few tins and some bin bags"],
    "prescription": ["Collect a repeat prescription from the chemist", "Pick up insulin"],
    "befriending": ["A friendly chat on the phone, twice a week", "Someone to talk to"],
    "dog_walking": ["Walk Biscuit, a calm old spaniel", "Morning walk for a young terrier"],
    "transport": ["Lift to a hospital appointment", "Lift to the GP surgery"],
    "childcare": ["Pick two children up from school on Thursday"],
    "other": ["Help changing a light bulb", "Carry a parcel up three floors"],
}


def seed_demo_activity(*, near: tuple[float, float], coordinator: User) -> bool:
    """Volunteers and requests around `near`; False if the group already has requests."""
    if HelpRequest.objects.exists():
        return False
    rng = random.Random(7)
    places = list(PostcodeCentroid.objects.filter(country="GB", lat__range=(near[0] - 0.2,
                                                                         near[0] + 0.2),
                                                  lng__range=(near[1] - 0.3, near[1] + 0.3)))
    types = {t.code: t for t in RequestType.objects.all()}
    for i, name in enumerate(FIRST):
        place = rng.choice(places)
        profile = register_volunteer(registration=Registration(
            name=f"{name} Demo", email=f"{name.lower()}@demo.example.org", password=PASSWORD,
            request_type_codes=rng.sample(sorted(types), k=rng.randint(2, 4)),
            languages=["en"] + (["es"] if i % 3 == 0 else []), postcode=place.postcode,
            radius_km=rng.choice([2, 3, 5, 8]), travel=rng.choice(["walk", "bike", "car"]),
            max_per_week=rng.randint(2, 5),
            availability=[(d, time(9), time(18)) for d in rng.sample(range(7), k=4)],
            location=(place.lat, place.lng, place.h3_cell),
        ))
        VolunteerProfile.objects.filter(pk=profile.pk).update(vetting_level=rng.choice([0, 1, 1, 2]))
        if i < 13:  # a few are still waiting for approval
            move_volunteer(profile_id=profile.pk, move="approve", actor=coordinator)
    today = timezone.localdate()
    by_decile = _by_deprivation_decile(places)
    for i in range(30):
        code = rng.choice(list(NEEDS))
        place = rng.choice(by_decile[i % len(by_decile)])
        request, _ = submit_request(
            fields={"type": types[code], "description": rng.choice(NEEDS[code]),
                    "person_name": f"{rng.choice(FIRST)} (demo)", "person_phone": "07700 900000",
                    "address": f"{rng.randint(1, 120)} Demo Street", "postcode": place.postcode,
                    "lat": place.lat, "lng": place.lng, "cell": cell_for(place.lat, place.lng),
                    "urgency": rng.choice([0, 1, 1, 2, 3]),
                    "wanted_from": today + timedelta(days=rng.randint(0, 6))},
            submission_key=uuid.uuid4(), channel=rng.choice(["web", "phone", "email", "social"]),
            logged_by=coordinator,
        )
        if i % 6 != 5:  # most are triaged into the open queue
            advance(request_id=request.pk, step="open", actor=coordinator)
    _victors_tasks(near=near, coordinator=coordinator, types=types)
    _planned_deliveries(near=near, coordinator=coordinator, types=types)
    return True


def _by_deprivation_decile(places: list[PostcodeCentroid]) -> list[list[PostcodeCentroid]]:
    """The places grouped by their area's deprivation decile (the synthetic sample that
    seed_demo loads), so the demo's requests come from all ten; one group without data."""
    groups: dict[int | None, list[PostcodeCentroid]] = {}
    for place in places:
        groups.setdefault(decile_at(place.lat, place.lng), []).append(place)
    return [groups[d] for d in sorted(groups, key=lambda d: (d is None, d))]


def _victors_tasks(*, near, coordinator: User, types) -> None:
    """The demo volunteer's own requests, one at each stage, to show how much of a request a
    volunteer sees: open (what and roughly where), assigned to them (who, where, how to get
    in, while it is live), done (the details are gone again)."""
    victor = User.objects.filter(email="volunteer@demo.example.org").first()
    if victor is None:
        return
    lat, lng = near[0] + 0.004, near[1] - 0.006
    for stage, steps in (("open", ["open"]), ("live", ["open", "assign"]),
                         ("done", ["open", "assign", "complete"])):
        request, _ = submit_request(
            fields={"type": types["shopping"],
                    "description": f"Weekly shop for Mrs Okafor ({stage})",
                    "person_name": "Grace Okafor (demo)", "person_phone": "07700 900123",
                    "address": "12 Demo Gardens", "postcode": "SW1A 1AA",
                    "access_notes": "Side door; ring twice", "keysafe_code": "4721",
                    "lat": lat, "lng": lng, "cell": cell_for(lat, lng)},
            submission_key=uuid.uuid4(), channel="phone", logged_by=coordinator)
        for step in steps:
            advance(request_id=request.pk, step=step, actor=coordinator,
                    volunteer=victor if step == "assign" else None)


def _planned_deliveries(*, near, coordinator: User, types) -> None:
    """Deliveries planned on the coming days: the demo volunteer's day today is a route of
    three stops near home (/volunteer/day/), and some open requests have a day, so a request
    page suggests days when someone is already going nearby (tenants.requests.planning)."""
    from tenants.requests.planning import group_today
    from tenants.requests.services import plan_day

    today = group_today()
    victor = User.objects.filter(email="volunteer@demo.example.org").first()
    if victor is not None:
        stops = [("prescription", "Collect a repeat prescription (demo)", 0.009, 0.004),
                 ("shopping", "A few tins and some bin bags (demo)", -0.005, 0.010)]
        for code, description, dlat, dlng in stops:
            lat, lng = near[0] + dlat, near[1] + dlng
            request, _ = submit_request(
                fields={"type": types[code], "description": description,
                        "person_name": "Sam Ellis (demo)", "person_phone": "07700 900124",
                        "address": "3 Demo Mews", "postcode": "SW1A 2AA",
                        "lat": lat, "lng": lng, "cell": cell_for(lat, lng)},
                submission_key=uuid.uuid4(), channel="phone", logged_by=coordinator)
            for step in ("open", "assign"):
                advance(request_id=request.pk, step=step, actor=coordinator,
                        volunteer=victor if step == "assign" else None)
        for request in HelpRequest.objects.filter(volunteer=victor,
                                                  status=HelpRequest.Status.ASSIGNED):
            plan_day(request_id=request.pk, day=today, actor=coordinator)
    for i, request in enumerate(HelpRequest.objects.filter(
            status=HelpRequest.Status.OPEN, volunteer__isnull=True,
            wanted_from__isnull=False).order_by("pk")):
        if i % 3 == 0:
            plan_day(request_id=request.pk, day=request.wanted_from + timedelta(days=i % 4),
                     actor=coordinator)


def add_demo_volunteer(*, name: str, email: str, password: str, near: tuple[float, float],
                       coordinator: User) -> VolunteerProfile:
    """The demo's own volunteer login: active, basic checks, most kinds of help, 5 km."""
    profile = register_volunteer(registration=Registration(
        name=name, email=email, password=password,
        request_type_codes=["shopping", "prescription", "befriending", "dog_walking", "other"],
        languages=["en", "es"], radius_km=5, max_per_week=5,
        availability=[(d, time(9), time(18)) for d in range(7)],
        location=(near[0], near[1], cell_for(*near)),
    ))
    VolunteerProfile.objects.filter(pk=profile.pk).update(vetting_level=1)
    return move_volunteer(profile_id=profile.pk, move="approve", actor=coordinator)
