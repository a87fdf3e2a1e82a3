"""The admins' request types editor: /setup/types/."""

from __future__ import annotations

from django.contrib import messages
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.accounts.decorators import admins_only
from core.errors import Refused
from tenants.requests import types
from tenants.requests.models import RequestType
from tenants.requests.selectors import types_for_editor
from tenants.requests.type_forms import RequestTypeForm


@admins_only
def index(request):
    """Every kind of help the group has, and a form to add one."""
    group = connection.tenant
    form = RequestTypeForm(request.POST or None, group=group)
    if request.method == "POST":
        if form.is_valid():
            try:
                kind = types.create_type(spec=form.spec(), actor=request.user)
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Added: %(name)s.") % {"name": kind.label})
                return redirect("setup_types")
        return render(request, "requests/types.html",
                      {"types": types_for_editor(), "form": form}, status=400)
    return render(request, "requests/types.html", {"types": types_for_editor(), "form": form})


@admins_only
def edit(request, type_id: int):
    group = connection.tenant
    kind = get_object_or_404(RequestType, pk=type_id)
    form = RequestTypeForm(request.POST or None, group=group,
                           initial=RequestTypeForm.initial_for(kind, group=group))
    if request.method == "POST":
        if form.is_valid():
            try:
                kind = types.update_type(type_id=kind.pk, spec=form.spec(), actor=request.user)
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Saved: %(name)s.") % {"name": kind.label})
                return redirect("setup_types")
        return render(request, "requests/type_edit.html",
                      {"kind": kind, "form": form, "in_use": types.in_use(kind)}, status=400)
    return render(request, "requests/type_edit.html",
                  {"kind": kind, "form": form, "in_use": types.in_use(kind)})


@admins_only
@require_POST
def delete(request, type_id: int):
    kind = get_object_or_404(RequestType, pk=type_id)
    try:
        types.delete_type(type_id=kind.pk, actor=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("setup_type_edit", type_id=kind.pk)
    messages.success(request, _("Deleted: %(name)s.") % {"name": kind.label})
    return redirect("setup_types")
