"""The group dashboard for coordinators and admins, and each of its tables as CSV."""

from __future__ import annotations

from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from core import csv_files
from core.accounts.decorators import coordinators_only
from core.audit.services import record
from core.privacy.engine import Viewer
from tenants.reports import dashboard as pages
from tenants.reports.forms import DashboardForm


@coordinators_only
def dashboard(request):
    form = DashboardForm(request.GET or None)
    weeks, days = form.choice()
    page = pages.build(weeks=weeks, days=days, viewer=Viewer.of(request.user))
    query = f"weeks={weeks}&days={days}"
    return render(request, "reports/dashboard.html", {"form": form, "page": page,
                                                      "query": query},
                  status=400 if form.is_bound and not form.is_valid() else 200)


@coordinators_only
def export(request, table: str):
    """One table of the dashboard, in full, as CSV; the download is audited (and names
    shown in it are audited as reveals by the privacy engine)."""
    if table not in pages.EXPORTS:
        raise Http404
    form = DashboardForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(" ".join(str(message) for messages in form.errors.values()
                                               for message in messages),
                                      content_type="text/plain; charset=utf-8")
    weeks, days = form.choice()
    rows = pages.export(table, weeks=weeks, days=days, viewer=Viewer.of(request.user))
    record(actor=request.user, action="reports.export",
           data={"table": table, "weeks": weeks, "days": days})
    response = StreamingHttpResponse(csv_files.lines(rows.columns, rows.rows),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{table}-{weeks}w-{timezone.localdate():%Y-%m-%d}.csv"')
    return response
