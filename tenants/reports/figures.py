"""The dashboard's figures, each computed by one SQL query in the group's schema: counts by
status class, weeks bucketed by `width_bucket` on the period's week boundaries (Mondays in
the group's time zone, so summer time is right), medians by `percentile_cont` on the
request timeline (tenants.requests RequestEvent). Only counts leave this module; names go
through the privacy engine (reports.selectors).

What the words mean (the page says the same):
- a *period* is the last N weeks, Monday to Sunday in the group's time zone, this week
  included;
- *received*: requests that arrived in the period; *open*, *done*, *could not help*,
  *cancelled*: what has become of those requests so far (each counts once, in the week it
  arrived);
- *time to assign*: from a request arriving to its first claim or assignment; *time to
  complete*: from arriving to done;
- a *task* is a request a volunteer completed (counted for the request's volunteer, in the
  week it was done); an *active volunteer* in a week took (claimed or was given) or
  completed a request that week;
- *unmet need*: requests open now (whenever they arrived) that arrived more than N days ago.
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

# Names put into the queries: the tables, and the status lists as SQL literals (constants).
_SQL_NAMES = {"requests": HelpRequest._meta.db_table, "events": RequestEvent._meta.db_table,
              "open": ", ".join(f"'{status}'" for status in OPEN),
              "taken": ", ".join(f"'{status}'" for status in TAKEN)}


def _group_zone() -> ZoneInfo:
    return ZoneInfo(getattr(connection.tenant, "timezone", "") or settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    """[start, end): whole weeks in the group's time zone, the last of them this week."""

    mondays: tuple[date, ...]
    zone: str

    @classmethod
    def last_weeks(cls, weeks: int, *, now: datetime | None = None) -> Period:
        zone = _group_zone()
        today = timezone.localtime(now or timezone.now(), zone).date()
        this_monday = today - timedelta(days=today.weekday())
        return cls(mondays=tuple(this_monday - timedelta(weeks=weeks - 1 - i)
                                 for i in range(weeks)), zone=zone.key)

    @property
    def weeks(self) -> int:
        return len(self.mondays)

    @property
    def boundaries(self) -> list[datetime]:
        """Each week's first moment, then the period's end, computed in the zone: the week
        the clocks change in is an hour shorter or longer."""
        zone = ZoneInfo(self.zone)
        return [datetime.combine(day, time(), tzinfo=zone)
                for day in (*self.mondays, self.mondays[-1] + timedelta(weeks=1))]

    @property
    def start(self) -> datetime:
        return self.boundaries[0]

    @property
    def end(self) -> datetime:
        return self.boundaries[-1]

    def params(self, **more) -> dict:
        bounds = self.boundaries
        return {"start": bounds[0], "end": bounds[-1], "bounds": bounds, **more}


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**_SQL_NAMES), params)
        return cursor.fetchall()


@dataclass(frozen=True)
class Outcomes:
    """Requests counted by what has become of them."""

    received: int = 0
    open: int = 0
    done: int = 0
    could_not_help: int = 0
    cancelled: int = 0

    @classmethod
    def of(cls, by_status: dict[str, int]) -> Outcomes:
        return cls(received=sum(by_status.values()),
                   open=sum(by_status.get(s, 0) for s in OPEN), done=by_status.get(S.DONE, 0),
                   could_not_help=by_status.get(S.COULD_NOT_HELP, 0),
                   cancelled=by_status.get(S.CANCELLED, 0))


def _outcomes_by(rows: list[tuple]) -> dict:
    """(key, status, count) rows -> {key: Outcomes}, keys in the order they first appear."""
    grouped: dict = {}
    for key, status, count in rows:
        grouped.setdefault(key, {})[status] = count
    return {key: Outcomes.of(by_status) for key, by_status in grouped.items()}


# -- Headline -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Headline:
    """The period's requests and what became of them; a median is None with nothing to time."""

    period: Period
    received: int
    open: int
    done: int
    could_not_help: int
    cancelled: int
    median_to_assign: timedelta | None
    median_to_complete: timedelta | None


# The period's requests, each with its first claim or assignment and its completion from the
# timeline (events never precede their request, so `at >= start` bounds that scan), then the
# counts and the two medians in one pass.
_HEADLINE = """
    WITH received AS (
        SELECT r.id, r.status, r.created_at FROM {requests} r
         WHERE r.created_at >= %(start)s AND r.created_at < %(end)s
    ), firsts AS (
        SELECT e.request_id,
               min(e.at) FILTER (WHERE e.to_status IN ({taken})) AS taken_at,
               min(e.at) FILTER (WHERE e.to_status = 'done') AS done_at
          FROM {events} e
         WHERE e.to_status IN ({taken}, 'done') AND e.at >= %(start)s
         GROUP BY e.request_id
    )
    SELECT count(*),
           count(*) FILTER (WHERE r.status IN ({open})),
           count(*) FILTER (WHERE r.status = 'done'),
           count(*) FILTER (WHERE r.status = 'could_not_help'),
           count(*) FILTER (WHERE r.status = 'cancelled'),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY f.taken_at - r.created_at),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY f.done_at - r.created_at)
      FROM received r LEFT JOIN firsts f ON f.request_id = r.id
"""


def headline(period: Period) -> Headline:
    """The period's headline figures (the group's public impact page shows them too)."""
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
    SELECT width_bucket(r.created_at, %(bounds)s::timestamptz[]) AS week, r.status, count(*)
      FROM {requests} r
     WHERE r.created_at >= %(start)s AND r.created_at < %(end)s
     GROUP BY 1, 2
"""


def weeks(period: Period) -> list[WeekRow]:
    """Every week of the period, oldest first, empty weeks included."""
    counts = _outcomes_by(_fetch(_WEEKS, period.params()))
    return [WeekRow(monday, *_fields(counts.get(i, Outcomes())))
            for i, monday in enumerate(period.mondays, start=1)]


def _fields(outcomes: Outcomes) -> tuple[int, ...]:
    return (outcomes.received, outcomes.open, outcomes.done, outcomes.could_not_help,
            outcomes.cancelled)


# -- Breakdowns -----------------------------------------------------------------------------

@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    received: int
    open: int
    done: int
    could_not_help: int
    cancelled: int


_BY = """
    SELECT {key}, r.status, count(*)
      FROM {requests} r
     WHERE r.created_at >= %(start)s AND r.created_at < %(end)s
     GROUP BY 1, 2
"""


def _breakdown(key: str, period: Period, name) -> list[CountRow]:
    """Counts by `key` (SQL); `name(value)` gives the row's (key, label)."""
    counts = _outcomes_by(_fetch(_BY.replace("{key}", key, 1), period.params()))
    rows = [CountRow(*name(value), *_fields(outcomes)) for value, outcomes in counts.items()]
    return sorted(rows, key=lambda row: (-row.received, row.key))


def by_type(period: Period) -> list[CountRow]:
    """The period's requests by kind of help, most asked for first."""
    types = {t.pk: t for t in RequestType.objects.all()}
    return _breakdown("r.type_id", period, lambda pk: (types[pk].code, types[pk].label))


def by_channel(period: Period) -> list[CountRow]:
    """The period's requests by how they reached the group."""
    return _breakdown("r.channel", period,
                      lambda key: (key, str(HelpRequest.Channel(key).label)))


def by_area(period: Period) -> list[CountRow]:
    """The period's requests by area cell (core.geo.cells.SEARCH_RESOLUTION); the key "" is
    for requests without a known place (the page names it)."""
    return _breakdown("r.area_cell", period, lambda key: (key, key))


# -- Volunteers -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ActivityRow:
    week: date
    active: int  # volunteers who took or completed a request that week
    tasks: int  # requests completed that week


SPREAD_BUCKETS = ((1, 1), (2, 3), (4, 9), (10, None))  # tasks done: 1, 2–3, 4–9, 10 or more


@dataclass(frozen=True)
class Spread:
    """How the period's tasks were shared among the volunteers who did any."""

    volunteers: int
    tasks: int
    buckets: tuple[int, ...]  # volunteers in each of SPREAD_BUCKETS
    busiest: int  # the busiest tenth of those volunteers (at least one), this many people...
    busiest_tasks: int  # ...did this many of the tasks
    top: tuple[tuple[int, int], ...]  # (user id, tasks) of the busiest few, most first

    @property
    def busiest_share(self) -> float | None:
        return self.busiest_tasks / self.tasks if self.tasks else None


@dataclass(frozen=True)
class Volunteers:
    weeks: list[ActivityRow]
    spread: Spread


# One pass over the period's claims, assignments and completions: each volunteer's weeks
# (active, tasks done), from which both the weeks and each volunteer's tasks are summed;
# then the spread's buckets, the busiest tenth's share and the top few.
_VOLUNTEERS = """
    WITH weekly AS MATERIALIZED (
        SELECT width_bucket(e.at, %(bounds)s::timestamptz[]) AS week, r.volunteer_id,
               count(*) FILTER (WHERE e.to_status = 'done') AS done
          FROM {events} e JOIN {requests} r ON r.id = e.request_id
         WHERE e.to_status IN ({taken}, 'done')
           AND e.at >= %(start)s AND e.at < %(end)s AND r.volunteer_id IS NOT NULL
         GROUP BY 1, 2
    ), per AS (
        SELECT volunteer_id, sum(done) AS tasks FROM weekly
         GROUP BY volunteer_id HAVING sum(done) > 0
    ), ranked AS (
        SELECT volunteer_id, tasks,
               row_number() OVER (ORDER BY tasks DESC, volunteer_id) AS place,
               ceil(count(*) OVER () * 0.1) AS tenth
          FROM per
    )
    SELECT (SELECT array_agg(ARRAY[week, active, tasks]) FROM (
                SELECT week, count(*) AS active, sum(done) AS tasks FROM weekly GROUP BY week
            ) by_week),
           count(*), coalesce(sum(tasks), 0)::int,
           count(*) FILTER (WHERE tasks = 1),
           count(*) FILTER (WHERE tasks BETWEEN 2 AND 3),
           count(*) FILTER (WHERE tasks BETWEEN 4 AND 9),
           count(*) FILTER (WHERE tasks >= 10),
           coalesce(max(tenth), 0)::int,
           coalesce(sum(tasks) FILTER (WHERE place <= tenth), 0)::int,
           array_agg(volunteer_id ORDER BY place) FILTER (WHERE place <= %(top)s),
           array_agg(tasks::int ORDER BY place) FILTER (WHERE place <= %(top)s)
      FROM ranked
"""


def volunteers(period: Period, *, top: int = 10) -> Volunteers:
    """Volunteer activity week by week (empty weeks included) and the spread of the period's
    work, with the `top` busiest volunteers' ids."""
    (row,) = _fetch(_VOLUNTEERS, period.params(top=top))
    by_week, count, tasks, *buckets, busiest, busiest_tasks, ids, counts = row
    weeks = {week: (active, done) for week, active, done in by_week or ()}
    return Volunteers(
        weeks=[ActivityRow(monday, *weeks.get(i, (0, 0)))
               for i, monday in enumerate(period.mondays, start=1)],
        spread=Spread(count, tasks, tuple(buckets), busiest, busiest_tasks,
                      tuple(zip(ids or (), counts or ()))))


# -- Unmet need -----------------------------------------------------------------------------

@dataclass(frozen=True)
class UnmetRow:
    key: str
    label: str
    open: int  # open now, however long
    unmet: int  # of which open longer than the threshold
    untaken: int  # of those, nobody has taken yet (new or open)
    oldest_days: int | None  # the longest wait among them, in whole days


_UNMET = """
    SELECT {key}, count(*),
           count(*) FILTER (WHERE r.created_at < %(before)s),
           count(*) FILTER (WHERE r.created_at < %(before)s AND r.status IN ('new', 'open')),
           floor(extract(epoch FROM %(now)s - min(r.created_at)) / 86400)::int
      FROM {requests} r
     WHERE r.status IN ({open})
     GROUP BY 1
"""


def _unmet(key: str, days: int, now: datetime | None, name) -> list[UnmetRow]:
    now = now or timezone.now()
    rows = _fetch(_UNMET.replace("{key}", key, 1),
                  {"now": now, "before": now - timedelta(days=days)})
    out = [UnmetRow(*name(value), total, unmet, untaken, oldest if unmet else None)
           for value, total, unmet, untaken, oldest in rows]
    return sorted(out, key=lambda row: (-row.unmet, -row.open, row.key))


def unmet_by_type(days: int = UNMET_DAYS, *, now: datetime | None = None) -> list[UnmetRow]:
    """Requests open now by kind of help: how many have waited longer than `days`."""
    types = {t.pk: t for t in RequestType.objects.all()}
    return _unmet("r.type_id", days, now, lambda pk: (types[pk].code, types[pk].label))


def unmet_by_area(days: int = UNMET_DAYS, *, now: datetime | None = None) -> list[UnmetRow]:
    """Requests open now by area cell (the map of need); "" for those without a place."""
    return _unmet("r.area_cell", days, now, lambda key: (key, key))
