"""The dashboard's tables: one definition each, shown on the page beside its chart and
downloaded as CSV (reports.views.export), so the two never disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext as _

from tenants.reports import areas
from tenants.reports.figures import (
    SPREAD_BUCKETS, ActivityRow, CountRow, Headline, Spread, UnmetRow, WeekRow,
)


@dataclass(frozen=True)
class Table:
    name: str  # in its CSV's URL and file name
    caption: str
    columns: tuple[str, ...]
    rows: list[tuple]  # the first cell of a row is its heading

    @property
    def empty(self) -> bool:
        return not self.rows


def hours(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 3600, 1)


def summary(headline: Headline) -> Table:
    return Table("summary", _("The period in figures"), (_("Figure"), _("Value")), [
        (_("Requests received"), headline.received),
        (_("Still open"), headline.open),
        (_("Done"), headline.done),
        (_("Could not help"), headline.could_not_help),
        (_("Cancelled"), headline.cancelled),
        (_("Median time to assign (hours)"), hours(headline.median_to_assign)),
        (_("Median time to complete (hours)"), hours(headline.median_to_complete)),
    ])


def _outcome_columns(first: str) -> tuple[str, ...]:
    return (first, _("Received"), _("Still open"), _("Done"), _("Could not help"),
            _("Cancelled"))


def weeks(rows: list[WeekRow]) -> Table:
    return Table("weeks", _("Requests by the week they arrived, and what became of them"),
                 _outcome_columns(_("Week starting")),
                 [(r.week, r.received, r.open, r.done, r.could_not_help, r.cancelled)
                  for r in rows])


def _counts(name: str, caption: str, first: str, rows: list[CountRow],
            label: Callable[[CountRow], str] = lambda row: row.label) -> Table:
    return Table(name, caption, _outcome_columns(first),
                 [(label(r), r.received, r.open, r.done, r.could_not_help, r.cancelled)
                  for r in rows])


def types(rows: list[CountRow]) -> Table:
    return _counts("types", _("Requests by kind of help"), _("Kind of help"), rows)


def channels(rows: list[CountRow]) -> Table:
    return _counts("channels", _("Requests by how they reached us"), _("Channel"), rows)


def places(rows: list[CountRow]) -> Table:
    return _counts("areas", _("Requests by area"), _("Area"), rows,
                   lambda row: areas.label(row.key))


def _unmet_columns(first: str, days: int) -> tuple[str, ...]:
    return (first, _("Open now"), _("Open longer than %(days)d days") % {"days": days},
            _("Of those, not yet taken"), _("Longest wait (days)"))


def unmet_types(rows: list[UnmetRow], days: int) -> Table:
    return Table("unmet_types", _("Unmet need by kind of help"),
                 _unmet_columns(_("Kind of help"), days),
                 [(r.label, r.open, r.unmet, r.untaken, r.oldest_days) for r in rows])


def unmet_places(rows: list[UnmetRow], days: int) -> Table:
    return Table("unmet_areas", _("Unmet need by area"), _unmet_columns(_("Area"), days),
                 [(areas.label(r.key), r.open, r.unmet, r.untaken, r.oldest_days)
                  for r in rows])


def activity(rows: list[ActivityRow]) -> Table:
    return Table("volunteers", _("Volunteer activity by week"),
                 (_("Week starting"), _("Active volunteers"), _("Tasks done")),
                 [(r.week, r.active, r.tasks) for r in rows])


def bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(low)d or more tasks") % {"low": low}
    if low == high:
        return _("%(low)d task") % {"low": low}
    return _("%(low)d–%(high)d tasks") % {"low": low, "high": high}


def spread(figures: Spread) -> Table:
    return Table("spread", _("How the work is spread"), (_("Tasks done"), _("Volunteers")),
                 [(bucket_label(low, high), count)
                  for (low, high), count in zip(SPREAD_BUCKETS, figures.buckets)])


def load(people: list[tuple[object, int]]) -> Table:
    return Table("load", _("Who carries the load"), (_("Volunteer"), _("Email"), _("Tasks done")),
                 [(person.name, person.email, tasks) for person, tasks in people])
