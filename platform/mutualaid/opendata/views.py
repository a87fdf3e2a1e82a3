"""The fleet's open data: a page and downloads (CSV, JSON) on the platform host for anyone,
and a page for operators in the console. All read selectors.open_data(), which reads the
public WeeklyCount table only."""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.charts import columns
from mutualaid.console.access import operators_only
from mutualaid.opendata import kinds
from mutualaid.opendata.selectors import OpenData, collection, open_data

TABLES = ("weeks", "kinds", "areas")


def page(request):
    return render(request, "opendata/open_data.html", _context(open_data()))


@operators_only
def operators(request):
    return render(request, "opendata/operators.html",
                  {**_context(open_data()), "collection": collection()})


RECENT_WEEKS = 4  # the page's table of kinds; the download has every week


def _context(data: OpenData) -> dict:
    recent = [week for week, _figure in data.weeks[-RECENT_WEEKS:]]
    by_kind: dict[str, dict] = {}
    for row in data.kinds:
        if row.week in recent:
            by_kind.setdefault(row.type_code, {})[row.week] = row.requests
    return {"data": data, "chart": _weeks_chart(data), "recent": recent,
            "kinds": [(code, kinds.label(code), [counts.get(week) for week in recent])
                      for code, counts in sorted(by_kind.items())],
            "combinations": len(data.combinations)}


def _weeks_chart(data: OpenData):
    points = [(date_format(week, "j M"), figure.value or 0) for week, figure in data.weeks]
    hidden = sum(1 for _week, figure in data.weeks if not figure.shown)
    summary = _("Requests received each week, from the week of %(first)s to the week of "
                "%(last)s.") % {"first": data.first_week.isoformat(),
                               "last": data.last_week.isoformat()}
    if hidden:
        summary += " " + _("Weeks whose figure is not published are drawn empty; the table "
                           "below says which.")
    return columns(points, title=_("Requests each week"), summary=summary)


def download(request, table: str):
    """One table as CSV: figures not published are empty, `suppressed` says why."""
    if table not in TABLES:
        raise Http404
    data = open_data()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mutual-aid-{table}.csv"'
    writer = csv.writer(response)
    if table == "weeks":
        writer.writerow(["week", "week_start", "requests", "suppressed"])
        for week, figure in data.weeks:
            writer.writerow([iso_week(week), week.isoformat(), _cell(figure.value),
                             _why(figure)])
    elif table == "kinds":
        writer.writerow(["week", "week_start", "kind", "requests"])
        for row in data.kinds:
            writer.writerow([iso_week(row.week), row.week.isoformat(), row.type_code,
                             row.requests])
    else:
        writer.writerow(["week", "week_start", "kind", "area", "area_lat", "area_lng",
                         "requests"])
        for c in data.combinations:
            lat, lng = c.centre or ("", "")
            writer.writerow([iso_week(c.week), c.week.isoformat(), c.type_code, c.area, lat,
                             lng, c.requests])
    return response


def download_json(request):
    return JsonResponse(as_json(open_data()), json_dumps_params={"indent": 1})


def as_json(data: OpenData) -> dict:
    return {
        "about": "Requests for help received by the mutual aid groups of this platform, "
                 "by week, by week and kind of help, and by week, kind and area. Figures "
                 "under k are not published, nor figures from which one could be worked "
                 "out; kinds and areas not published are left out.",
        "k": data.k,
        "area_h3_resolution": data.area_resolution,
        "first_week": iso_week(data.first_week), "last_week": iso_week(data.last_week),
        "updated_at": data.updated_at.isoformat() if data.updated_at else None,
        "total": {"requests": data.total.value, "suppressed": _why(data.total) or None},
        "weeks": [{"week": iso_week(week), "week_start": week.isoformat(),
                   "requests": figure.value, "suppressed": _why(figure) or None}
                  for week, figure in data.weeks],
        "kinds": [{"week": iso_week(row.week), "week_start": row.week.isoformat(),
                   "kind": row.type_code, "requests": row.requests} for row in data.kinds],
        "areas": [{"week": iso_week(c.week), "kind": c.type_code, "area": c.area or None,
                   "centre": list(c.centre) if c.centre else None, "requests": c.requests}
                  for c in data.combinations],
    }


def iso_week(monday) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _cell(value):
    return "" if value is None else value


def _why(figure) -> str:
    if figure.shown:
        return ""
    return "under_k" if figure.small else "protects_another"

