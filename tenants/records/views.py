"""The group's records: audit log, requests export, a person's data, retention settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import csv_files
from core.accounts.decorators import admins_only, coordinators_only
from core.audit.selectors import log
from core.audit.services import record
from core.privacy.engine import Viewer
from tenants.records import selectors, services
from tenants.records.forms import AuditFilterForm, EraseForm, FindPersonForm, RetentionForm

AUDIT_COLUMNS = ("at", "actor_label", "action", "target_type", "target_id", "fields", "reason")


@admins_only
def index(request):
    return render(request, "records/index.html", {"group": connection.tenant})


@admins_only
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = log(action=filters.get("action", ""), actor_label=filters.get("actor", ""))
    if request.GET.get("format") == "csv":
        record(actor=request.user, action="audit.export", data=filters)
        return _csv_download(entries, f"audit-{timezone.localdate():%Y-%m-%d}.csv")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "records/audit_log.html",
                  {"form": form, "page": page, "query": query.urlencode()})


def _csv_download(entries, filename: str) -> HttpResponse:
    rows = entries.values_list(*AUDIT_COLUMNS).iterator(chunk_size=2000)
    response = HttpResponse("".join(csv_files.lines(AUDIT_COLUMNS, rows)),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@coordinators_only
def requests_export(request):
    lines = selectors.requests_csv(viewer=Viewer.of(request.user))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="requests-{timezone.localdate():%Y-%m-%d}.csv"')
    return response


@admins_only
def person(request):
    """Find what the group holds about a person, then export it or erase it. POST only, so
    emails and phone numbers never sit in URLs or server logs."""
    if request.method != "POST":
        return render(request, "records/person.html", {"form": FindPersonForm()})
    form = FindPersonForm(request.POST)
    if not form.is_valid():
        return render(request, "records/person.html", {"form": form}, status=400)
    found = selectors.find_person(email=form.cleaned_data["email"],
                                  phone=form.cleaned_data["phone"])
    action = request.POST.get("action", "find")
    if action == "export" and found.found:
        data = selectors.person_export(person=found, viewer=Viewer.of(request.user))
        response = HttpResponse(data, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        return response
    erase_form = EraseForm(request.POST if action == "erase" else None)
    if action == "erase" and found.found and erase_form.is_valid():
        count = services.erase_person(person=found, actor=request.user,
                                      reason=erase_form.cleaned_data["reason"])
        messages.success(request, _("Erased: %(count)d records.") % {"count": count})
        return redirect("records_person")
    return render(request, "records/person.html", {
        "form": form, "found": found, "erase_form": erase_form,
        "searched": True}, status=400 if action == "erase" else 200)


@admins_only
def retention(request):
    group = connection.tenant
    form = RetentionForm(request.POST or None, initial={
        "keep_request_days": group.keep_request_days,
        "keep_volunteer_days": group.keep_volunteer_days})
    if request.method == "POST":
        if form.is_valid():
            services.set_retention(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Saved. Personal data will be erased on this schedule."))
            return redirect("records_index")
        return render(request, "records/retention.html", {"form": form}, status=400)
    return render(request, "records/retention.html", {"form": form})
