"""A small group history with known answers, made through the request services and then
moved to fixed times (the services stamp `now`).

Alpha's clocks are London's; the period is the 4 weeks to Wednesday 8 April 2026, 12:00:
Mondays 16, 23 and 30 March and 6 April. Summer time began on Sunday 29 March, so week 2 is
an hour short, and request 4 (00:30 on Monday 30 March in London, 23:30 on Sunday in UTC)
belongs to week 3.

    req  arrived (London)   kind          channel  area  what happened (hours after arriving)
    R1   Mon 16 Mar 10:00   shopping      phone    A     claimed by Vi +2, started, done +26
    R2   Tue 17 Mar 09:00   prescription  web      A     assigned to Vi +4, done +50
    R3   Mon 23 Mar 08:00   shopping      web      A     could not help +10
    R4   Mon 30 Mar 00:30   shopping      email    B     claimed by Wes +1, done +8
    R5   Mon 6 Apr 09:00    shopping      web      -     opened +1 (open, 2 days old)
    R6   Tue 10 Mar 09:00   shopping      web      B     before the period; still new (29 days)
    R7   Tue 24 Mar 09:00   befriending   phone    -     claimed by Xan +3 (open, 15 days)
    R8   Wed 25 Mar 09:00   shopping      web      -     cancelled +1
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.accounts.models import User
from core.accounts.services import create_member
from core.testing.people import PASSWORD
from tenants.requests.models import HelpRequest, RequestEvent, RequestType
from tenants.requests.services import advance, submit_request

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 4, 8, 12, 0, tzinfo=LONDON)
AREA_A, AREA_B = "87195da49ffffff", "87195da4dffffff"  # the centre, and ~3 km north


def at(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


@dataclass
class History:
    requests: dict[str, HelpRequest]
    vi: User
    wes: User
    xan: User


def make_history() -> History:
    coordinator = User.objects.get(role=User.Role.COORDINATOR)
    vi, wes, xan = (create_member(email=f"{name.lower()}@alpha.example.org", name=f"{name} Helper",
                                  role=User.Role.VOLUNTEER, password=PASSWORD)
                    for name in ("Vi", "Wes", "Xan"))
    plan = {  # name: (arrived, kind, channel, area, [(step, hours after arriving, volunteer)])
        "R1": (at(16, 3, 10), "shopping", "phone", AREA_A,
               [("open", 1, None), ("claim", 2, vi), ("start", 3, None), ("complete", 26, None)]),
        "R2": (at(17, 3, 9), "prescription", "web", AREA_A,
               [("assign", 4, vi), ("start", 5, None), ("complete", 50, None)]),
        "R3": (at(23, 3, 8), "shopping", "web", AREA_A, [("open", 1, None),
                                                         ("could_not_help", 10, None)]),
        "R4": (at(30, 3, 0, 30), "shopping", "email", AREA_B,
               [("open", 0.5, None), ("claim", 1, wes), ("complete", 8, None)]),
        "R5": (at(6, 4, 9), "shopping", "web", "", [("open", 1, None)]),
        "R6": (at(10, 3, 9), "shopping", "web", AREA_B, []),
        "R7": (at(24, 3, 9), "befriending", "phone", "", [("open", 1, None), ("claim", 3, xan)]),
        "R8": (at(25, 3, 9), "shopping", "web", "", [("cancel", 1, None)]),
    }
    made = {}
    for name, (arrived, kind, channel, area, steps) in plan.items():
        request, _created = submit_request(
            fields={"type": RequestType.objects.get(code=kind), "description": f"{name}",
                    "person_name": f"Person {name}", "area_cell": area},
            submission_key=uuid.uuid4(), channel=channel)
        for step, _hours, volunteer in steps:
            advance(request_id=request.pk, step=step, actor=volunteer or coordinator,
                    volunteer=volunteer)
        # Then the times: arrival, and each step's hours after it, in timeline order.
        HelpRequest.objects.filter(pk=request.pk).update(created_at=arrived)
        events = list(RequestEvent.objects.filter(request=request).order_by("pk"))
        times = [arrived] + [arrived + timedelta(hours=hours) for _step, hours, _v in steps]
        for event, moment in zip(events, times, strict=True):
            RequestEvent.objects.filter(pk=event.pk).update(at=moment)
        made[name] = HelpRequest.objects.get(pk=request.pk)
    return History(made, vi, wes, xan)
