"""Coordinators' vetting pages and the providers' webhook. Thin: services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.accounts.decorators import coordinators_only
from core.errors import Refused
from core.privacy.engine import Viewer, show
from core.tenancy.entitlements import refusal_html
from core.vetting import registry
from core.vetting.providers.base import BadSignature
from tenants.documents.models import Document
from tenants.documents.services import delete_document, store_document
from tenants.vetting import selectors, services
from tenants.vetting.forms import ProviderAccountForm, RequestCheckForm, VerifyForm
from tenants.vetting.models import VettingCheck
from tenants.volunteers.models import VolunteerProfile


@coordinators_only
def checks(request, profile_id: int):
    """A volunteer's checks, and a form to request another."""
    profile = get_object_or_404(VolunteerProfile.objects.select_related("user"), pk=profile_id)
    form = RequestCheckForm(request.POST or None, providers=selectors.usable_providers())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            check = services.request_check(
                profile_id=profile.pk, level=d["level"], provider=d["provider"],
                actor=request.user, date_of_birth=d["date_of_birth"], phone=d["phone"])
        except Refused as refused:
            messages.info(request, refused.message)
        else:
            if registry.get(check.provider).manual:
                return redirect("vetting_verify", check_id=check.pk)
            messages.success(request, _("Check requested. The provider will contact them."))
            return redirect("vetting_checks", profile_id=profile.pk)
    return render(request, "vetting/checks.html", {
        "profile": profile, "form": form,
        "checks": selectors.checks_shown(Viewer.of(request.user), profile.pk),
        "today": selectors.group_today(),
    }, status=400 if request.method == "POST" else 200)


@coordinators_only
def verify(request, check_id: int):
    """Record what a coordinator saw (manual checks) or decided (a result to review)."""
    check = get_object_or_404(VettingCheck.objects.select_related("profile__user"), pk=check_id)
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            # Stored first, outside any transaction (tenants.documents' rule), and deleted
            # again if the record is refused.
            scan = d["scan"] and store_document(
                uploaded_file=d["scan"], kind=Document.Kind.CERTIFICATE,
                owner=check.profile.user, uploaded_by=request.user)
            try:
                services.record_verification(
                    check_id=check.pk, outcome=d["outcome"], actor=request.user,
                    expires_on=d["expires_on"], certificate_number=d["certificate_number"],
                    document_id=scan.pk if scan else None, note=d["note"])
            except Refused:
                if scan:
                    delete_document(document=scan, actor=request.user)
                raise
        except Refused as refused:
            form.add_error(None, refusal_html(refused, request.user))  # plans link if full
        else:
            messages.success(request, _("Recorded."))
            return redirect("vetting_checks", profile_id=check.profile_id)
    shown = show(Viewer.of(request.user), check, why="recording a check",
                 fields=["level", "state", "provider_status"])
    return render(request, "vetting/verify.html",
                  {"check": shown, "profile": check.profile, "form": form},
                  status=400 if request.method == "POST" else 200)


@coordinators_only
@require_POST
def refresh(request, check_id: int):
    check = get_object_or_404(VettingCheck, pk=check_id)
    try:
        services.refresh_check(check_id=check.pk, actor=request.user)
    except Refused as refused:
        messages.info(request, refused.message)
    return redirect("vetting_checks", profile_id=check.profile_id)


@coordinators_only
def providers(request):
    """Admins: this group's accounts with vetting providers."""
    if not request.user.is_group_admin:
        raise PermissionDenied
    chosen = request.POST.get("provider", "")
    forms = []
    for provider in registry.PROVIDERS.values():
        if provider.manual:
            continue
        bound = request.method == "POST" and chosen == provider.name
        form = ProviderAccountForm(request.POST if bound else None, provider=provider,
                                   filled=selectors.configured_fields(provider.name),
                                   prefix=provider.name)
        if bound and form.is_valid():
            try:
                services.save_provider_account(provider=provider.name, values=form.cleaned_data,
                                               actor=request.user)
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("vetting_providers")
        forms.append(form)
    return render(request, "vetting/providers.html", {"forms": forms},
                  status=400 if request.method == "POST" else 200)


@csrf_exempt  # providers sign their webhooks instead
@require_POST
def webhook(request, provider: str):
    """A provider's result: verified with this group's credentials, applied once."""
    try:
        adapter = registry.get(provider)
    except registry.UnknownProvider:
        raise Http404 from None
    credentials = selectors.credentials_for(provider)
    if not adapter.has_webhooks or credentials is None:
        raise Http404
    try:
        event = adapter.verify_webhook(request.headers, request.body, credentials)
    except BadSignature:
        return HttpResponseBadRequest("bad signature")
    return JsonResponse({"result": services.handle_webhook(provider=provider, event=event)})
