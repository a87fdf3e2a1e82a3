"""The dashboard's figures, each one SQL query in the group's schema (aggregates with FILTER,
weeks by date_trunc in the group's time zone, medians by percentile_cont on the timeline).

What the words mean here (the page says the same):
- a period is the last N weeks, Monday to Sunday in the group's time zone, this week included;
- *received*: requests made in the period; *open*, *done*, *could not help*, *cancelled*: what
  has become of those requests so far (each request counts once, in the week it arrived);
- *time to assign*: from a request arriving to its first claim or assignment; *time to
  complete*: from arriving to done (timeline, tenants.requests RequestEvent);
- a *task* is a request a volunteer completed; an *active volunteer* in a week took (claimed
  or was given) or completed a request that week; both are counted for the request's
  volunteer;
- *unmet need*: requests still open now (any period) that arrived more than N days ago.

Only counts leave this module; names go through the privacy engine (reports.selectors).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import timezone

from tenants.requests.models import HelpRequest, RequestEvent, RequestType

S = HelpRequest.Status
OPEN = (S.NEW, S.OPEN, S.CLAIMED, S.ASSIGNED, S.IN_PROGRESS)
TAKEN = (S.CLAIMED, S.ASSIGNED)
PERIOD_WEEKS = (4, 12, 52)
UNMET_DAYS = 7

_TABLES = {"requests": HelpRequest._meta.db_table, "events": RequestEvent._meta.db_table,
           "types": RequestType._meta.db_table}


def _group_zone() -> ZoneInfo:
    name = getattr(connection.tenant, "timezone", "") or settings.TIME_ZONE
    return ZoneInfo(name)


@dataclass(frozen=True)
class Period:
    """[start, end): whole weeks in the group's time zone, the last of them this week."""

    start: datetime
    end: datetime
    weeks: int
    zone: str

    @classmethod
    def last_weeks(cls, weeks: int, *, now: datetime | None = None) -> Period:
        zone = _group_zone()
        today = timezone.localtime(now or timezone.now(), zone).date()
        monday = today - timedelta(days=today.weekday())
        first = monday - timedelta(weeks=weeks - 1)
        return cls(start=datetime.combine(first, time(), tzinfo=zone),
                   end=datetime.combine(monday + timedelta(weeks=1), time(), tzinfo=zone),
                   weeks=weeks, zone=zone.key)

    @property
    def first_week(self) -> date:
        return self.start.date()

    @property
    def last_week(self) -> date:
        return self.first_week + timedelta(weeks=self.weeks - 1)

    def params(self, **more) -> dict:
        return {"start": self.start, "end": self.end, "zone": self.zone,
                "open": list(OPEN), "taken": list(TAKEN), **more}


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**_TABLES), params)
        return cursor.fetchall()


# -- Headline -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Headline:
    """The period's requests and what became of them; medians are None with nothing to time."""

    period: Period
    received: int
    open: int
    done: int
    could_not_help: int
    cancelled: int
    median_to_assign: timedelta | None
    median_to_complete: timedelta | None


# The first claim or assignment and the completion of each request of the period, from the
# timeline. Events never precede their request, so `at >= start` bounds the scan.
_FIRSTS = """
    SELECT e.request_id,
           min(e.at) FILTER (WHERE e.to_status = ANY(%(taken)s)) AS taken_at,
           min(e.at) FILTER (WHERE e.to_status = 'done') AS done_at
      FROM {events} e
     WHERE e.to_status IN ('claimed', 'assigned', 'done') AND e.at >= %(start)s
     GROUP BY e.request_id
"""

_HEADLINE = """
    WITH received AS (
        SELECT r.id, r.status, r.created_at FROM {requests} r
         WHERE r.created_at >= %(start)s AND r.created_at < %(end)s
    ), firsts AS (""" + _FIRSTS + """)
    SELECT count(*),
           count(*) FILTER (WHERE r.status = ANY(%(open)s)),
           count(*) FILTER (WHERE r.status = 'done'),
           count(*) FILTER (WHERE r.status = 'could_not_help'),
           count(*) FILTER (WHERE r.status = 'cancelled'),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY f.taken_at - r.created_at),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY f.done_at - r.created_at)
      FROM received r LEFT JOIN firsts f ON f.request_id = r.id
"""


def headline(period: Period) -> Headline:
    """The period's headline figures (shared with the group's public impact page)."""
    (row,) = _fetch(_HEADLINE, period.params())
    return Headline(period, *row)


# -- Over time ------------------------------------------------------------------------------

@dataclass(frozen=True)
class WeekRow:
    week: date  # its Monday
    received: int
    open: int
    done: int
    could_not_help: int
    cancelled: int


_WEEKS = """
    WITH counts AS (
        SELECT date_trunc('week', r.created_at AT TIME ZONE %(zone)s)::date AS week,
               count(*) AS received,
               count(*) FILTER (WHERE r.status = ANY(%(open)s)) AS open,
               count(*) FILTER (WHERE r.status = 'done') AS done,
               count(*) FILTER (WHERE r.status = 'could_not_help') AS could_not_help,
               count(*) FILTER (WHERE r.status = 'cancelled') AS cancelled
          FROM {requests} r
         WHERE r.created_at >= %(start)s AND r.created_at < %(end)s
         GROUP BY 1
    )
    SELECT w.week::date, coalesce(c.received, 0), coalesce(c.open, 0), coalesce(c.done, 0),
           coalesce(c.could_not_help, 0), coalesce(c.cancelled, 0)
      FROM generate_series(%(first)s::date, %(last)s::date, interval '7 days') AS w(week)
      LEFT JOIN counts c ON c.week = w.week::date
     ORDER BY 1
"""


def weeks(period: Period) -> list[WeekRow]:
    """Every week of the period, oldest first, empty weeks included."""
    rows = _fetch(_WEEKS, period.params(first=period.first_week, last=period.last_week))
    return [WeekRow(*row) for row in rows]


# -- Breakdowns -----------------------------------------------------------------------------

@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    received: int
    open: int
    done: int
    could_not_help: int


_BY = """
    SELECT {key} AS key, count(*), count(*) FILTER (WHERE r.status = ANY(%(open)s)),
           count(*) FILTER (WHERE r.status = 'done'),
           count(*) FILTER (WHERE r.status = 'could_not_help')
      FROM {requests} r
     WHERE r.created_at >= %(start)s AND r.created_at < %(end)s
     GROUP BY 1
     ORDER BY 2 DESC, 1
"""


def by_type(period: Period) -> list[CountRow]:
    """The period's requests by kind of help, most asked for first."""
    types = {t.pk: t for t in RequestType.objects.all()}
    rows = _fetch(_BY.replace("{key}", "r.type_id"), period.params())
    return [CountRow(types[key].code, types[key].label, *counts) for key, *counts in rows]


def by_channel(period: Period) -> list[CountRow]:
    """The period's requests by how they reached the group."""
    rows = _fetch(_BY.replace("{key}", "r.channel"), period.params())
    return [CountRow(key, str(HelpRequest.Channel(key).label), *counts)
            for key, *counts in rows]


def by_area(period: Period) -> list[CountRow]:
    """The period's requests by area cell (core.geo.cells.SEARCH_RESOLUTION); "" is for
    requests without a known place."""
    rows = _fetch(_BY.replace("{key}", "r.area_cell"), period.params())
    return [CountRow(key, key, *counts) for key, *counts in rows]
