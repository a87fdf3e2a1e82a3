"""The admins' setup pages for the group itself: /setup/languages/, /setup/branding/."""

from __future__ import annotations

from django.contrib import messages
from django.db import connection
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.accounts.decorators import admins_only
from core.errors import Refused
from core.localized import language_names
from core.tenancy.services import set_branding, set_languages
from tenants.home.forms import BrandingForm, LanguagesForm


@admins_only
def languages(request):
    group = connection.tenant
    form = LanguagesForm(request.POST or None, initial={
        "enabled": group.enabled_languages, "default": group.default_language})
    if request.method == "POST" and form.is_valid():
        try:
            change = set_languages(group=group, enabled=form.cleaned_data["enabled"],
                                   default=form.cleaned_data["default"], actor=request.user)
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Saved. Your pages are offered in: %(languages)s.") % {
                "languages": ", ".join(str(language_names()[c])
                                       for c in change.group.enabled_languages)})
            if change.members_affected:
                messages.warning(request, ngettext(
                    "%(count)d member chose a language you no longer offer: they see your "
                    "default language until they choose another.",
                    "%(count)d members chose a language you no longer offer: they see your "
                    "default language until they choose another.",
                    change.members_affected) % {"count": change.members_affected})
            return redirect("setup")
    return render(request, "home/languages.html", {"form": form},
                  status=400 if form.is_bound else 200)


@admins_only
def branding(request):
    group = connection.tenant
    form = BrandingForm(request.POST or None, request.FILES or None, group=group,
                        initial=BrandingForm.initial_for(group))
    if request.method == "POST" and form.is_valid():
        try:
            set_branding(group=group, branding=form.branding(), actor=request.user,
                         logo=form.cleaned_data["logo"] or None,
                         remove_logo=form.cleaned_data.get("remove_logo", False))
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Saved. Your group's pages show the new look."))
            return redirect("setup")
    return render(request, "home/branding.html", {"form": form, "group": group},
                  status=400 if form.is_bound else 200)
