from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from core.tenancy.provisioning import SlugTaken
from core.tenancy.routing import group_url
from mutualaid.signup.forms import SignupForm
from mutualaid.signup.services import sign_up_group


def home(request):
    """The platform's home page, which is also where a group signs up."""
    if request.method != "POST":
        return render(request, "signup/home.html", {"form": SignupForm()})
    form = SignupForm(request.POST)
    limited = is_ratelimited(
        request, group="signup", key="ip", rate=settings.SIGNUP_RATE, method="POST",
        increment=True,
    )
    if limited:
        form.is_valid()
        form.add_error(None, _("Too many signups from your network. Please try again later."))
        return render(request, "signup/home.html", {"form": form}, status=429)
    if form.is_valid():
        try:
            result = sign_up_group(data=form.cleaned_data)
        except SlugTaken:
            form.add_error(
                "slug", _("This address was taken a moment ago. Please choose another.")
            )
        else:
            url = group_url(request, result.group, f"/welcome/{result.login_token}/")
            return HttpResponseRedirect(url, status=303)
    return render(request, "signup/home.html", {"form": form}, status=400)
