"""The operator console's pages on the platform host. Thin: forms in, services and
selectors do the work; a refused action shows its reason."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_tenants.utils import schema_context

from core import charts
from core.documents.storage import documents_storage
from core.errors import Refused
from core.tenancy.models import Group
from mutualaid.console import links, schema_state, selectors, services
from mutualaid.console.access import operators_only
from mutualaid.console.forms import CloseForm, DomainForm, FleetFilterForm, ReasonForm
from mutualaid.console.models import GroupExport

PAGE_SIZE = 50


@operators_only
def fleet(request):
    form = FleetFilterForm(request.GET or None, plans=selectors.plans(),
                           countries=selectors.countries())
    if form.is_bound:
        form.is_valid()
    page = Paginator(selectors.fleet(form.query()), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    states = schema_state.states_of((row["pk"], row["usage__schema_fingerprint"])
                                    for row in page.object_list)
    for row in page.object_list:
        row["schema"] = states[row["pk"]]
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "console/fleet.html", {
        "form": form, "page": page, "query_string": params.urlencode(),
        "totals": _totals_chart(selectors.fleet_totals()), "signups": _signups_chart(),
    })


def _totals_chart(totals: selectors.Totals) -> dict:
    points = [(_("Groups"), totals.groups), (_("Active groups (7 days)"), totals.active_groups),
              (_("Requests this week"), totals.requests_week),
              (_("Volunteers this week"), totals.volunteers_week)]
    summary = "; ".join(f"{label}: {value}" for label, value in points)
    return {"totals": totals,
            "chart": charts.rows(points, title=_("Fleet totals"), summary=summary)}


def _signups_chart() -> charts.Chart:
    weeks = selectors.signups_by_week()
    points = [(week.strftime("%d %b"), count) for week, count in weeks]
    summary = _("%(total)d new groups in the last %(weeks)d weeks.") % {
        "total": sum(c for _w, c in weeks), "weeks": len(weeks)}
    return charts.columns(points, title=_("Signups per week"), summary=summary)


@operators_only
def group(request, slug: str):
    return _group_page(request, _group(slug))


def _group(slug: str) -> Group:
    return get_object_or_404(Group, schema_name=slug)


def _group_page(request, group: Group, *, status: int = 200, **forms):
    page = selectors.group_page(group=group)
    context = {"page": page, "group": page.group,
               "grace_days": settings.GROUP_CLOSING_GRACE_DAYS,
               "suspend_form": ReasonForm(prefix="suspend"),
               "resume_form": ReasonForm(prefix="resume"),
               "close_form": CloseForm(prefix="close", group=group),
               "domain_form": DomainForm(prefix="domain"),
               "export_form": ReasonForm(prefix="export")}
    context.update(forms)
    return render(request, "console/group.html", context, status=status)


def _action(request, slug: str, form_class, name: str, act, done: str, **form_kwargs):
    """Validate the action's form, run the service, and come back to the group's page."""
    group = _group(slug)
    form = form_class(request.POST, prefix=name, **form_kwargs)
    if form.is_valid():
        try:
            act(group, form.cleaned_data)
        except Refused as refused:
            # Said at the top as well: the form it came from may no longer be on the page.
            return _group_page(request, group, status=400, refused=refused.message,
                               **{f"{name}_form": form})
        messages.success(request, done)
        return redirect("console_group", slug=slug)
    return _group_page(request, group, status=400, **{f"{name}_form": form})


@require_POST
@operators_only
def suspend(request, slug: str):
    return _action(request, slug, ReasonForm, "suspend", lambda g, d: services.suspend_group(
        group=g, actor=request.user, reason=d["reason"]), _("The group is suspended."))


@require_POST
@operators_only
def resume(request, slug: str):
    return _action(request, slug, ReasonForm, "resume", lambda g, d: services.resume_group(
        group=g, actor=request.user, reason=d["reason"]), _("The group is active again."))


@require_POST
@operators_only
def close(request, slug: str):
    group = _group(slug)
    return _action(request, slug, CloseForm, "close", lambda g, d: services.close_group(
        group=g, actor=request.user, reason=d["reason"]),
        _("The group is closing."), group=group)


@require_POST
@operators_only
def add_domain(request, slug: str):
    return _action(request, slug, DomainForm, "domain", lambda g, d: services.add_domain(
        group=g, hostname=d["hostname"], actor=request.user), _("The domain is added."))


@require_POST
@operators_only
def export(request, slug: str):
    return _action(request, slug, ReasonForm, "export", lambda g, d: services.export_group(
        group=g, actor=request.user, reason=d["reason"]),
        _("The export is ready: download it below."))


@require_POST
@operators_only
def export_download(request, export_id: int):
    """Audit the download, then hand over a short-lived signed link to the bundle."""
    row = get_object_or_404(GroupExport, pk=export_id)
    services.record_export_download(export_row=row, actor=request.user)
    return HttpResponseRedirect(links.signed_url(row), status=303)


@never_cache
@operators_only
def export_file(request, token: str):
    """Development's signed link (local files): the bundle itself."""
    row = links.read_token(token)
    if row is None:
        raise PermissionDenied
    with schema_context(row.schema_name):  # the storage opens the active group's keys only
        try:
            file = documents_storage().open(row.key)
        except FileNotFoundError:
            raise PermissionDenied from None
    response = FileResponse(file, as_attachment=True, filename=row.download_name,
                            content_type=links.CONTENT_TYPE)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
