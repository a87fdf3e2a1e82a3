"""The dashboard page put together: the figures (figures.py, SQL), a chart of each
(core.charts) with a sentence for screen readers, the tables beside them (tables.py), the
map of need; and a single table for its CSV download."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from core import charts
from core.privacy.engine import Viewer
from tenants.reports import areas, figures, selectors, tables
from tenants.reports.figures import Headline, Period, Spread

ON_PAGE = 15  # areas listed on the page, the most first; the CSV has them all


@dataclass(frozen=True)
class Dashboard:
    period: Period
    days: int
    headline: Headline
    spread: Spread
    unmet: int  # requests open longer than `days`
    charts: dict[str, charts.Chart]
    tables: dict[str, tables.Table]
    map: dict

    @property
    def to_assign(self) -> str:
        return duration(self.headline.median_to_assign)

    @property
    def to_complete(self) -> str:
        return duration(self.headline.median_to_complete)


def duration(value) -> str:
    """A median wait for people to read: hours up to two days, then days."""
    if value is None:
        return "—"
    hours = value.total_seconds() / 3600
    if hours < 48:
        return _("%(hours)s hours") % {"hours": number_format(hours, 1)}
    return _("%(days)s days") % {"days": number_format(hours / 24, 1)}


def n(value: int) -> str:
    return number_format(value, force_grouping=True)


def build(*, weeks: int, days: int, viewer: Viewer) -> Dashboard:
    period = Period.last_weeks(weeks)
    headline = figures.headline(period)
    week_rows = figures.weeks(period)
    by_type, by_channel = figures.by_type(period), figures.by_channel(period)
    by_area = figures.by_area(period)
    unmet_types = figures.unmet_by_type(days)
    unmet_areas = figures.unmet_by_area(days)
    team = figures.volunteers(period)
    active, spread = team.weeks, team.spread
    people = selectors.who_carries_the_load(spread, viewer=viewer)
    unmet = sum(row.unmet for row in unmet_types)
    return Dashboard(
        period=period, days=days, headline=headline, spread=spread, unmet=unmet,
        charts={
            "weeks": _weeks_chart(week_rows, headline),
            "types": _rows_chart(_("Requests by kind of help"),
                                 [(row.label, row.received) for row in by_type]),
            "channels": _rows_chart(_("How requests reached us"),
                                    [(row.label, row.received) for row in by_channel]),
            "unmet": _unmet_chart(unmet_types, days, unmet),
            "volunteers": _activity_chart(active),
            "spread": _spread_chart(spread),
        },
        tables={
            "summary": tables.summary(headline),
            "weeks": tables.weeks(week_rows),
            "types": tables.types(by_type),
            "channels": tables.channels(by_channel),
            "areas": tables.places(by_area[:ON_PAGE]),
            "unmet_types": tables.unmet_types(unmet_types, days),
            "unmet_areas": tables.unmet_places(unmet_areas[:ON_PAGE], days),
            "volunteers": tables.activity(active),
            "spread": tables.spread(spread),
            "load": tables.load(people),
        },
        map=_need_map(unmet_areas, days),
    )


# One table on its own, for its CSV: only its own figures are computed.
EXPORTS = {
    "summary": lambda p, d, v: tables.summary(figures.headline(p)),
    "weeks": lambda p, d, v: tables.weeks(figures.weeks(p)),
    "types": lambda p, d, v: tables.types(figures.by_type(p)),
    "channels": lambda p, d, v: tables.channels(figures.by_channel(p)),
    "areas": lambda p, d, v: tables.places(figures.by_area(p)),
    "unmet_types": lambda p, d, v: tables.unmet_types(figures.unmet_by_type(d), d),
    "unmet_areas": lambda p, d, v: tables.unmet_places(figures.unmet_by_area(d), d),
    "volunteers": lambda p, d, v: tables.activity(figures.volunteers(p).weeks),
    "spread": lambda p, d, v: tables.spread(figures.volunteers(p).spread),
    "load": lambda p, d, v: tables.load(
        selectors.who_carries_the_load(figures.volunteers(p).spread, viewer=v)),
}


def export(name: str, *, weeks: int, days: int, viewer: Viewer) -> tables.Table:
    """The table `name` (a key of EXPORTS) in full."""
    return EXPORTS[name](Period.last_weeks(weeks), days, viewer)


def _short(day) -> str:
    return date_format(day, "j M")


def _weeks_chart(rows, headline: Headline) -> charts.Chart:
    busiest = max(rows, key=lambda row: row.received)
    summary = _("%(received)s requests arrived in these %(weeks)d weeks: %(done)s done, "
                "%(cnh)s could not help, %(cancelled)s cancelled and %(open)s still open. "
                "The busiest week began on %(week)s, with %(most)s.") % {
        "received": n(headline.received), "weeks": len(rows), "done": n(headline.done),
        "cnh": n(headline.could_not_help), "cancelled": n(headline.cancelled),
        "open": n(headline.open), "week": date_format(busiest.week, "j F"),
        "most": n(busiest.received)}
    return charts.stacked(
        [_short(row.week) for row in rows],
        [(_("Done"), [row.done for row in rows]),
         (_("Could not help"), [row.could_not_help for row in rows]),
         (_("Cancelled"), [row.cancelled for row in rows]),
         (_("Still open"), [row.open for row in rows])],
        title=_("Requests each week, by what became of them"), summary=summary)


def _rows_chart(title: str, points: list[tuple[str, int]]) -> charts.Chart:
    if points:
        summary = "; ".join(f"{label}: {n(value)}" for label, value in points)
    else:
        summary = _("No requests in this period.")
    return charts.rows(points, title=title, summary=summary)


def _unmet_chart(rows, days: int, unmet: int) -> charts.Chart:
    points = [(row.label, row.unmet) for row in rows if row.unmet]
    summary = _("%(count)s requests have been open longer than %(days)d days.") % {
        "count": n(unmet), "days": days}
    if points:
        summary += " " + "; ".join(f"{label}: {n(value)}" for label, value in points)
    return charts.rows(points, summary=summary, title=_(
        "Requests open longer than %(days)d days, by kind of help") % {"days": days})


def _activity_chart(rows) -> charts.Chart:
    busiest = max(rows, key=lambda row: row.active)
    average = sum(row.active for row in rows) / len(rows)
    summary = _("On average %(average)s volunteers were active each week; the most were "
                "%(most)s, in the week beginning %(week)s.") % {
        "average": number_format(average, 0, force_grouping=True), "most": n(busiest.active),
        "week": date_format(busiest.week, "j F")}
    return charts.columns([(_short(row.week), row.active) for row in rows],
                          title=_("Active volunteers each week"), summary=summary)


def _spread_chart(spread: Spread) -> charts.Chart:
    points = [(tables.bucket_label(low, high), count)
              for (low, high), count in zip(figures.SPREAD_BUCKETS, spread.buckets)]
    if spread.tasks:
        summary = _("%(volunteers)s volunteers did %(tasks)s tasks. The busiest tenth "
                    "(%(busiest)s people) did %(share)s%% of them.") % {
            "volunteers": n(spread.volunteers), "tasks": n(spread.tasks),
            "busiest": n(spread.busiest),
            "share": number_format(100 * spread.busiest_share, 0)}
    else:
        summary = _("No tasks were done in this period.")
    return charts.columns(points, title=_("Volunteers by the number of tasks they did"),
                          summary=summary)


def _need_map(rows, days: int) -> dict:
    """Area cells shaded by open requests, for static/reports/need_map.js; the table of the
    same numbers is the page's content."""
    placed = [row for row in rows if row.key]
    top = max([row.open for row in placed] + [1])
    return {"tiles": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION,
            "areas": [{"label": areas.label(row.key), "shade": round(row.open / top, 3),
                       "text": _("%(open)s open, %(unmet)s of them longer than %(days)d days")
                       % {"open": n(row.open), "unmet": n(row.unmet), "days": days},
                       "outline": areas.outline(row.key)}
                      for row in placed]}
