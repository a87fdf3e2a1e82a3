"""The dashboard's figures on a known history (fixture.py) are exact: counts, weeks across
the change to summer time, medians from the timeline, breakdowns, volunteers' activity,
the spread of work and unmet need."""

from datetime import date, timedelta

import pytest

from tenants.reports import figures
from tenants.reports.figures import CountRow, Period, UnmetRow

from reports_history import AREA_A, AREA_B, NOW, make_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(in_alpha):
    return make_history()


@pytest.fixture
def period():
    return Period.last_weeks(4, now=NOW)


def test_the_period_is_four_london_weeks_ending_this_one(in_alpha, period):
    assert period.mondays == (date(2026, 3, 16), date(2026, 3, 23), date(2026, 3, 30),
                              date(2026, 4, 6))
    assert period.start.isoformat() == "2026-03-16T00:00:00+00:00"
    assert period.boundaries[2].isoformat() == "2026-03-30T00:00:00+01:00"  # summer time
    assert period.end.isoformat() == "2026-04-13T00:00:00+01:00"


def test_headline(history, period):
    headline = figures.headline(period)
    assert (headline.received, headline.open, headline.done, headline.could_not_help,
            headline.cancelled) == (7, 2, 3, 1, 1)
    # Assigned after 2, 4, 1 and 3 hours (R1, R2, R4, R7): the median of four is halfway.
    assert headline.median_to_assign == timedelta(hours=2.5)
    # Done after 26, 50 and 8 hours (R1, R2, R4).
    assert headline.median_to_complete == timedelta(hours=26)


def test_an_empty_period_has_no_medians(history):
    headline = figures.headline(Period.last_weeks(4, now=NOW + timedelta(weeks=20)))
    assert (headline.received, headline.median_to_assign, headline.median_to_complete) == (
        0, None, None)


def test_weeks_bucket_by_london_mondays(history, period):
    rows = figures.weeks(period)
    assert [(r.week, r.received, r.open, r.done, r.could_not_help, r.cancelled)
            for r in rows] == [
        (date(2026, 3, 16), 2, 0, 2, 0, 0),
        (date(2026, 3, 23), 3, 1, 0, 1, 1),
        (date(2026, 3, 30), 1, 0, 1, 0, 0),  # R4, 23:30 on Sunday in UTC
        (date(2026, 4, 6), 1, 1, 0, 0, 0),
    ]


def test_by_type_channel_and_area(history, period):
    assert figures.by_type(period) == [
        CountRow("shopping", "Shopping", 5, 1, 2, 1, 1),
        CountRow("befriending", "Befriending call", 1, 1, 0, 0, 0),
        CountRow("prescription", "Prescription pickup", 1, 0, 1, 0, 0),
    ]
    assert [(r.key, r.received, r.open, r.done) for r in figures.by_channel(period)] == [
        ("web", 4, 1, 1), ("phone", 2, 1, 1), ("email", 1, 0, 1)]
    assert [(r.key, r.received, r.done, r.could_not_help, r.cancelled)
            for r in figures.by_area(period)] == [
        ("", 3, 0, 0, 1), (AREA_A, 3, 2, 1, 0), (AREA_B, 1, 1, 0, 0)]


def test_volunteer_activity_by_week(history, period):
    assert [(r.week, r.active, r.tasks) for r in figures.volunteers(period).weeks] == [
        (date(2026, 3, 16), 1, 2),  # Vi took and did R1 and R2
        (date(2026, 3, 23), 1, 0),  # Xan took R7
        (date(2026, 3, 30), 1, 1),  # Wes took and did R4
        (date(2026, 4, 6), 0, 0),
    ]


def test_spread_of_work_and_who_did_most(history, period):
    spread = figures.volunteers(period).spread
    assert (spread.volunteers, spread.tasks, spread.buckets) == (2, 3, (1, 1, 0, 0))
    # The busiest tenth of two volunteers is one person (Vi), who did 2 of the 3 tasks.
    assert (spread.busiest, spread.busiest_tasks) == (1, 2)
    assert spread.busiest_share == pytest.approx(2 / 3)
    assert spread.top == ((history.vi.pk, 2), (history.wes.pk, 1))
    assert figures.volunteers(period, top=1).spread.top == ((history.vi.pk, 2),)


def test_unmet_need_by_kind_and_area(history):
    # Open now: R5 (2 days), R6 (29 days, never taken) and R7 (15 days, claimed).
    assert figures.unmet_by_type(7, now=NOW) == [
        UnmetRow("shopping", "Shopping", 2, 1, 1, 29),
        UnmetRow("befriending", "Befriending call", 1, 1, 0, 15),
    ]
    assert figures.unmet_by_type(20, now=NOW) == [
        UnmetRow("shopping", "Shopping", 2, 1, 1, 29),
        UnmetRow("befriending", "Befriending call", 1, 0, 0, None),
    ]
    assert [(r.key, r.open, r.unmet, r.untaken) for r in figures.unmet_by_area(7, now=NOW)] == [
        ("", 2, 1, 0), (AREA_B, 1, 1, 1)]
