from __future__ import annotations

from csp.decorators import csp_update
from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from core.security.csp import group_hosts_source
from core.tenancy.routing import group_url
from mutualaid.signup.forms import SignupForm
from mutualaid.signup.services import sign_up_group


# The signup form's answer redirects to the new group's own host; browsers check a form's
# redirects against form-action too.
@csp_update({"form-action": [group_hosts_source(settings.PLATFORM_DOMAIN)]})
def home(request):
    """The platform's home page, which is also where a group signs up."""
    if request.method != "POST":
        return render(request, "signup/home.html", {"form": SignupForm()})
    limited = is_ratelimited(
        request, group="signup", key="ip", rate=settings.SIGNUP_RATE, method="POST",
        increment=True,
    )
    if limited:
        form = SignupForm(request.POST)
        form.is_valid()
        form.add_error(None, _("Too many signups from your network. Please try again later."))
        return render(request, "signup/home.html", {"form": form}, status=429)
    signup = sign_up_group(data=request.POST)
    if not signup.ok:
        return render(request, "signup/home.html", {"form": signup.form}, status=400)
    url = group_url(request, signup.result.group, f"/welcome/{signup.result.login_token}/")
    return HttpResponseRedirect(url, status=303)
