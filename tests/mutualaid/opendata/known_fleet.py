"""A known fleet for the open data tests: requests in alpha and beta, made through the
requests service, then dated (created_at) into chosen weeks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from core.geo.cells import SEARCH_RESOLUTION, cell_for
from core.tenancy.models import Group
from mutualaid.opendata.counting import coarse

LONDON = (51.5072, -0.1276)
MANCHESTER = (53.4808, -2.2426)
# As counted: the request's area cell's ancestor (h3's hierarchy is not exactly nested in
# space, so this can differ from the resolution-5 cell holding the point).
LONDON_AREA = coarse(cell_for(*LONDON, SEARCH_RESOLUTION))
MANCHESTER_AREA = coarse(cell_for(*MANCHESTER, SEARCH_RESOLUTION))
NAMES = ["Rosa Quintero", "Bartholomew Okonkwo-Smith"]
ADDRESSES = ["17 Larkspur Gardens", "Flat 9, Wexley Court"]
POSTCODES = ["SW1A 2AA", "M1 1AE"]

# (group, weeks ago, kind, place or None, how many); weeks ago 0 is this week (not counted)
# and 60 is outside the window.
PLAN = [
    ("alpha", 1, "shopping", LONDON, 6),
    ("alpha", 1, "shopping", MANCHESTER, 2),
    ("alpha", 1, "prescription", LONDON, 3),
    ("alpha", 0, "shopping", LONDON, 5),
    ("alpha", 60, "shopping", LONDON, 5),
    ("beta", 1, "shopping", LONDON, 4),
    ("beta", 1, "befriending", None, 5),
    ("beta", 2, "shopping", LONDON, 7),
]


def monday(weeks_ago: int):
    """In UTC, as the published weeks are: London is never behind it, so a Tuesday of
    these weeks is in the same week, and as many weeks ago, for the groups too."""
    today = timezone.localdate(timezone.now(), UTC)
    return today - timedelta(days=today.weekday(), weeks=weeks_ago)


def make_known_fleet() -> dict[str, list[int]]:
    """The PLAN's requests; returns their ids per group. Leaves the public schema active."""
    from tenants.requests.models import HelpRequest, RequestType
    from tenants.requests.services import submit_request

    made: dict[str, list[int]] = {}
    for slug, weeks_ago, code, place, count in PLAN:
        connection.set_tenant(Group.objects.get(schema_name=slug))
        # Tuesday noon in the group's time zone: far from any week's edge.
        when = datetime.combine(monday(weeks_ago) + timedelta(days=1), time(12),
                                tzinfo=ZoneInfo("Europe/London"))
        for i in range(count):
            fields = {"type": RequestType.objects.get(code=code), "description": "Milk, bread",
                      "person_name": NAMES[i % 2], "person_phone": "07700 900123"}
            if place:  # without one, nothing for the geocoding task to find
                fields.update(lat=place[0], lng=place[1], address=ADDRESSES[i % 2],
                              postcode=POSTCODES[i % 2])
            request, _ = submit_request(fields=fields, submission_key=uuid.uuid4(),
                                        channel="phone")
            HelpRequest.objects.filter(pk=request.pk).update(created_at=when)
            made.setdefault(slug, []).append(request.pk)
    connection.set_schema_to_public()
    return made


def remove_known_fleet(made: dict[str, list[int]]) -> None:
    from mutualaid.opendata.models import WeeklyCount
    from tenants.requests.models import HelpRequest

    for slug, ids in made.items():
        connection.set_tenant(Group.objects.get(schema_name=slug))
        HelpRequest.objects.filter(pk__in=ids).delete()
    connection.set_schema_to_public()
    WeeklyCount.objects.filter(group__schema_name__in=list(made)).delete()


def expected_rows() -> dict[str, set]:
    w1, w2 = monday(1), monday(2)
    return {
        "alpha": {(w1, "shopping", LONDON_AREA, 6), (w1, "shopping", MANCHESTER_AREA, 2),
                  (w1, "prescription", LONDON_AREA, 3)},
        "beta": {(w1, "shopping", LONDON_AREA, 4), (w1, "befriending", "", 5),
                 (w2, "shopping", LONDON_AREA, 7)},
    }
